"""The alert history of a workspace, and "send test" for a channel.

History lists what fired, newest first, each alert with where it was delivered and how that
went; filters by source (a feature), source row (a tracking job) and kind serve the per-job
alert pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shelfscope.alerts.channels import get_channel
from shelfscope.alerts.delivery import sample_message
from shelfscope.alerts.models import AlertDelivery, AlertEvent
from shelfscope.alerts.sending import send_to_channel
from shelfscope.errors import ShelfscopeError

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["ChannelTest", "deliveries_of", "events_query", "send_test"]


def events_query(
    *, workspace_id: int, source: str | None = None, source_id: int | None = None, kind: str | None = None
) -> Select[AlertEvent]:
    query = select(AlertEvent).where(AlertEvent.workspace_id == workspace_id)
    if source is not None:
        query = query.where(AlertEvent.source == source)
    if source_id is not None:
        query = query.where(AlertEvent.source_id == source_id)
    if kind is not None:
        query = query.where(AlertEvent.kind == kind)
    return query.order_by(AlertEvent.fired_at.desc(), AlertEvent.id.desc())


def deliveries_of(
    session: Session, *, workspace_id: int, event_ids: list[int]
) -> dict[int, list[AlertDelivery]]:
    """Deliveries of the given alerts, by alert id."""
    if not event_ids:
        return {}
    rows = session.scalars(
        select(AlertDelivery)
        .where(AlertDelivery.workspace_id == workspace_id, AlertDelivery.event_id.in_(event_ids))
        .order_by(AlertDelivery.id)
    )
    grouped: dict[int, list[AlertDelivery]] = {}
    for row in rows:
        if row.event_id is not None:
            grouped.setdefault(row.event_id, []).append(row)
    return grouped


@dataclass(frozen=True, slots=True)
class ChannelTest:
    ok: bool
    response_status: int | None
    error: str | None


def send_test(session: Session, platform: Platform, *, workspace_id: int, channel_id: int) -> ChannelTest:
    """Send a sample alert to the channel once, now, and say how it went (no retries)."""
    channel = get_channel(session, workspace_id=workspace_id, channel_id=channel_id)
    message = sample_message(workspace_id, now=platform.clock.now())
    try:
        status = send_to_channel(platform, channel, message)
    except ShelfscopeError as exc:
        return ChannelTest(
            ok=False, response_status=getattr(exc, "status", None), error=f"{exc.code}: {exc.message}"
        )
    return ChannelTest(ok=True, response_status=status, error=None)
