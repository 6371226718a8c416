"""Run kinds and due work of the seller sync, registered with the job system on import.

* ``seller.backfill``: work through one connection's due windows (:mod:`.backfill.runner`).
* due source ``seller.windows``: each tick queues a backfill run for every active connection
  with due windows and no run already queued or running, so FATAL retries and windows of a
  killed worker are picked up without anyone asking.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from shelfscope.jobs import Run, RunContext, register_due_source, register_kind
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.seller.backfill.plan import due_windows
from shelfscope.seller.backfill.runner import run_backfill
from shelfscope.seller.connections import BACKFILL_KIND
from shelfscope.seller.models import ConnectionStatus, SellerConnection
from shelfscope.seller.runtime import runtime_for

__all__ = ["DUE_SOURCE", "backfill_job", "queue_due_backfills"]

DUE_SOURCE = "seller.windows"
_ACTIVE_RUN = ("queued", "running")


def backfill_job(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``seller.backfill``."""
    summary = run_backfill(
        runtime_for(ctx.platform),
        connection_id=int(ctx.payload["connection_id"]),
        progress=ctx.progress,
    )
    if summary.errors:
        ctx.set_partial(f"{len(summary.errors)} window(s) will be retried: {summary.errors[0][:200]}")
    return {
        "windows_processed": summary.windows_processed,
        "rows_ingested": summary.ingested.rows_inserted,
        "duplicates_skipped": summary.ingested.duplicates,
        "stopped": summary.stopped,
    }


def queue_due_backfills(platform: Platform, now: datetime, limit: int) -> int:
    created = 0
    with platform.db.session() as session:
        busy = {
            int(payload.get("connection_id", 0))
            for payload in session.scalars(
                select(Run.payload).where(Run.kind == BACKFILL_KIND, Run.status.in_(_ACTIVE_RUN))
            )
        }
        connections = session.scalars(
            select(SellerConnection).where(SellerConnection.status == ConnectionStatus.ACTIVE.value)
        ).all()
        for connection in connections:
            if created >= limit or connection.id in busy:
                continue
            if due_windows(session, connection_id=connection.id, now=now, limit=1):
                create_run(
                    session,
                    platform,
                    workspace_id=connection.workspace_id,
                    kind=BACKFILL_KIND,
                    subject=f"Amazon {connection.region} {connection.selling_partner_id}",
                    payload={"connection_id": connection.id},
                    enqueue=False,
                )
                created += 1
    return created


register_kind(BACKFILL_KIND, backfill_job, max_attempts=5)
register_due_source(DUE_SOURCE, queue_due_backfills)
