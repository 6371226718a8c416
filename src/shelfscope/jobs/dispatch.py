"""Handing queued runs to the task queue, only ever after their row is committed.

A worker that receives a run id before the row is visible would find nothing to claim, so new
runs are enqueued from an ``after_commit`` hook of the session that inserted them. The row's
``enqueued_at`` records the hand-over; the scheduler re-sends runs that were never handed over
(the queue was down) or whose message got lost (``requeue_after_seconds`` passed without a
claim). Marking ``enqueued_at`` is a compare-and-set, so two schedulers never both send a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, event, or_, select, update
from sqlalchemy.orm import Session

from shelfscope.errors import UpstreamUnavailable
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["after_commit", "dispatch_due_runs", "enqueue_after_commit", "enqueue_now", "send_runs"]

log = get_logger(__name__)

_AFTER_COMMIT_KEY = "shelfscope.jobs.after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call ``callback`` once ``session`` commits (dropped if it rolls back).

    Side effects that others act on (queue messages, live events) must not precede the
    commit that makes their rows visible.
    """
    session.info.setdefault(_AFTER_COMMIT_KEY, []).append(callback)


def enqueue_after_commit(session: Session, platform: Platform, *, run_id: int, priority: int) -> None:
    """Enqueue the run once ``session`` commits; nothing is sent if it rolls back."""
    after_commit(session, lambda: _enqueue_quietly(platform, run_id, priority))


def _enqueue_quietly(platform: Platform, run_id: int, priority: int) -> None:
    enqueue_now(platform, run_id=run_id, priority=priority)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks: list[Callable[[], None]] = session.info.pop(_AFTER_COMMIT_KEY, [])
    for callback in callbacks:
        try:
            callback()
        except Exception as exc:
            log.warning("after_commit_callback_failed", error=str(exc))


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT_KEY, None)


def enqueue_now(platform: Platform, *, run_id: int, priority: int) -> bool:
    """Send one run id; on a queue outage, clear ``enqueued_at`` so the next tick retries at once."""
    try:
        platform.queue.enqueue_run(run_id, priority=priority)
    except UpstreamUnavailable as exc:
        log.warning("run_not_enqueued", run_id=run_id, error=exc.message)
        try:
            with platform.db.session() as session:
                session.execute(
                    update(Run)
                    .where(Run.id == run_id, Run.status == RunStatus.QUEUED.value)
                    .values(enqueued_at=None)
                    .execution_options(synchronize_session=False)
                )
        except UpstreamUnavailable:
            log.warning("run_enqueue_mark_not_cleared", run_id=run_id)
        return False
    return True


def _sendable(now: datetime, cutoff: datetime) -> Any:
    return (
        Run.status == RunStatus.QUEUED.value,
        Run.available_at <= now,
        or_(Run.enqueued_at.is_(None), Run.enqueued_at < cutoff),
    )


def send_runs(platform: Platform, runs: Iterable[tuple[int, int]], *, now: datetime) -> list[int]:
    """Mark each ``(run_id, priority)`` as enqueued where still due (compare-and-set), then send it.

    Rows are marked in id order in one transaction, so concurrent schedulers on PostgreSQL wait
    on each other's row locks instead of deadlocking, and the loser re-reads a fresh
    ``enqueued_at`` and skips the row.
    """
    cutoff = now - timedelta(seconds=platform.settings.jobs.requeue_after_seconds)
    won: list[tuple[int, int]] = []
    with platform.db.session() as session:
        for run_id, priority in sorted(runs):
            stmt = (
                update(Run)
                .where(Run.id == run_id, *_sendable(now, cutoff))
                .values(enqueued_at=now)
                .execution_options(synchronize_session=False)
            )
            if cast("CursorResult[Any]", session.execute(stmt)).rowcount == 1:
                won.append((run_id, priority))
    won.sort(key=lambda item: (-item[1], item[0]))
    return [run_id for run_id, priority in won if enqueue_now(platform, run_id=run_id, priority=priority)]


def dispatch_due_runs(platform: Platform, *, now: datetime, limit: int) -> list[int]:
    """Send queued runs that are due and were never sent or whose message got lost."""
    cutoff = now - timedelta(seconds=platform.settings.jobs.requeue_after_seconds)
    with platform.db.session() as session:
        rows = session.execute(
            select(Run.id, Run.priority)
            .where(*_sendable(now, cutoff))
            .order_by(Run.priority.desc(), Run.available_at, Run.id)
            .limit(limit)
        ).all()
    return send_runs(platform, [(row.id, row.priority) for row in rows], now=now)
