"""The system ``fetch.maintenance`` run: queued by the scheduler itself, never by a user's schedule.

Request-log retention and bandwidth-threshold alerts must happen on a fresh install, before
anyone thinks of creating a schedule. Schedules belong to a workspace, and this work belongs to
the platform (pruning is global; thresholds are checked for every workspace that set one), so
the run is driven by a scheduler *due source* (:func:`shelfscope.jobs.register_due_source`, the
documented hook every tick calls) over one row of :class:`MaintenanceTimer`:

* the first tick inserts the row (insert-or-ignore, so concurrent first ticks agree), due one
  interval later: a fresh install has nothing to prune yet;
* a due row is claimed with a compare-and-set on ``next_run_at``, which moves it one
  ``fetch.maintenance_interval_seconds`` ahead, and the system run is created in the same
  transaction: two schedulers started by mistake still queue one run per interval;
* the run itself is idempotent, so a run lost with a killed worker is simply done next time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, update

from shelfscope.db.upsert import upsert
from shelfscope.fetch.models_db import MaintenanceTimer
from shelfscope.jobs.service import create_run

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["MAINTENANCE_DUE_SOURCE", "MAINTENANCE_KIND", "TIMER_NAME", "queue_system_maintenance"]

MAINTENANCE_KIND = "fetch.maintenance"
MAINTENANCE_DUE_SOURCE = "fetch.maintenance"
TIMER_NAME = "fetch.maintenance"


def queue_system_maintenance(platform: Platform, now: datetime, limit: int) -> int:
    """Due source: create the system maintenance run when its interval has passed (0 or 1 runs)."""
    if limit < 1:
        return 0
    interval = timedelta(seconds=platform.settings.fetch.maintenance_interval_seconds)
    with platform.db.session() as session:
        timer = session.get(MaintenanceTimer, TIMER_NAME)
        if timer is None:  # written once, so an ordinary tick stays read-only
            first = {"name": TIMER_NAME, "next_run_at": now + interval}
            upsert(session, MaintenanceTimer, [first], key=["name"], update=())
            return 0
        if timer.next_run_at > now:
            return 0
        claim = (
            update(MaintenanceTimer)
            .where(MaintenanceTimer.name == TIMER_NAME, MaintenanceTimer.next_run_at == timer.next_run_at)
            .values(next_run_at=now + interval)
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", session.execute(claim)).rowcount != 1:
            session.rollback()
            return 0  # another scheduler claimed this interval
        run = create_run(
            session,
            platform,
            workspace_id=None,
            kind=MAINTENANCE_KIND,
            subject="request-log retention and bandwidth thresholds",
            enqueue=False,
        )
        session.execute(
            update(MaintenanceTimer)
            .where(MaintenanceTimer.name == TIMER_NAME)
            .values(last_run_id=run.id)
            .execution_options(synchronize_session=False)
        )
    return 1
