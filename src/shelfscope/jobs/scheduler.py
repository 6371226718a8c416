"""The scheduler tick: turn due work into runs, and hand due runs to the queue.

Each tick (a) claims due schedules with a compare-and-set on ``next_run_at`` and creates their
runs in the same transaction, (b) asks every registered due source (features' own tables of
due work, such as rank-tracking jobs with a ``next_run_at``) to do the same, and (c) enqueues
queued runs that are due and were never enqueued, or whose message got lost. Every claim is
atomic, so two schedulers started by mistake never dispatch the same work twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, select, update

from shelfscope.errors import ShelfscopeError
from shelfscope.jobs.cadence import next_fire_after
from shelfscope.jobs.dispatch import dispatch_due_runs
from shelfscope.jobs.models import Schedule
from shelfscope.jobs.service import create_run
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = [
    "DueSource",
    "TickReport",
    "fire_due_schedules",
    "register_due_source",
    "tick",
    "unregister_due_source",
]

log = get_logger(__name__)

# (platform, now, limit) -> runs created. A source claims its due rows atomically (compare-and-set
# on its own next_run_at), creates runs with ``create_run(..., enqueue=False)`` and commits.
DueSource = Callable[["Platform", datetime, int], int]

_sources: dict[str, DueSource] = {}
_sources_lock = threading.Lock()


def register_due_source(name: str, source: DueSource) -> None:
    """Ask ``source`` for due work on every tick (re-registering a name replaces it)."""
    with _sources_lock:
        _sources[name] = source


def unregister_due_source(name: str) -> None:
    with _sources_lock:
        _sources.pop(name, None)


@dataclass
class TickReport:
    schedules_fired: int = 0
    source_runs: dict[str, int] = field(default_factory=dict)
    dispatched: list[int] = field(default_factory=list)


def _claim_schedule(platform: Platform, schedule_id: int, seen_next: datetime, now: datetime) -> int | None:
    """Advance one due schedule and create its run, atomically; None if another tick won."""
    with platform.db.session() as session:
        schedule = session.get(Schedule, schedule_id)
        if schedule is None or not schedule.enabled:
            return None
        following = next_fire_after(
            now, cron=schedule.cron, interval_seconds=schedule.interval_seconds, previous=seen_next
        )
        claim = (
            update(Schedule)
            .where(Schedule.id == schedule_id, Schedule.next_run_at == seen_next, Schedule.enabled.is_(True))
            .values(next_run_at=following, last_run_at=now)
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", session.execute(claim)).rowcount != 1:
            session.rollback()
            return None
        run = create_run(
            session,
            platform,
            workspace_id=schedule.workspace_id,
            kind=schedule.kind,
            subject=schedule.subject,
            payload=schedule.payload,
            priority=schedule.priority,
            schedule_id=schedule.id,
            enqueue=False,
        )
        session.execute(
            update(Schedule)
            .where(Schedule.id == schedule_id)
            .values(last_run_id=run.id)
            .execution_options(synchronize_session=False)
        )
        return run.id


def fire_due_schedules(platform: Platform, *, now: datetime, limit: int) -> int:
    """Create one run per due schedule (at most ``limit``); returns how many this tick created."""
    with platform.db.session() as session:
        due = session.execute(
            select(Schedule.id, Schedule.next_run_at)
            .where(Schedule.enabled.is_(True), Schedule.next_run_at <= now)
            .order_by(Schedule.next_run_at, Schedule.id)
            .limit(limit)
        ).all()
    fired = 0
    for row in due:
        try:
            if _claim_schedule(platform, row.id, row.next_run_at, now) is not None:
                fired += 1
        except ShelfscopeError as exc:
            # A schedule whose kind was removed must not stop the others.
            log.warning("schedule_not_fired", schedule_id=row.id, error=exc.message)
    return fired


def _run_due_sources(platform: Platform, *, now: datetime, limit: int) -> dict[str, int]:
    with _sources_lock:
        sources = dict(_sources)
    created: dict[str, int] = {}
    for name, source in sources.items():
        try:
            created[name] = source(platform, now, limit)
        except Exception as exc:
            log.exception("due_source_failed", source=name, error=str(exc))
    return created


def tick(platform: Platform, *, now: datetime | None = None) -> TickReport:
    """One pass of the scheduler: due schedules, due sources, then dispatch of due runs."""
    now = now or platform.clock.now()
    limit = platform.settings.jobs.dispatch_limit
    report = TickReport()
    report.schedules_fired = fire_due_schedules(platform, now=now, limit=limit)
    report.source_runs = _run_due_sources(platform, now=now, limit=limit)
    report.dispatched = dispatch_due_runs(platform, now=now, limit=limit)
    return report
