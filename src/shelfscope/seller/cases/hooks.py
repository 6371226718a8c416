"""Detection after a sync: the one call the backfill runner makes when a connection's run ends.

Cases are derived from the ledger, so a failure here must not undo or fail the sync that filled
it: the error is logged and the next sync detects again.
"""

from __future__ import annotations

from sqlalchemy import select

from shelfscope.events import publish_data_changed
from shelfscope.logs import get_logger
from shelfscope.platform import Platform
from shelfscope.seller.cases.detection import DetectionResult, detect_cases
from shelfscope.seller.models import SellerConnection

__all__ = ["CASES_ENTITY", "detect_after_sync"]

CASES_ENTITY = "seller_cases"
"""``data_changed`` entity name: open case pages refresh when it names their workspace."""

log = get_logger(__name__)


def detect_after_sync(platform: Platform, *, connection_id: int) -> DetectionResult | None:
    """Detect the connection's cases at the platform clock's now; None if detection failed."""
    try:
        with platform.db.session() as session:
            result = detect_cases(session, connection_id=connection_id, now=platform.clock.now())
            workspace_id = session.scalar(
                select(SellerConnection.workspace_id).where(SellerConnection.id == connection_id)
            )
    except Exception as exc:  # derived data: the sync itself has succeeded
        log.error("seller.cases.detection_failed", connection_id=connection_id, error=str(exc), exc_info=True)
        return None
    log.info("seller.cases.detected", **result.as_json())
    if result.changed_case_ids and workspace_id is not None:
        publish_data_changed(
            platform.bus, workspace_id=workspace_id, entity=CASES_ENTITY, ids=result.changed_case_ids
        )
    return result
