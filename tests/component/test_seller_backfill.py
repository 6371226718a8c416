"""The persisted backfill against the SP-API sandbox: totals, resumption, FATAL and CANCELLED."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from shelfscope.db import Database
from shelfscope.sandbox.spapi.truth import ground_truth
from shelfscope.seller.backfill.plan import due_windows, kind_status, plan_backfill, windows_by_status
from shelfscope.seller.backfill.runner import run_backfill
from shelfscope.seller.models import BackfillWindow, LedgerEntry, SellerConnection, WindowStatus
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, connect, seller_sandbox
from tests.jobs_support import bus_of

MONTHS = 3


@pytest.fixture
def sandbox(settings: Settings, sqlite_db: Database) -> Iterator[SellerSandbox]:
    with seller_sandbox(settings, sqlite_db) as running:
        yield running


def _planned(sandbox: SellerSandbox) -> int:
    connection = connect(sandbox)
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection.id)
        assert stored is not None
        assert plan_backfill(session, stored, now=sandbox.clock.now(), months=MONTHS) > 0
    return connection.id


def _ledger_by_source(sandbox: SellerSandbox) -> dict[str, int]:
    with sandbox.platform.db.session() as session:
        query = select(LedgerEntry.source, func.count()).group_by(LedgerEntry.source)
        return {source: int(count) for source, count in session.execute(query)}


def _truth(sandbox: SellerSandbox, connection_id: int) -> dict[str, int]:
    with sandbox.platform.db.session() as session:
        windows = session.scalars(
            select(BackfillWindow).where(
                BackfillWindow.connection_id == connection_id, BackfillWindow.kind == "inventory_ledger"
            )
        ).all()
    start, end = min(w.window_start for w in windows), max(w.window_end for w in windows)
    rows: dict[str, int] = ground_truth(
        sandbox.world, region="NA", start=start, end=end, as_of=sandbox.clock.now()
    ).summary()["rows"]
    return rows


def test_backfill_ingests_exactly_the_sandbox_ground_truth(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    summary = run_backfill(sandbox.runtime, connection_id=connection_id)
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
    run_backfill(sandbox.runtime, connection_id=connection_id)
    before = _ledger_by_source(sandbox)
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection_id)
        assert stored is not None
        assert plan_backfill(session, stored, now=sandbox.clock.now(), months=MONTHS) == 0
        # Force every window to be fetched again: same documents, same keys.
        session.execute(update(BackfillWindow).values(status=WindowStatus.PLANNED.value, report_id=None))
    again = run_backfill(sandbox.runtime, connection_id=connection_id)
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
    run_backfill(sandbox.runtime, connection_id=connection_id)
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


def test_fatal_is_retried_after_thirty_minutes_then_done(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    sandbox.world.knobs.update({"force_outcomes": ["FATAL"]})
    run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=1)
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
    run_backfill(sandbox.runtime, connection_id=connection_id)
    with sandbox.platform.db.session() as session:
        retried = session.get(BackfillWindow, fatal_id)
        assert retried is not None
        assert retried.status == WindowStatus.DONE
        assert retried.attempts == 2


def test_cancelled_report_means_no_data_and_is_final(sandbox: SellerSandbox) -> None:
    connection_id = _planned(sandbox)
    sandbox.world.knobs.update({"force_outcomes": ["CANCELLED"]})
    run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=1)
    with sandbox.platform.db.session() as session:
        window = session.scalars(select(BackfillWindow).where(BackfillWindow.status == "cancelled")).one()
        assert window.rows_ingested == 0
        assert window.kind == "customer_returns"
        assert window.last_error is None
    assert _ledger_by_source(sandbox).get("customer_returns", 0) == 0
