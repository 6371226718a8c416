"""Background work inside one process: worker threads and the scheduler loop, started and
stopped the way ``serve`` does, on SQLite + SqliteHuey and on PostgreSQL + Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from shelfscope.clock import SystemClock
from shelfscope.db import Database
from shelfscope.events.types import EventType
from shelfscope.jobs.context import RunContext
from shelfscope.jobs.demo import create_demo_runs
from shelfscope.jobs.embedded import EmbeddedJobs
from shelfscope.jobs.models import DemoItem, Run
from shelfscope.jobs.service import create_run, create_schedule
from shelfscope.jobs.worker import WorkerPool
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import (
    bus_of,
    jobs_platform,
    jobs_settings,
    load_run,
    make_workspace,
    throwaway_kind,
    wait_until,
)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres+redis", marks=[pytest.mark.postgres, pytest.mark.redis])]
)
def platform(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Platform]:
    tuned = jobs_settings(
        settings,
        scheduler_interval_seconds=0.1,
        heartbeat_seconds=0.1,
        progress_interval_seconds=0,
        shutdown_timeout_seconds=0.3,
        worker_concurrency=3,
    )
    if request.param == "sqlite":
        db = request.getfixturevalue("sqlite_db")
    else:
        db = request.getfixturevalue("postgres_db")
        tuned = tuned.model_copy(update={"queue_url": request.getfixturevalue("redis_url")})
    with jobs_platform(tuned, db, clock=SystemClock()) as platform:
        yield platform
        platform.queue.huey.flush()


def _statuses(db: Database, run_ids: list[int]) -> list[str]:
    return [load_run(db, run_id).status for run_id in run_ids]


def test_embedded_jobs_run_demo_runs_to_completion(platform: Platform) -> None:
    workspace_id = make_workspace(platform.db)
    with EmbeddedJobs(platform):
        with platform.db.session() as session:
            runs = create_demo_runs(
                session, platform, workspace_id=workspace_id, count=4, items=5, sleep_seconds=0.01
            )
            run_ids = [run.id for run in runs]
        wait_until(lambda: _statuses(platform.db, run_ids) == ["succeeded"] * 4)
    with platform.db.session() as session:
        rows = session.execute(select(DemoItem.run_id, func.count()).group_by(DemoItem.run_id)).all()
    assert dict(rows) == dict.fromkeys(run_ids, 5)
    for run_id in run_ids:
        run = load_run(platform.db, run_id)
        assert (run.progress_done, run.progress_total, run.attempts) == (5, 5, 1)
        assert run.result == {"items": 5, "written": 5, "resumed_from": 0, "attempt": 1}
        finished = bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)
        assert [(e.workspace_id, e.payload["status"]) for e in finished] == [(workspace_id, "succeeded")]


def test_embedded_scheduler_turns_schedules_and_unsent_runs_into_executions(platform: Platform) -> None:
    workspace_id = make_workspace(platform.db)
    with throwaway_kind(lambda ctx: {"subject": ctx.subject}) as kind:
        with platform.db.session() as session:
            unsent = create_run(session, platform, workspace_id=workspace_id, kind=kind, enqueue=False).id
            schedule = create_schedule(
                session, platform, workspace_id=workspace_id, kind=kind, interval_seconds=60
            )
            schedule.next_run_at = platform.clock.now()
        with EmbeddedJobs(platform):
            wait_until(lambda: load_run(platform.db, unsent).status == "succeeded")

            def scheduled_runs() -> list[Run]:
                with platform.db.session() as session:
                    return list(session.scalars(select(Run).where(Run.schedule_id == schedule.id)))

            wait_until(lambda: [r.status for r in scheduled_runs()] == ["succeeded"])


def test_stopping_the_worker_hands_unfinished_runs_back(platform: Platform) -> None:
    workspace_id = make_workspace(platform.db)
    release = threading.Event()
    started = threading.Event()
    outcomes: list[str] = []

    def long_handler(ctx: RunContext) -> dict[str, Any]:
        started.set()
        release.wait(10)
        try:
            ctx.progress(1, 1)
        except BaseException as exc:
            outcomes.append(type(exc).__name__)
            raise
        return {}

    with throwaway_kind(long_handler) as kind:
        pool = WorkerPool(platform, concurrency=1)
        pool.start()
        try:
            with platform.db.session() as session:
                run_id = create_run(session, platform, workspace_id=workspace_id, kind=kind).id
            assert started.wait(10)
            assert pool.stop() == [run_id]  # shutdown timeout (0.3s) passes with the handler still busy
            run = load_run(platform.db, run_id)
            assert (run.status, run.attempts, run.worker) == ("queued", 0, None)
            assert platform.queue.huey.pending_count() == 1  # sent again for the next worker
        finally:
            release.set()
        # The abandoned handler wakes up and finds the run is no longer its own.
        wait_until(lambda: outcomes == ["RunLost"], timeout=10)
    assert load_run(platform.db, run_id).status == "queued"
