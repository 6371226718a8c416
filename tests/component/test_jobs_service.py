"""Run and schedule use cases: workspace scoping, validation, cancel and retry, enqueue on commit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.events.types import EventType
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.lease import claim_run
from shelfscope.jobs.models import RunStatus
from shelfscope.jobs.service import (
    cancel_run,
    create_run,
    create_schedule,
    delete_schedule,
    get_run,
    get_schedule,
    list_runs,
    list_schedules,
    retry_run,
    update_schedule,
)
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import bus_of, jobs_platform, load_run, make_workspace, throwaway_kind


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=clock) as platform:
        yield platform


@pytest.fixture
def kind() -> Iterator[str]:
    with throwaway_kind(lambda ctx: None, max_attempts=5) as name:
        yield name


@pytest.fixture
def workspaces(db: Database) -> tuple[int, int]:
    return make_workspace(db, "Acme"), make_workspace(db, "Globex")


def _pending(platform: Platform) -> int:
    return int(platform.queue.huey.pending_count())


def test_a_new_run_is_enqueued_only_when_its_transaction_commits(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    ws, _ = workspaces
    with platform.db.session() as session:
        run = create_run(
            session, platform, workspace_id=ws, kind=kind, subject="ASIN B0TEST", payload={"a": 1}
        )
        assert _pending(platform) == 0  # not before commit: a worker would find no row to claim
    assert _pending(platform) == 1
    stored = load_run(platform.db, run.id)
    assert (stored.status, stored.max_attempts, stored.payload, stored.subject) == (
        "queued",
        5,
        {"a": 1},
        "ASIN B0TEST",
    )

    with pytest.raises(RuntimeError), platform.db.session() as session:
        create_run(session, platform, workspace_id=ws, kind=kind)
        raise RuntimeError("the surrounding use case failed")
    assert _pending(platform) == 1


def test_queue_outage_leaves_the_run_for_the_next_tick(
    platform: Platform, workspaces: tuple[int, int], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(platform.queue.huey, "enqueue", down)
    with platform.db.session() as session:
        run_id = create_run(session, platform, workspace_id=workspaces[0], kind=kind).id
    run = load_run(platform.db, run_id)
    assert (run.status, run.enqueued_at) == ("queued", None)


def test_unknown_kind_bad_payload_and_priority_are_invalid_input(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    ws = workspaces[0]
    cases = [
        ({"kind": "no.such.kind"}, "kind"),
        ({"kind": kind, "payload": {"when": object()}}, "payload"),
        ({"kind": kind, "priority": 1000}, "priority"),
        ({"kind": kind, "subject": "x" * 501}, "subject"),
    ]
    for options, field in cases:
        with pytest.raises(InvalidInput) as caught, platform.db.session() as session:
            create_run(session, platform, workspace_id=ws, **options)  # type: ignore[arg-type]
        assert caught.value.field == field


def test_runs_of_another_workspace_are_not_found(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    mine, theirs = workspaces
    with platform.db.session() as session:
        run_id = create_run(session, platform, workspace_id=theirs, kind=kind).id
    for action in (
        lambda s: get_run(s, workspace_id=mine, run_id=run_id),
        lambda s: cancel_run(s, platform, workspace_id=mine, run_id=run_id),
        lambda s: retry_run(s, platform, workspace_id=mine, run_id=run_id),
        lambda s: create_run(s, platform, workspace_id=mine, kind=kind, parent_id=run_id),
    ):
        with pytest.raises(NotFound, match=f"run {run_id} not found"), platform.db.session() as session:
            action(session)
    with platform.db.session() as session:
        assert list_runs(session, workspace_id=mine) == ([], 0)


def test_list_runs_is_newest_first_filtered_and_paginated(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    ws, other = workspaces
    with throwaway_kind(lambda ctx: None) as other_kind, platform.db.session() as session:
        ids = [create_run(session, platform, workspace_id=ws, kind=kind).id for _ in range(5)]
        odd = create_run(session, platform, workspace_id=ws, kind=other_kind).id
        create_run(session, platform, workspace_id=other, kind=kind)
        cancel_run(session, platform, workspace_id=ws, run_id=ids[0])
    with platform.db.session() as session:
        page, total = list_runs(session, workspace_id=ws, limit=2, offset=1)
        assert ([r.id for r in page], total) == ([ids[4], ids[3]], 6)
        by_kind, total = list_runs(session, workspace_id=ws, kind=other_kind)
        assert ([r.id for r in by_kind], total) == ([odd], 1)
        cancelled, total = list_runs(session, workspace_id=ws, status=RunStatus.CANCELLED)
        assert ([r.id for r in cancelled], total) == ([ids[0]], 1)


def test_cancel_of_a_running_run_sets_the_request_flag(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    ws = workspaces[0]
    with platform.db.session() as session:
        run_id = create_run(session, platform, workspace_id=ws, kind=kind).id
    assert claim_run(platform.db, run_id=run_id, worker="w", now=platform.clock.now()) is not None
    with platform.db.session() as session:
        run = cancel_run(session, platform, workspace_id=ws, run_id=run_id)
        assert (run.status, run.cancel_requested) == ("running", True)
    assert bus_of(platform).of_type(EventType.RUN_FINISHED, run_id) == []


def test_cancel_reaches_unfinished_children_and_refuses_ended_runs(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    ws = workspaces[0]
    with platform.db.session() as session:
        parent = create_run(session, platform, workspace_id=ws, kind=kind).id
        child = create_run(session, platform, workspace_id=ws, kind=kind, parent_id=parent).id
        grandchild = create_run(session, platform, workspace_id=ws, kind=kind, parent_id=child).id
        done_child = create_run(session, platform, workspace_id=ws, kind=kind, parent_id=parent).id
    assert execute_run(platform, done_child, worker="w") is RunStatus.SUCCEEDED
    with platform.db.session() as session:
        cancel_run(session, platform, workspace_id=ws, run_id=parent)
    statuses = [load_run(platform.db, i).status for i in (parent, child, grandchild, done_child)]
    assert statuses == ["cancelled", "cancelled", "cancelled", "succeeded"]
    with pytest.raises(Conflict, match="already ended"), platform.db.session() as session:
        cancel_run(session, platform, workspace_id=ws, run_id=parent)


def test_retry_queues_an_ended_run_again_with_a_fresh_budget(
    platform: Platform, workspaces: tuple[int, int], clock: FakeClock
) -> None:
    ws = workspaces[0]

    def refuses_input(ctx: object) -> None:
        raise InvalidInput("bad keyword")

    with throwaway_kind(refuses_input) as kind:  # type: ignore[arg-type]
        with platform.db.session() as session:
            run_id = create_run(session, platform, workspace_id=ws, kind=kind).id
        execute_run(platform, run_id, worker="w")
        platform.queue.huey.flush()
        clock.advance(5)
        with platform.db.session() as session:
            run = retry_run(session, platform, workspace_id=ws, run_id=run_id)
            assert _pending(platform) == 0
        assert _pending(platform) == 1
    run = load_run(platform.db, run_id)
    assert (run.status, run.attempts, run.error, run.finished_at) == ("queued", 0, None, None)
    assert run.queued_at == run.available_at == clock.now()
    with pytest.raises(Conflict, match="is queued"), platform.db.session() as session:
        retry_run(session, platform, workspace_id=ws, run_id=run_id)


def test_schedules_crud_and_workspace_scoping(
    platform: Platform, workspaces: tuple[int, int], kind: str, clock: FakeClock
) -> None:
    mine, theirs = workspaces
    with platform.db.session() as session:
        schedule = create_schedule(
            session, platform, workspace_id=mine, kind=kind, interval_seconds=3600, name="hourly"
        )
        schedule_id = schedule.id
        assert schedule.next_run_at == clock.now() + timedelta(hours=1)
    with platform.db.session() as session:
        changed = update_schedule(
            session, platform, workspace_id=mine, schedule_id=schedule_id, changes={"cron": "*/5 * * * *"}
        )
        assert (changed.cron, changed.interval_seconds) == ("*/5 * * * *", None)
        assert changed.next_run_at == clock.now() + timedelta(minutes=5)
        assert list_schedules(session, workspace_id=theirs) == ([], 0)
        with pytest.raises(NotFound):
            get_schedule(session, workspace_id=theirs, schedule_id=schedule_id)
        with pytest.raises(NotFound):
            delete_schedule(session, workspace_id=theirs, schedule_id=schedule_id)
    with platform.db.session() as session:
        delete_schedule(session, workspace_id=mine, schedule_id=schedule_id)
    with platform.db.session() as session:
        assert list_schedules(session, workspace_id=mine) == ([], 0)


@pytest.mark.parametrize(
    ("cadence", "field"),
    [
        ({}, "cron"),
        ({"cron": "0 6 * * *", "interval_seconds": 3600}, "cron"),
        ({"cron": "every day"}, "cron"),
        ({"cron": "61 * * * *"}, "cron"),
        ({"interval_seconds": 5}, "interval_seconds"),
    ],
)
def test_invalid_cadences_are_refused(
    platform: Platform, workspaces: tuple[int, int], kind: str, cadence: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught, platform.db.session() as session:
        create_schedule(session, platform, workspace_id=workspaces[0], kind=kind, **cadence)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_update_schedule_refuses_unknown_fields(
    platform: Platform, workspaces: tuple[int, int], kind: str
) -> None:
    ws = workspaces[0]
    with platform.db.session() as session:
        schedule_id = create_schedule(session, platform, workspace_id=ws, kind=kind, interval_seconds=60).id
    with pytest.raises(InvalidInput, match="cannot change workspace_id"), platform.db.session() as session:
        update_schedule(
            session, platform, workspace_id=ws, schedule_id=schedule_id, changes={"workspace_id": 2}
        )
