"""The scheduler tick: due schedules become runs exactly once, due runs are sent to the queue,
lost deliveries are re-sent, and two ticks racing each other never dispatch twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.jobs.models import Run, Schedule
from shelfscope.jobs.scheduler import register_due_source, tick, unregister_due_source
from shelfscope.jobs.service import create_run, create_schedule, update_schedule
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, jobs_settings, load_run, make_workspace, throwaway_kind


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    tuned = jobs_settings(settings, dispatch_limit=50, requeue_after_seconds=120)
    with jobs_platform(tuned, db, clock=clock) as platform:
        yield platform


@pytest.fixture
def workspace_id(db: Database) -> int:
    return make_workspace(db)


@pytest.fixture
def kind() -> Iterator[str]:
    with throwaway_kind(lambda ctx: None) as name:
        yield name


def _queue_size(platform: Platform) -> int:
    return int(platform.queue.huey.pending_count())


def _runs(db: Database, **where: Any) -> list[Run]:
    with db.session() as session:
        return list(session.scalars(select(Run).filter_by(**where).order_by(Run.id)))


def _schedule(platform: Platform, workspace_id: int, kind: str, **cadence: Any) -> Schedule:
    with platform.db.session() as session:
        return create_schedule(
            session, platform, workspace_id=workspace_id, kind=kind, payload={"k": "v"}, **cadence
        )


def test_interval_schedule_fires_once_per_interval(
    platform: Platform, workspace_id: int, kind: str, clock: FakeClock
) -> None:
    schedule = _schedule(platform, workspace_id, kind, interval_seconds=600)
    assert schedule.next_run_at == clock.now() + timedelta(seconds=600)

    assert tick(platform).schedules_fired == 0
    clock.advance(600)
    first = tick(platform)
    assert first.schedules_fired == 1
    assert tick(platform).schedules_fired == 0  # same moment: already claimed

    runs = _runs(platform.db, schedule_id=schedule.id)
    assert [(r.kind, r.workspace_id, r.payload, r.status) for r in runs] == [
        (kind, workspace_id, {"k": "v"}, "queued")
    ]
    # The run was created and sent in the same tick.
    assert first.dispatched == [runs[0].id]
    assert runs[0].enqueued_at == clock.now()
    assert _queue_size(platform) == 1
    with platform.db.session() as session:
        stored = session.get_one(Schedule, schedule.id)
        assert stored.next_run_at == clock.now() + timedelta(seconds=600)
        assert (stored.last_run_at, stored.last_run_id) == (clock.now(), runs[0].id)


def test_a_schedule_that_fell_behind_fires_once_and_keeps_its_phase(
    platform: Platform, workspace_id: int, kind: str, clock: FakeClock
) -> None:
    schedule = _schedule(platform, workspace_id, kind, interval_seconds=600)
    start = schedule.next_run_at
    clock.advance(3600 + 60)  # the scheduler was down for an hour
    assert tick(platform).schedules_fired == 1
    assert tick(platform).schedules_fired == 0
    with platform.db.session() as session:
        assert session.get_one(Schedule, schedule.id).next_run_at == start + timedelta(seconds=600 * 6)


def test_cron_schedule_fires_at_its_cron_times(
    platform: Platform, workspace_id: int, kind: str, clock: FakeClock
) -> None:
    clock.advance(timedelta(hours=5, minutes=30))  # 05:30 UTC
    schedule = _schedule(platform, workspace_id, kind, cron="0 6 * * *")
    assert schedule.next_run_at == datetime(2026, 1, 1, 6, 0, tzinfo=clock.now().tzinfo)
    clock.advance(timedelta(minutes=29))
    assert tick(platform).schedules_fired == 0
    clock.advance(timedelta(minutes=1))
    assert tick(platform).schedules_fired == 1
    with platform.db.session() as session:
        assert session.get_one(Schedule, schedule.id).next_run_at == datetime(
            2026, 1, 2, 6, 0, tzinfo=clock.now().tzinfo
        )


def test_disabled_schedules_do_not_fire_and_re_enabling_restarts_the_timing(
    platform: Platform, workspace_id: int, kind: str, clock: FakeClock
) -> None:
    schedule = _schedule(platform, workspace_id, kind, interval_seconds=600, enabled=False)
    clock.advance(7200)
    assert tick(platform).schedules_fired == 0
    with platform.db.session() as session:
        updated = update_schedule(
            session, platform, workspace_id=workspace_id, schedule_id=schedule.id, changes={"enabled": True}
        )
        assert updated.next_run_at == clock.now() + timedelta(seconds=600)
    assert tick(platform).schedules_fired == 0


def test_never_enqueued_runs_are_sent_by_the_tick(platform: Platform, workspace_id: int, kind: str) -> None:
    with platform.db.session() as session:
        run_ids = [
            create_run(session, platform, workspace_id=workspace_id, kind=kind, enqueue=False).id
            for _ in range(3)
        ]
    assert _queue_size(platform) == 0
    assert sorted(tick(platform).dispatched) == run_ids
    assert _queue_size(platform) == 3
    assert tick(platform).dispatched == []


def test_a_lost_delivery_is_sent_again_after_requeue_after(
    platform: Platform, workspace_id: int, kind: str, clock: FakeClock
) -> None:
    with platform.db.session() as session:
        run_id = create_run(session, platform, workspace_id=workspace_id, kind=kind).id
    assert _queue_size(platform) == 1
    platform.queue.huey.flush()  # the message is lost with a dead worker
    clock.advance(119)
    assert tick(platform).dispatched == []
    clock.advance(2)
    assert tick(platform).dispatched == [run_id]
    assert _queue_size(platform) == 1
    assert load_run(platform.db, run_id).enqueued_at == clock.now()


def test_dispatch_takes_at_most_dispatch_limit_runs_highest_priority_first(
    settings: Settings, db: Database, workspace_id: int, kind: str
) -> None:
    with jobs_platform(jobs_settings(settings, dispatch_limit=2), db) as platform:
        with platform.db.session() as session:
            ids = [
                create_run(
                    session, platform, workspace_id=workspace_id, kind=kind, priority=priority, enqueue=False
                ).id
                for priority in (0, 5, 1)
            ]
        assert tick(platform).dispatched == [ids[1], ids[2]]
        assert tick(platform).dispatched == [ids[0]]


def test_due_sources_create_runs_on_every_tick(platform: Platform, workspace_id: int, kind: str) -> None:
    calls: list[tuple[datetime, int]] = []

    def due_tracking_jobs(p: Platform, now: datetime, limit: int) -> int:
        calls.append((now, limit))
        with p.db.session() as session:
            create_run(
                session, p, workspace_id=workspace_id, kind=kind, subject="tracking job 7", enqueue=False
            )
        return 1

    def broken_source(p: Platform, now: datetime, limit: int) -> int:
        raise RuntimeError("feature bug")

    register_due_source("test.tracking", due_tracking_jobs)
    register_due_source("test.broken", broken_source)
    try:
        report = tick(platform)
    finally:
        unregister_due_source("test.tracking")
        unregister_due_source("test.broken")
    # Features' own sources (rank tracking) run too once their task modules are loaded.
    assert {k: v for k, v in report.source_runs.items() if k.startswith("test.")} == {"test.tracking": 1}
    assert calls == [(platform.clock.now(), 50)]
    assert [r.subject for r in _runs(platform.db)] == ["tracking job 7"]
    assert len(report.dispatched) == 1


def test_two_concurrent_ticks_never_double_dispatch(
    platform: Platform, workspace_id: int, kind: str, clock: FakeClock
) -> None:
    """Two schedulers started by mistake: each due schedule makes exactly one run per period."""
    schedules = [_schedule(platform, workspace_id, kind, interval_seconds=60) for _ in range(12)]
    with platform.db.session() as session:
        loose = [
            create_run(session, platform, workspace_id=workspace_id, kind=kind, enqueue=False).id
            for _ in range(8)
        ]
    dispatched: list[int] = []
    fired: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def scheduler(barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            report = tick(platform)
            with lock:
                dispatched.extend(report.dispatched)
                fired.append(report.schedules_fired)
        except BaseException as exc:
            errors.append(exc)

    periods = 3
    for _ in range(periods):
        clock.advance(60)
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=scheduler, args=(barrier,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert sum(fired) == len(schedules) * periods
    with platform.db.session() as session:
        per_schedule = dict(
            session.execute(
                select(Run.schedule_id, func.count())
                .where(Run.schedule_id.is_not(None))
                .group_by(Run.schedule_id)
            ).all()
        )
    assert per_schedule == {s.id: periods for s in schedules}
    all_runs = [r.id for r in _runs(platform.db)]
    assert sorted(dispatched) == sorted(all_runs)  # every run sent exactly once
    assert set(loose) <= set(dispatched)
    assert _queue_size(platform) == len(all_runs)
