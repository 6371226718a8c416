"""The scheduler's due source for tracking jobs: atomic claims, limits, skipped busy slots, pauses."""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import shelfscope.ranks.tasks  # noqa: F401 - registers the due source and the run kind
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.scheduler import tick
from shelfscope.platform import Platform
from shelfscope.ranks import jobs
from shelfscope.ranks.dispatch import dispatch_due_jobs
from shelfscope.ranks.models import TrackingJob
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace


def _tuned(settings: Settings, **ranks: Any) -> Settings:
    changes = {"start_jitter_seconds": 0, "pauses_enabled": False} | ranks
    return settings.model_copy(
        update={
            "ranks": settings.ranks.model_copy(update=changes),
            "jobs": settings.jobs.model_copy(update={"dispatch_limit": 50}),
        }
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(_tuned(settings), db, clock=clock) as platform:
        yield platform


@pytest.fixture
def workspace_id(db: Database) -> int:
    return make_workspace(db)


def _jobs(platform: Platform, workspace_id: int, count: int, **options: Any) -> list[int]:
    ids = []
    with platform.db.session() as session:
        for n in range(count):
            job = jobs.create_job(
                session,
                platform,
                workspace_id=workspace_id,
                asin=f"B0TEST{n:04d}",
                marketplace="DE",
                keywords=["bottle"],
                **options,
            )
            ids.append(job.id)
    return ids


def _runs_per_job(db: Database) -> dict[int, int]:
    with db.session() as session:
        runs = session.scalars(select(Run).where(Run.kind == "ranks.check")).all()
    counts: dict[int, int] = {}
    for run in runs:
        counts[run.payload["job_id"]] = counts.get(run.payload["job_id"], 0) + 1
    return counts


def _finish_all(db: Database) -> None:
    with db.session() as session:
        for run in session.scalars(select(Run).where(Run.status == RunStatus.QUEUED.value)):
            run.status = RunStatus.SUCCEEDED.value


def test_due_jobs_become_one_run_each_and_move_to_their_next_slot(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    ids = _jobs(platform, workspace_id, 3, frequency="hourly")
    report = tick(platform)
    assert report.source_runs["ranks.jobs"] == 3
    assert len(report.dispatched) == 3
    assert tick(platform).source_runs["ranks.jobs"] == 0, "claimed already"
    with platform.db.session() as session:
        for job_id in ids:
            job = session.get(TrackingJob, job_id)
            assert job is not None
            assert job.last_run_at == clock.now()
            assert (
                clock.now() + timedelta(minutes=54) <= job.next_run_at <= clock.now() + timedelta(minutes=66)
            )
            run = session.get(Run, job.last_run_id)
            assert run is not None
            assert (run.kind, run.payload, run.workspace_id) == (
                "ranks.check",
                {"job_id": job_id},
                workspace_id,
            )
    _finish_all(platform.db)
    clock.advance(timedelta(minutes=67))
    assert tick(platform).source_runs["ranks.jobs"] == 3
    assert _runs_per_job(platform.db) == dict.fromkeys(ids, 2)


def test_paused_and_future_jobs_are_left_alone(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    paused, due = _jobs(platform, workspace_id, 2)
    with platform.db.session() as session:
        jobs.pause_job(session, platform, workspace_id=workspace_id, job_id=paused)
    assert tick(platform).source_runs["ranks.jobs"] == 1
    assert _runs_per_job(platform.db) == {due: 1}


def test_at_most_limit_jobs_per_tick_in_shuffled_order(platform: Platform, workspace_id: int) -> None:
    ids = _jobs(platform, workspace_id, 8)
    assert dispatch_due_jobs(platform, platform.clock.now(), 5, rng=random.Random(4)) == 5
    with platform.db.session() as session:
        first = [r.payload["job_id"] for r in session.scalars(select(Run).order_by(Run.id))]
    assert first != sorted(first), "claimed in shuffled order, not by id"
    assert dispatch_due_jobs(platform, platform.clock.now(), 5) == 3
    assert _runs_per_job(platform.db) == dict.fromkeys(ids, 1)


def test_a_job_whose_check_is_still_running_skips_its_slot(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    (job_id,) = _jobs(platform, workspace_id, 1, frequency="hourly")
    tick(platform)
    clock.advance(timedelta(hours=2))
    with platform.db.session() as session:
        before = session.get(TrackingJob, job_id).next_run_at  # type: ignore[union-attr]
    assert tick(platform).source_runs["ranks.jobs"] == 0
    with platform.db.session() as session:
        job = session.get(TrackingJob, job_id)
        assert job is not None
        assert job.next_run_at > clock.now() > before, "the slot moved on"
    assert _runs_per_job(platform.db) == {job_id: 1}, "never a second check on top of a running one"


def test_two_concurrent_ticks_never_dispatch_a_job_twice(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    ids = _jobs(platform, workspace_id, 20, frequency="hourly")
    created: list[int] = []
    dispatched: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def scheduler(barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            report = tick(platform)
            with lock:
                created.append(report.source_runs["ranks.jobs"])
                dispatched.extend(report.dispatched)
        except BaseException as exc:
            errors.append(exc)

    periods = 3
    for _ in range(periods):
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=scheduler, args=(barrier,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        _finish_all(platform.db)
        clock.advance(timedelta(hours=2))
    assert errors == []
    assert sum(created) == len(ids) * periods
    assert _runs_per_job(platform.db) == dict.fromkeys(ids, periods)
    with platform.db.session() as session:
        total = session.scalar(select(func.count()).select_from(Run))
    assert sorted(dispatched) == sorted(set(dispatched))
    assert len(dispatched) == total


def test_jobs_of_one_tick_start_a_random_pause_apart(
    settings: Settings, db: Database, clock: FakeClock
) -> None:
    paced = _tuned(settings, pauses_enabled=True, job_pause_min_seconds=5, job_pause_max_seconds=15)
    workspace_id = make_workspace(db)
    with jobs_platform(paced, db, clock=clock) as platform:
        _jobs(platform, workspace_id, 4)
        report = tick(platform)
        assert report.source_runs["ranks.jobs"] == 4
        assert len(report.dispatched) == 1, "only the first may start now"
        with platform.db.session() as session:
            starts = sorted(session.scalars(select(Run.available_at)))
        gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(starts)]
        assert starts[0] == clock.now()
        assert all(5 <= gap <= 15 for gap in gaps)
        clock.advance(timedelta(seconds=46))
        assert len(tick(platform).dispatched) == 3
