"""The persisted backfill against the SP-API sandbox: totals, resumption, FATAL and CANCELLED.

A run never waits for Amazon: a report still being generated goes back to the plan, so these
tests drive runs the way the scheduler does, moving the sandbox clock between them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shelfscope.alerts.models import Notification
from shelfscope.db import Database
from shelfscope.sandbox.spapi.truth import ground_truth
from shelfscope.seller.backfill.plan import due_windows, kind_status, plan_backfill, windows_by_status
from shelfscope.seller.backfill.runner import BackfillSummary, drive_backfill, run_backfill
from shelfscope.seller.models import (
    BackfillWindow,
    ConnectionStatus,
    LedgerEntry,
    SellerConnection,
    WindowStatus,
)
from shelfscope.seller.ratelimit import RateLimiter
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, connect, seller_sandbox
from tests.jobs_support import bus_of

MONTHS = 3


@pytest.fixture
def sandbox(settings: Settings, sqlite_db: Database) -> Iterator[SellerSandbox]:
    with seller_sandbox(settings, sqlite_db) as running:
        yield running


def _planned(sandbox: SellerSandbox, months: int = MONTHS) -> int:
    connection = connect(sandbox)
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection.id)
        assert stored is not None
        assert plan_backfill(session, stored, now=sandbox.clock.now(), months=months) > 0
    return connection.id


def _drive(sandbox: SellerSandbox, connection_id: int) -> BackfillSummary:
    """Runs until the plan is final, the clock jumping to the next due window in between."""
    return drive_backfill(sandbox.runtime, connection_id=connection_id, wait=sandbox.clock.advance)


def _run_until(sandbox: SellerSandbox, connection_id: int, reached: Callable[[Session], bool]) -> None:
    """One window per run, as a busy worker would, until ``reached`` holds."""
    poll = timedelta(seconds=sandbox.platform.settings.seller.poll_seconds)
    for _ in range(500):
        run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=1)
        with sandbox.platform.db.session() as session:
            if reached(session):
                return
        sandbox.clock.advance(poll)
    raise AssertionError("the plan never reached the expected state")


def _has_status(status: WindowStatus) -> Callable[[Session], bool]:
    def reached(session: Session) -> bool:
        query = select(func.count()).select_from(BackfillWindow).where(BackfillWindow.status == status.value)
        return bool(session.scalar(query))

    return reached


def _ledger_by_source(sandbox: SellerSandbox) -> dict[str, int]:
    with sandbox.platform.db.session() as session:
        query = select(LedgerEntry.source, func.count()).group_by(LedgerEntry.source)
        return {source: int(count) for source, count in session.execute(query)}


def _span(sandbox: SellerSandbox, connection_id: int, kind: str) -> tuple[datetime, datetime]:
    with sandbox.platform.db.session() as session:
        first, last = session.execute(
            select(func.min(BackfillWindow.window_start), func.max(BackfillWindow.window_end)).where(
                BackfillWindow.connection_id == connection_id, BackfillWindow.kind == kind
            )
        ).one()
    return first, last


def _truth(sandbox: SellerSandbox, connection_id: int) -> dict[str, int]:
    """The sandbox's rows per kind over the plan; Finances over its own (48 hours shorter) span."""
    start, end = _span(sandbox, connection_id, "inventory_ledger")
    now = sandbox.clock.now()
    rows: dict[str, int] = ground_truth(
        sandbox.world, region="NA", start=start, end=end, as_of=now
    ).summary()["rows"]
    first, last = _span(sandbox, connection_id, "financial_events")
    finances = ground_truth(sandbox.world, region="NA", start=first, end=last, as_of=now)
    rows["financial_events"] = finances.rows["financial_events"].rows
    return rows


def test_backfill_ingests_exactly_the_sandbox_ground_truth(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    summary = _drive(sandbox, connection_id)
    assert summary.errors == []
    assert _ledger_by_source(sandbox) == _truth(sandbox, connection_id)
    with sandbox.platform.db.session() as session:
        counts = windows_by_status(session, connection_id=connection_id)
        statuses = kind_status(session, connection_id=connection_id)
    assert all(set(by_status) == {"done"} for by_status in counts.values())
    assert counts["orders"]["done"] >= 3 * 2  # ≤ 30-day requests, per marketplace
    assert all(status.windows_done == status.windows_total for status in statuses)
    events = [event.type for event in bus_of(sandbox.platform).events]
    assert events.count("sync_progress") == summary.windows_processed
    assert events[-1] == "sync_completed"
    last_progress = next(e for e in reversed(bus_of(sandbox.platform).events) if e.type == "sync_progress")
    assert last_progress.payload["percentage"] == 100.0


def test_replanning_and_rerunning_ingests_nothing_new(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    _drive(sandbox, connection_id)
    before = _ledger_by_source(sandbox)
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection_id)
        assert stored is not None
        assert plan_backfill(session, stored, now=sandbox.clock.now(), months=MONTHS) == 0
        # Force every window to be fetched again: same documents, same keys.
        session.execute(update(BackfillWindow).values(status=WindowStatus.PLANNED.value, report_id=None))
    again = _drive(sandbox, connection_id)
    assert again.ingested.rows_seen > 0
    assert again.ingested.rows_inserted == 0
    assert _ledger_by_source(sandbox) == before


def test_a_backfill_killed_midway_resumes_without_duplicates(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    first = run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=4)
    assert first.windows_processed == 4
    with sandbox.platform.db.session() as session:
        # A worker died right after createReport: the report id is stored, the poll never happened.
        window = session.scalars(
            select(BackfillWindow).where(BackfillWindow.status == WindowStatus.PLANNED.value).limit(1)
        ).one()
        window_id = window.id
    sandbox.world.knobs.update({"force_outcomes": []})
    client_connection = session_connection(sandbox, connection_id)
    report_id = sandbox.runtime.client_for(client_connection).create_report(
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
        if window.kind == "orders"
        else _type(window.kind),
        marketplace_ids=[window.scope] if window.scope != "NA" else list(client_connection.marketplace_ids),
        start=window.window_start,
        end=window.window_end,
    )
    with sandbox.platform.db.session() as session:
        session.execute(
            update(BackfillWindow)
            .where(BackfillWindow.id == window_id)
            .values(status=WindowStatus.PROCESSING.value, report_id=report_id, attempts=1)
        )
    _drive(sandbox, connection_id)
    with sandbox.platform.db.session() as session:
        resumed = session.get(BackfillWindow, window_id)
        assert resumed is not None
        assert resumed.report_id == report_id  # polled, not created again
        assert resumed.status == WindowStatus.DONE
        assert resumed.attempts == 1
    assert _ledger_by_source(sandbox) == _truth(sandbox, connection_id)


def session_connection(sandbox: SellerSandbox, connection_id: int) -> SellerConnection:
    with sandbox.platform.db.session() as session:
        connection = session.get(SellerConnection, connection_id)
        assert connection is not None
        session.expunge(connection)
        return connection


def _type(kind: str) -> str:
    from shelfscope.seller.backfill.windows import kind_plan

    return kind_plan(kind).report_type or ""


def test_fatal_is_retried_after_thirty_minutes_then_four_hours_then_done(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    sandbox.world.knobs.update({"force_outcomes": ["FATAL"]})
    _run_until(sandbox, connection_id, _has_status(WindowStatus.FATAL_RETRY))
    with sandbox.platform.db.session() as session:
        window = session.scalars(select(BackfillWindow).where(BackfillWindow.last_error.is_not(None))).one()
        assert window.status == WindowStatus.FATAL_RETRY
        assert window.report_id is None
        assert window.next_attempt_at is not None
        wait = window.next_attempt_at - sandbox.clock.now()
        assert timedelta(minutes=25) < wait <= timedelta(minutes=30)
        fatal_id = window.id
        now = sandbox.clock.now()
        assert fatal_id not in due_windows(session, connection_id=connection_id, now=now)
        assert fatal_id in due_windows(session, connection_id=connection_id, now=now + timedelta(minutes=31))
    sandbox.clock.advance(timedelta(minutes=31))
    # The re-request (first in the plan's order) ends FATAL again: the next wait is 4 hours.
    sandbox.world.knobs.update({"force_outcomes": ["FATAL"]})
    _run_until(sandbox, connection_id, lambda session: _window(session, fatal_id).attempts == 2)
    _run_until(sandbox, connection_id, _has_status(WindowStatus.FATAL_RETRY))
    with sandbox.platform.db.session() as session:
        again = _window(session, fatal_id)
        assert again.status == WindowStatus.FATAL_RETRY
        assert again.next_attempt_at is not None
        wait = again.next_attempt_at - sandbox.clock.now()
        assert timedelta(hours=3, minutes=50) < wait <= timedelta(hours=4)
    sandbox.clock.advance(timedelta(hours=4, minutes=1))
    _drive(sandbox, connection_id)
    with sandbox.platform.db.session() as session:
        retried = _window(session, fatal_id)
        assert retried.status == WindowStatus.DONE
        assert retried.attempts == 3


def _window(session: Session, window_id: int) -> BackfillWindow:
    window = session.get(BackfillWindow, window_id)
    assert window is not None
    return window


def test_a_report_still_processing_is_polled_by_a_later_run_not_waited_for(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    sandbox.clock.set_speed(0)  # Amazon's clock stands still: nothing finishes during the run
    summary = run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=1)
    assert sandbox.sleeps == []  # no poll waited in the worker
    assert summary.open_windows > 0
    with sandbox.platform.db.session() as session:
        window = session.scalars(select(BackfillWindow).where(BackfillWindow.report_id.is_not(None))).one()
        assert window.status == WindowStatus.PROCESSING
        assert window.claimed_until is None
        assert window.next_attempt_at is not None
        assert window.next_attempt_at > sandbox.clock.now()  # polled again one interval later
        report_id, window_id, poll_at = window.report_id, window.id, window.next_attempt_at
    assert summary.next_due_at == sandbox.clock.now()  # the rest of the plan is due now
    sandbox.clock.advance(poll_at - sandbox.clock.now() + timedelta(minutes=10))
    run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=1)
    with sandbox.platform.db.session() as session:
        polled = _window(session, window_id)
        assert polled.report_id == report_id  # the same report, polled again
        assert polled.status == WindowStatus.DONE
        assert polled.attempts == 1


def test_cancelled_report_means_no_data_and_is_final(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    sandbox.world.knobs.update({"force_outcomes": ["CANCELLED"]})
    _run_until(sandbox, connection_id, _has_status(WindowStatus.CANCELLED))
    with sandbox.platform.db.session() as session:
        window = session.scalars(select(BackfillWindow).where(BackfillWindow.status == "cancelled")).one()
        assert window.rows_ingested == 0
        assert window.kind == "customer_returns"
        assert window.last_error is None
    assert _ledger_by_source(sandbox).get("customer_returns", 0) == 0


def test_a_revoked_grant_stops_the_backfill_with_sync_error_and_asks_to_reconnect(
    sandbox: SellerSandbox,
) -> None:
    connection_id = _planned(sandbox)
    run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=2)
    httpx.post(sandbox.server.url + "/lwa/_control/revoke", json={}).raise_for_status()
    httpx.post(sandbox.server.url + "/lwa/_control/expire-access-tokens", json={}).raise_for_status()
    sandbox.runtime.tokens.invalidate(connection_id)  # the cached token expired meanwhile
    summary = run_backfill(sandbox.runtime, connection_id=connection_id)
    assert summary.stopped is not None and "invalid grant" in summary.stopped
    errors = [e for e in bus_of(sandbox.platform).events if e.type == "sync_error"]
    assert len(errors) == 1 and errors[0].payload["connection_id"] == connection_id
    assert "sync_completed" not in [e.type for e in bus_of(sandbox.platform).events]
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection_id)
        assert stored is not None and stored.status == ConnectionStatus.REAUTH_NEEDED
        assert "seller_reauth" in session.scalars(select(Notification.kind)).all()
        # The window that hit the refusal is back in the plan, not failed: it resumes on reconnect.
        assert not session.scalar(
            select(func.count()).select_from(BackfillWindow).where(BackfillWindow.status == "failed")
        )


def test_an_empty_rate_limit_bucket_defers_windows_instead_of_sleeping(sandbox: SellerSandbox) -> None:
    sandbox.platform.settings.seller.max_inline_wait_seconds = 0.0
    connection_id = _planned(sandbox, months=6)  # more reports than createReport's burst
    sandbox.runtime.limiter = RateLimiter(monotonic=lambda: 0.0, speed=600)  # no refill meanwhile
    first = run_backfill(sandbox.runtime, connection_id=connection_id)
    assert first.errors == []
    assert not [s for s in sandbox.sleeps if s > 0]  # nothing slept on a bucket
    with sandbox.platform.db.session() as session:
        waiting = session.scalars(
            select(BackfillWindow).where(
                BackfillWindow.status == WindowStatus.PLANNED.value,
                BackfillWindow.next_attempt_at.is_not(None),
            )
        ).all()
        requested = session.scalar(
            select(func.count()).select_from(BackfillWindow).where(BackfillWindow.report_id.is_not(None))
        )
    assert waiting
    assert requested == 15  # the burst went out at once; the rest waits in the plan
    assert all(w.attempts == 0 and w.last_error is None and w.report_id is None for w in waiting)
    sandbox.runtime.limiter = RateLimiter(speed=600)
    _drive(sandbox, connection_id)
    assert _ledger_by_source(sandbox) == _truth(sandbox, connection_id)
