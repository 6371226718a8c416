"""Recovering runs whose worker died: a running run with a stale heartbeat goes back to the queue.

A killed worker (``kill -9``, OOM, a lost machine) leaves its run ``running`` forever, and
Huey will not deliver that message again. The reconciler finds runs whose heartbeat is older
than ``stale_after_seconds``, re-queues them (or fails them once their attempts are used up)
with a compare-and-set on the heartbeat it saw, and enqueues them at once. The handler's
writes are idempotent upserts, so the new attempt redoing part of the work counts nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, select, update

from shelfscope.jobs.dispatch import send_runs
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.run_events import publish_finished, run_payload
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["ReconcileReport", "reconcile"]

log = get_logger(__name__)


@dataclass
class ReconcileReport:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def _recover(platform: Platform, run: Run, now: datetime) -> str | None:
    """Re-queue or fail one stale run; None if it moved on meanwhile (heartbeat, finish)."""
    exhausted = run.attempts >= run.max_attempts
    last = f"{run.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC" if run.heartbeat_at else "never"
    error = f"worker {run.worker} stopped sending heartbeats (last: {last})"
    if exhausted:
        values: dict[str, Any] = {
            "status": RunStatus.FAILED.value,
            "finished_at": now,
            "error": f"{error}; gave up after {run.attempts} attempts",
        }
    else:
        values = {
            "status": RunStatus.QUEUED.value,
            "available_at": now,
            "enqueued_at": None,
            "worker": None,
            "heartbeat_at": None,
            "error": error,
        }
    stmt = (
        update(Run)
        .where(
            Run.id == run.id,
            Run.status == RunStatus.RUNNING.value,
            Run.attempts == run.attempts,
            Run.heartbeat_at == run.heartbeat_at,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    with platform.db.session() as session:
        if cast("CursorResult[Any]", session.execute(stmt)).rowcount != 1:
            return None
    return values["status"]  # type: ignore[no-any-return]


def reconcile(platform: Platform, *, now: datetime | None = None) -> ReconcileReport:
    """Recover up to ``dispatch_limit`` runs whose heartbeat went stale."""
    now = now or platform.clock.now()
    jobs = platform.settings.jobs
    cutoff = now - timedelta(seconds=jobs.stale_after_seconds)
    with platform.db.session() as session:
        stale = list(
            session.scalars(
                select(Run)
                .where(Run.status == RunStatus.RUNNING.value, Run.heartbeat_at < cutoff)
                .order_by(Run.heartbeat_at)
                .limit(jobs.dispatch_limit)
            )
        )
    report = ReconcileReport()
    for run in stale:
        outcome = _recover(platform, run, now)
        if outcome == RunStatus.QUEUED.value:
            log.warning("stale_run_requeued", run_id=run.id, worker=run.worker, attempts=run.attempts)
            report.requeued.append(run.id)
        elif outcome == RunStatus.FAILED.value:
            log.warning("stale_run_failed", run_id=run.id, worker=run.worker, attempts=run.attempts)
            report.failed.append(run.id)
            payload = run_payload(run) | {"status": RunStatus.FAILED.value}
            publish_finished(platform.bus, run.workspace_id, payload)
    priorities = {run.id: run.priority for run in stale}
    send_runs(platform, [(run_id, priorities[run_id]) for run_id in report.requeued], now=now)
    return report
