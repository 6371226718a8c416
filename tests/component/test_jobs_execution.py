"""Executing runs: atomic claims, outcomes by error class, cancellation, progress, fencing.

Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import ConfigError, NotFound, RateLimited, UpstreamUnavailable
from shelfscope.events.types import EventType
from shelfscope.jobs.context import RunContext
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.lease import claim_run
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.reconciler import reconcile
from shelfscope.jobs.service import cancel_run, create_run
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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    tuned = jobs_settings(settings, progress_interval_seconds=0, retry_backoff_seconds=10, max_attempts=3)
    with jobs_platform(tuned, db, clock=clock) as platform:
        yield platform


@pytest.fixture
def workspace_id(db: Database) -> int:
    return make_workspace(db)


def _create(platform: Platform, workspace_id: int, kind: str, **options: Any) -> int:
    with platform.db.session() as session:
        return create_run(session, platform, workspace_id=workspace_id, kind=kind, **options).id


def test_successful_run_stores_result_progress_and_publishes_finished(
    platform: Platform, workspace_id: int
) -> None:
    def handler(ctx: RunContext) -> dict[str, Any]:
        for done in range(1, 4):
            ctx.progress(done, 3, f"step {done}")
        return {"answer": 42, "payload_seen": ctx.payload["x"]}

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind, payload={"x": "y"}, subject="thing")
        assert execute_run(platform, run_id, worker="w1") is RunStatus.SUCCEEDED

    run = load_run(platform.db, run_id)
    assert run.status == "succeeded"
    assert run.result == {"answer": 42, "payload_seen": "y"}
    assert (run.progress_done, run.progress_total, run.message) == (3, 3, "step 3")
    assert run.attempts == 1
    assert run.worker == "w1"
    assert run.error is None
    assert run.started_at == run.finished_at == platform.clock.now()
    finished = bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)
    assert len(finished) == 1
    assert finished[0].workspace_id == workspace_id
    assert finished[0].payload["status"] == "succeeded"
    assert finished[0].payload["subject"] == "thing"


def test_duplicate_delivery_of_a_claimed_run_is_a_no_op(platform: Platform, workspace_id: int) -> None:
    calls: list[int] = []

    def handler(ctx: RunContext) -> None:
        calls.append(ctx.run_id)
        # The same id delivered again while this attempt runs: it must not start a second one.
        assert execute_run(platform, ctx.run_id, worker="w2") is None

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.SUCCEEDED
        # And once more after it finished.
        assert execute_run(platform, run_id, worker="w3") is None

    assert calls == [run_id]
    run = load_run(platform.db, run_id)
    assert (run.status, run.attempts, run.worker) == ("succeeded", 1, "w1")
    assert len(bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)) == 1


def test_concurrent_claims_of_one_run_have_exactly_one_winner(platform: Platform, workspace_id: int) -> None:
    with throwaway_kind(lambda ctx: None) as kind:
        run_ids = [_create(platform, workspace_id, kind) for _ in range(5)]
    barrier = threading.Barrier(4)
    winners: dict[int, list[str]] = {run_id: [] for run_id in run_ids}
    lock = threading.Lock()

    def contender(worker: str) -> None:
        barrier.wait()
        for run_id in run_ids:
            if claim_run(platform.db, run_id=run_id, worker=worker, now=platform.clock.now()) is not None:
                with lock:
                    winners[run_id].append(worker)

    threads = [threading.Thread(target=contender, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(len(won) == 1 for won in winners.values()), winners
    for run_id, won in winners.items():
        run = load_run(platform.db, run_id)
        assert (run.status, run.attempts, run.worker) == ("running", 1, won[0])


def test_a_run_is_not_claimed_before_it_is_available(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    with throwaway_kind(lambda ctx: None) as kind:
        run_id = _create(platform, workspace_id, kind)
    with platform.db.session() as session:
        session.get_one(Run, run_id).available_at = clock.now() + timedelta(seconds=30)
    assert claim_run(platform.db, run_id=run_id, worker="w1", now=clock.now()) is None
    clock.advance(30)
    assert claim_run(platform.db, run_id=run_id, worker="w1", now=clock.now()) is not None


def test_transient_error_requeues_with_backoff_then_fails_after_max_attempts(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    def handler(ctx: RunContext) -> None:
        raise UpstreamUnavailable("marketplace answered 503")

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        delays = []
        for attempt in (1, 2):
            assert execute_run(platform, run_id, worker="w1") is RunStatus.QUEUED
            run = load_run(platform.db, run_id)
            assert (run.status, run.attempts, run.worker, run.enqueued_at) == ("queued", attempt, None, None)
            assert run.error == "upstream_unavailable: marketplace answered 503"
            delay = (run.available_at - clock.now()).total_seconds()
            delays.append(delay)
            # Not claimable before the backoff has passed.
            assert execute_run(platform, run_id, worker="w1") is None
            clock.advance(delay)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.FAILED

    # base 10s: attempt 1 waits 5..10s, attempt 2 waits 10..20s (equal jitter).
    assert 5 <= delays[0] <= 10
    assert 10 <= delays[1] <= 20
    run = load_run(platform.db, run_id)
    assert run.status == "failed"
    assert run.attempts == 3
    assert run.error == "upstream_unavailable: marketplace answered 503 (gave up after 3 attempts)"
    assert [e.payload["status"] for e in bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)] == [
        "failed"
    ]


def test_rate_limit_retry_after_is_the_least_backoff(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    def handler(ctx: RunContext) -> None:
        raise RateLimited("quota exhausted", retry_after=600)

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.QUEUED
    run = load_run(platform.db, run_id)
    assert run.available_at - clock.now() == timedelta(seconds=600)


def test_transient_error_then_success_clears_the_error(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    def handler(ctx: RunContext) -> dict[str, Any]:
        if ctx.attempt == 1:
            raise UpstreamUnavailable("flaky")
        return {"attempt": ctx.attempt}

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        execute_run(platform, run_id, worker="w1")
        clock.advance(60)
        assert execute_run(platform, run_id, worker="w2") is RunStatus.SUCCEEDED
    run = load_run(platform.db, run_id)
    assert (run.status, run.attempts, run.error, run.result) == ("succeeded", 2, None, {"attempt": 2})


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ConfigError("the seller account's refresh token was revoked"), "config_error: the seller"),
        (NotFound("ASIN B000000000 does not exist"), "not_found: ASIN B000000000"),
        (ValueError("bug in a parser"), "internal error: ValueError: bug in a parser"),
    ],
)
def test_config_permanent_and_unexpected_errors_fail_at_once(
    platform: Platform, workspace_id: int, error: Exception, expected: str
) -> None:
    def handler(ctx: RunContext) -> None:
        raise error

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.FAILED
    run = load_run(platform.db, run_id)
    assert run.attempts == 1
    assert run.error is not None
    assert run.error.startswith(expected)


def test_unknown_kind_fails_with_a_clear_message(platform: Platform, workspace_id: int) -> None:
    with throwaway_kind(lambda ctx: None) as kind:
        run_id = _create(platform, workspace_id, kind)
    # The kind is gone from this worker by the time the run is delivered.
    assert execute_run(platform, run_id, worker="w1") is RunStatus.FAILED
    assert load_run(platform.db, run_id).error == (
        f"unknown run kind {kind!r}: no handler is registered in this worker"
    )


def test_cancel_of_a_running_run_reaches_the_handler(platform: Platform, workspace_id: int) -> None:
    processed: list[int] = []

    def handler(ctx: RunContext) -> None:
        for n in range(10):
            ctx.check_cancelled()
            processed.append(n)
            if n == 2:
                with platform.db.session() as session:
                    cancel_run(session, platform, workspace_id=workspace_id, run_id=ctx.run_id)

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.CANCELLED
    assert processed == [0, 1, 2]
    run = load_run(platform.db, run_id)
    assert (run.status, run.cancel_requested, run.message) == ("cancelled", True, "cancelled")
    assert [e.payload["status"] for e in bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)] == [
        "cancelled"
    ]


def test_a_handler_catching_exception_cannot_swallow_cancellation(
    platform: Platform, workspace_id: int
) -> None:
    def handler(ctx: RunContext) -> dict[str, Any]:
        with platform.db.session() as session:
            cancel_run(session, platform, workspace_id=workspace_id, run_id=ctx.run_id)
        try:
            ctx.check_cancelled()
        except Exception:
            return {"swallowed": True}
        return {"swallowed": False}

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.CANCELLED


def test_cancelled_queued_run_is_never_executed(platform: Platform, workspace_id: int) -> None:
    calls: list[int] = []
    with throwaway_kind(lambda ctx: calls.append(ctx.run_id)) as kind:  # type: ignore[func-returns-value]
        run_id = _create(platform, workspace_id, kind)
        with platform.db.session() as session:
            assert (
                cancel_run(session, platform, workspace_id=workspace_id, run_id=run_id).status == "cancelled"
            )
        assert execute_run(platform, run_id, worker="w1") is None
    assert calls == []
    assert [e.payload["status"] for e in bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)] == [
        "cancelled"
    ]


def test_progress_is_written_and_published_as_it_happens(platform: Platform, workspace_id: int) -> None:
    seen_in_db: list[tuple[int, int | None]] = []

    def handler(ctx: RunContext) -> None:
        for done in range(1, 5):
            ctx.progress(done, 4)
            run = load_run(platform.db, ctx.run_id)
            seen_in_db.append((run.progress_done, run.progress_total))

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        execute_run(platform, run_id, worker="w1")
    assert seen_in_db == [(1, 4), (2, 4), (3, 4), (4, 4)]
    progress = bus_of(platform).of_type(EventType.RUN_PROGRESS, run_id)
    # One "running" event at the start, then one per progress call.
    assert [(e.payload["done"], e.payload["total"]) for e in progress] == [
        (0, None),
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 4),
    ]
    assert all(e.workspace_id == workspace_id and e.payload["status"] == "running" for e in progress)


def test_progress_writes_are_throttled_but_the_final_count_is_kept(
    settings: Settings, db: Database, workspace_id: int
) -> None:
    tuned = jobs_settings(settings, progress_interval_seconds=3600)
    with jobs_platform(tuned, db) as platform:

        def handler(ctx: RunContext) -> None:
            for done in range(1, 101):
                ctx.progress(done)

        with throwaway_kind(handler) as kind:
            run_id = _create(platform, workspace_id, kind)
            execute_run(platform, run_id, worker="w1")
        progress = bus_of(platform).of_type(EventType.RUN_PROGRESS, run_id)
        assert [e.payload["done"] for e in progress] == [0, 1]
        assert load_run(db, run_id).progress_done == 100


def test_set_partial_ends_the_run_partial_with_its_reason(platform: Platform, workspace_id: int) -> None:
    def handler(ctx: RunContext) -> dict[str, Any]:
        ctx.set_partial("3 of 50 keywords were blocked")
        return {"ok": 47}

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.PARTIAL
    run = load_run(platform.db, run_id)
    assert (run.status, run.error, run.result) == ("partial", "3 of 50 keywords were blocked", {"ok": 47})


def test_a_worker_presumed_dead_cannot_overwrite_the_new_attempt(
    platform: Platform, workspace_id: int, clock: FakeClock
) -> None:
    """The reconciler hands a silent run to another worker; the old one's writes are fenced out."""
    outcomes: list[str] = []

    def handler(ctx: RunContext) -> dict[str, Any]:
        if ctx.worker == "slow":
            clock.advance(platform.settings.jobs.stale_after_seconds + 1)
            assert reconcile(platform).requeued == [ctx.run_id]
            assert execute_run(platform, ctx.run_id, worker="fast") is RunStatus.SUCCEEDED
            try:
                ctx.progress(1, 1)
            except BaseException as exc:
                outcomes.append(type(exc).__name__)
                raise
        return {"by": ctx.worker}

    with throwaway_kind(handler) as kind:
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="slow") is None
    assert outcomes == ["RunLost"]
    run = load_run(platform.db, run_id)
    assert (run.status, run.worker, run.attempts, run.result) == ("succeeded", "fast", 2, {"by": "fast"})
    assert [e.payload["status"] for e in bus_of(platform).of_type(EventType.RUN_FINISHED, run_id)] == [
        "succeeded"
    ]


def test_heartbeat_thread_keeps_a_long_handler_alive(
    settings: Settings, db: Database, workspace_id: int, clock: FakeClock
) -> None:
    tuned = jobs_settings(settings, heartbeat_seconds=0.05)
    with jobs_platform(tuned, db, clock=clock) as platform:
        beats: list[Any] = []

        def handler(ctx: RunContext) -> None:
            started = load_run(db, ctx.run_id).heartbeat_at
            clock.advance(30)
            wait_until(lambda: load_run(db, ctx.run_id).heartbeat_at != started, timeout=10)
            beats.extend([started, load_run(db, ctx.run_id).heartbeat_at])

        with throwaway_kind(handler) as kind:
            run_id = _create(platform, workspace_id, kind)
            execute_run(platform, run_id, worker="w1")
    assert beats[1] - beats[0] == timedelta(seconds=30)


def test_handler_result_must_be_a_dict(platform: Platform, workspace_id: int) -> None:
    with throwaway_kind(lambda ctx: [1, 2]) as kind:  # type: ignore[arg-type,return-value]
        run_id = _create(platform, workspace_id, kind)
        assert execute_run(platform, run_id, worker="w1") is RunStatus.FAILED
    assert load_run(platform.db, run_id).error == (
        "internal error: TypeError: a run handler must return a dict or None, not list"
    )


def test_spawned_children_belong_to_the_parent_and_its_workspace(
    platform: Platform, workspace_id: int
) -> None:
    with throwaway_kind(lambda ctx: None) as child_kind:

        def parent(ctx: RunContext) -> dict[str, Any]:
            return {"children": [ctx.spawn(child_kind, subject=f"part {i}") for i in range(3)]}

        with throwaway_kind(parent) as parent_kind:
            run_id = _create(platform, workspace_id, parent_kind)
            execute_run(platform, run_id, worker="w1")
    result = load_run(platform.db, run_id).result
    assert result is not None
    children = [load_run(platform.db, child) for child in result["children"]]
    assert [(c.parent_id, c.workspace_id, c.status, c.subject) for c in children] == [
        (run_id, workspace_id, "queued", f"part {i}") for i in range(3)
    ]
