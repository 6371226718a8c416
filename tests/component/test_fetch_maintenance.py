"""The system fetch.maintenance run: queued by the scheduler on its own, once per interval, and it
prunes the request log and checks every workspace's bandwidth thresholds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from shelfscope.alerts.models import Notification
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.fetch.models_db import RequestLogEntry, UsageThreshold
from shelfscope.fetch.requestlog import log_row
from shelfscope.fetch.signals import Outcome, RequestRecord
from shelfscope.fetch.tasks import MAINTENANCE_KIND
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.models import Run
from shelfscope.jobs.scheduler import tick
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace

HOUR = timedelta(hours=1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=clock) as platform:
        yield platform


def _maintenance_runs(db: Database) -> list[Run]:
    with db.session() as session:
        return list(session.scalars(select(Run).where(Run.kind == MAINTENANCE_KIND).order_by(Run.id)))


def _log(db: Database, workspace_id: int, *, age: timedelta, now_at: FakeClock, megabytes: int) -> None:
    record = RequestRecord(
        at=now_at.now() - age,
        run_id=None,
        site="amazon",
        marketplace="US",
        method="GET",
        host="www.amazon.com",
        path="/s",
        status=200,
        latency=0.2,
        duration=0.2,
        bytes_in=megabytes * 1_000_000,
        bytes_out=0,
        attempts=1,
        identity_id=None,
        session_id="s1",
        proxy_id="7",
        blocked=False,
        block_kind=None,
        outcome=Outcome.SUCCEEDED,
        error=None,
    )
    with db.session() as session:
        session.add(RequestLogEntry(**log_row(record, workspace_id=workspace_id, provider="oxylabs")))


def test_scheduler_queues_one_system_run_per_interval_without_any_schedule(
    platform: Platform, clock: FakeClock
) -> None:
    interval = timedelta(seconds=platform.settings.fetch.maintenance_interval_seconds)
    assert tick(platform).source_runs["fetch.maintenance"] == 0, "the first tick only starts the timer"
    clock.advance(interval - timedelta(seconds=1))
    assert tick(platform).source_runs["fetch.maintenance"] == 0
    clock.advance(timedelta(seconds=1))
    first = tick(platform)
    assert first.source_runs["fetch.maintenance"] == 1
    assert tick(platform).source_runs["fetch.maintenance"] == 0, "this interval is claimed"
    clock.advance(interval)
    assert tick(platform).source_runs["fetch.maintenance"] == 1
    runs = _maintenance_runs(platform.db)
    assert [(run.workspace_id, run.schedule_id) for run in runs] == [(None, None), (None, None)]
    assert runs[0].id in first.dispatched


def test_system_run_prunes_the_log_and_alerts_every_workspace_over_its_threshold(
    platform: Platform, clock: FakeClock
) -> None:
    acme, beta, quiet = (make_workspace(platform.db, name) for name in ("Acme", "Beta", "Quiet"))
    with platform.db.session() as session:
        for workspace_id in (acme, beta, quiet):
            session.add(UsageThreshold(workspace_id=workspace_id, provider="oxylabs", mb_per_day=5))
    retention = timedelta(days=platform.settings.fetch.request_log_retention_days)
    _log(platform.db, acme, age=retention + HOUR, now_at=clock, megabytes=1)
    _log(platform.db, acme, age=timedelta(0), now_at=clock, megabytes=6)
    _log(platform.db, beta, age=timedelta(0), now_at=clock, megabytes=9)
    _log(platform.db, quiet, age=timedelta(0), now_at=clock, megabytes=1)
    tick(platform)
    clock.advance(timedelta(seconds=platform.settings.fetch.maintenance_interval_seconds))
    tick(platform)
    [run] = _maintenance_runs(platform.db)
    assert execute_run(platform, run.id, worker="test") is not None
    with platform.db.session() as session:
        finished = session.get_one(Run, run.id)
        assert finished.status == "succeeded", finished.error
        assert finished.result == {"pruned": 1, "alerted": ["oxylabs", "oxylabs"]}
        notified = sorted(session.scalars(select(Notification.workspace_id)))
        assert notified == sorted([acme, beta])
        assert (
            session.scalar(select(RequestLogEntry.id).where(RequestLogEntry.at < clock.now() - retention))
            is None
        )
