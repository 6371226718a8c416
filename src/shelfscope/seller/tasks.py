"""Run kinds and due work of the seller sync, registered with the job system on import.

* ``seller.backfill``: work through one connection's due windows (:mod:`.backfill.runner`).
* ``seller.sync``: the daily incremental sync of one connection: plan today's windows (from
  where the synced history ends, re-reading ``seller.lookback_hours`` because Amazon posts
  finance events up to 48 hours late), then work through them like a backfill. Planning is an
  insert-or-ignore on the window key, so a sync run twice in a day adds and ingests nothing.
* due source ``seller.windows``: each tick queues a backfill run for every active connection
  with due windows and no run already queued or running, so FATAL retries, reports still being
  generated and windows of a killed worker are picked up without anyone asking.
* due source ``seller.daily``: each tick queues a ``seller.sync`` run for every active
  connection whose plan ends before today's midnight (UTC) and that has no seller run queued or
  running.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.errors import NotFound
from shelfscope.jobs import Run, RunContext, register_due_source, register_kind
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.seller.backfill.plan import due_windows, plan_incremental, synced_until
from shelfscope.seller.backfill.runner import run_backfill
from shelfscope.seller.backfill.windows import plan_end
from shelfscope.seller.connections import BACKFILL_KIND
from shelfscope.seller.models import ConnectionStatus, SellerConnection
from shelfscope.seller.runtime import runtime_for

__all__ = [
    "DAILY_SOURCE",
    "DUE_SOURCE",
    "SYNC_KIND",
    "backfill_job",
    "queue_daily_syncs",
    "queue_due_backfills",
    "sync_job",
]

DUE_SOURCE = "seller.windows"
DAILY_SOURCE = "seller.daily"
SYNC_KIND = "seller.sync"
_ACTIVE_RUN = ("queued", "running")
_SELLER_KINDS = (BACKFILL_KIND, SYNC_KIND)


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
        # Reports Amazon is still generating: the seller.windows tick polls them when due.
        "open_windows": summary.open_windows,
        "next_due_at": summary.next_due_at.isoformat() if summary.next_due_at else None,
    }


def sync_job(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``seller.sync``: plan today's windows, then ingest them."""
    connection_id = int(ctx.payload["connection_id"])
    with ctx.platform.db.session() as session:
        connection = session.get(SellerConnection, connection_id)
        if connection is None:
            raise NotFound(f"seller connection {connection_id} not found")
        planned = plan_incremental(
            session,
            connection,
            now=ctx.platform.clock.now(),
            lookback=timedelta(hours=ctx.platform.settings.seller.lookback_hours),
        )
    return {"windows_planned": planned, **backfill_job(ctx)}


def _busy_connections(session: Session) -> set[int]:
    """Connections with a seller run queued or running: one at a time per connection."""
    return {
        int(payload.get("connection_id", 0))
        for payload in session.scalars(
            select(Run.payload).where(Run.kind.in_(_SELLER_KINDS), Run.status.in_(_ACTIVE_RUN))
        )
    }


def queue_daily_syncs(platform: Platform, now: datetime, limit: int) -> int:
    """Queue ``seller.sync`` for connections whose synced history ends before today."""
    today = plan_end(now)

    def behind(session: Session, connection: SellerConnection) -> bool:
        until = synced_until(session, connection_id=connection.id)
        return until is not None and until < today  # None: no backfill planned yet

    return _queue_for_idle_connections(platform, limit, kind=SYNC_KIND, wanted=behind, label=" daily sync")


def queue_due_backfills(platform: Platform, now: datetime, limit: int) -> int:
    """Queue ``seller.backfill`` for connections with windows due now."""

    def due(session: Session, connection: SellerConnection) -> bool:
        return bool(due_windows(session, connection_id=connection.id, now=now, limit=1))

    return _queue_for_idle_connections(platform, limit, kind=BACKFILL_KIND, wanted=due, label="")


def _queue_for_idle_connections(
    platform: Platform,
    limit: int,
    *,
    kind: str,
    wanted: Callable[[Session, SellerConnection], bool],
    label: str,
) -> int:
    """Queue a ``kind`` run for each active connection with no seller run that ``wanted`` picks."""
    created = 0
    with platform.db.session() as session:
        busy = _busy_connections(session)
        connections = session.scalars(
            select(SellerConnection).where(SellerConnection.status == ConnectionStatus.ACTIVE.value)
        ).all()
        for connection in connections:
            if created >= limit:
                break
            if connection.id in busy or not wanted(session, connection):
                continue
            create_run(
                session,
                platform,
                workspace_id=connection.workspace_id,
                kind=kind,
                subject=f"Amazon {connection.region} {connection.selling_partner_id}{label}",
                payload={"connection_id": connection.id},
                enqueue=False,
            )
            created += 1
    return created


register_kind(BACKFILL_KIND, backfill_job, max_attempts=5)
register_kind(SYNC_KIND, sync_job, max_attempts=5)
register_due_source(DUE_SOURCE, queue_due_backfills)
register_due_source(DAILY_SOURCE, queue_daily_syncs)
