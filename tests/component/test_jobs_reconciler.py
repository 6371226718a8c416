"""The reconciler: runs of dead workers (stale heartbeat) go back to the queue, or fail when
their attempts are used up; live runs are left alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.events.types import EventType
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.lease import ClaimedRun, RunLease, claim_run
from shelfscope.jobs.models import RunStatus
from shelfscope.jobs.reconciler import reconcile
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import bus_of, jobs_platform, jobs_settings, load_run, make_workspace, throwaway_kind

STALE_AFTER = 60


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(jobs_settings(settings, stale_after_seconds=STALE_AFTER), db, clock=clock) as platform:
        yield platform


@pytest.fixture
def kind() -> Iterator[str]:
    with throwaway_kind(lambda ctx: {"done": True}) as name:
        yield name


def _claimed_run(platform: Platform, kind: str, *, max_attempts: int = 3) -> ClaimedRun:
    """A run a worker claimed and then died with (no heartbeats after the claim)."""
    workspace_id = make_workspace(platform.db)
    with platform.db.session() as session:
        run_id = create_run(
            session, platform, workspace_id=workspace_id, kind=kind, max_attempts=max_attempts
        ).id
    platform.queue.huey.flush()  # the dead worker had taken the message
    claimed = claim_run(platform.db, run_id=run_id, worker="dead:1", now=platform.clock.now())
    assert claimed is not None
    return claimed


def test_stale_running_run_is_requeued_and_enqueued_again(
    platform: Platform, kind: str, clock: FakeClock
) -> None:
    run_id = _claimed_run(platform, kind).run_id
    clock.advance(STALE_AFTER + 1)
    report = reconcile(platform)
    assert report.requeued == [run_id]
    assert report.failed == []
    run = load_run(platform.db, run_id)
    assert (run.status, run.worker, run.attempts, run.enqueued_at) == ("queued", None, 1, clock.now())
    assert run.error is not None
    assert run.error.startswith("worker dead:1 stopped sending heartbeats")
    assert platform.queue.huey.pending_count() == 1
    # Another worker picks it up and finishes it.
    assert execute_run(platform, run_id, worker="alive:2") is RunStatus.SUCCEEDED
    assert load_run(platform.db, run_id).attempts == 2


def test_run_whose_worker_keeps_beating_is_left_alone(
    platform: Platform, kind: str, clock: FakeClock
) -> None:
    claimed = _claimed_run(platform, kind)
    lease = RunLease(platform.db, claimed, platform.clock)
    for _ in range(3):
        clock.advance(STALE_AFTER - 1)
        assert lease.heartbeat()
        assert reconcile(platform).requeued == []
    run = load_run(platform.db, claimed.run_id)
    assert (run.status, run.worker) == ("running", "dead:1")


def test_stale_run_without_attempts_left_fails_and_says_why(
    platform: Platform, kind: str, clock: FakeClock
) -> None:
    run_id = _claimed_run(platform, kind, max_attempts=1).run_id
    clock.advance(STALE_AFTER + 1)
    report = reconcile(platform)
    assert (report.requeued, report.failed) == ([], [run_id])
    run = load_run(platform.db, run_id)
    assert run.status == "failed"
    assert run.finished_at == clock.now()
    assert run.error is not None
    assert run.error.endswith("gave up after 1 attempts")
    assert platform.queue.huey.pending_count() == 0
    finished = bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)
    assert [e.payload["status"] for e in finished] == ["failed"]


def test_reconciling_twice_recovers_a_run_once(platform: Platform, kind: str, clock: FakeClock) -> None:
    run_id = _claimed_run(platform, kind).run_id
    clock.advance(STALE_AFTER + 1)
    assert reconcile(platform).requeued == [run_id]
    assert reconcile(platform).requeued == []
    assert platform.queue.huey.pending_count() == 1
