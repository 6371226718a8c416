"""After the backfill: the daily sync, settlement/event pairing, raw archive and the ledger reach."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from shelfscope.archive import RawArchive
from shelfscope.db import Database
from shelfscope.jobs import Run, RunStatus
from shelfscope.jobs.executor import execute_run
from shelfscope.sandbox.spapi.truth import ground_truth
from shelfscope.seller.backfill.documents import ARCHIVE_NAMESPACE
from shelfscope.seller.backfill.plan import plan_backfill, plan_incremental
from shelfscope.seller.backfill.runner import BackfillSummary, drive_backfill
from shelfscope.seller.ledger_reconcile import fee_name, money_totals, reconcile, reconciliation_status
from shelfscope.seller.models import BackfillWindow, LedgerEntry, SellerConnection
from shelfscope.seller.tasks import SYNC_KIND, queue_daily_syncs
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, connect, seller_sandbox
from tests.jobs_support import load_run

MONTHS = 3
LOOKBACK = timedelta(hours=48)


@pytest.fixture
def sandbox(settings: Settings, sqlite_db: Database) -> Iterator[SellerSandbox]:
    with seller_sandbox(settings, sqlite_db) as running:
        yield running


def _backfilled(sandbox: SellerSandbox) -> int:
    connection = connect(sandbox)
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection.id)
        assert stored is not None
        plan_backfill(session, stored, now=sandbox.clock.now(), months=MONTHS)
    _drive(sandbox, connection.id)
    return connection.id


def _drive(sandbox: SellerSandbox, connection_id: int) -> BackfillSummary:
    summary = drive_backfill(sandbox.runtime, connection_id=connection_id, wait=sandbox.clock.advance)
    assert summary.errors == []
    assert summary.open_windows == 0
    return summary


def _sync(sandbox: SellerSandbox, connection_id: int) -> int:
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection_id)
        assert stored is not None
        planned = plan_incremental(session, stored, now=sandbox.clock.now(), lookback=LOOKBACK)
    _drive(sandbox, connection_id)
    return planned


def _span(sandbox: SellerSandbox, connection_id: int, kind: str) -> tuple[datetime, datetime]:
    with sandbox.platform.db.session() as session:
        first, last = session.execute(
            select(func.min(BackfillWindow.window_start), func.max(BackfillWindow.window_end)).where(
                BackfillWindow.connection_id == connection_id, BackfillWindow.kind == kind
            )
        ).one()
    return first, last


def _rows(sandbox: SellerSandbox) -> dict[str, int]:
    with sandbox.platform.db.session() as session:
        query = select(LedgerEntry.source, func.count()).group_by(LedgerEntry.source)
        return {source: int(count) for source, count in session.execute(query)}


def _latest_fee_snapshot(sandbox: SellerSandbox) -> int:
    with sandbox.platform.db.session() as session:
        latest = session.scalar(
            select(func.max(BackfillWindow.id)).where(BackfillWindow.kind == "fee_preview")
        )
        query = select(func.count()).select_from(LedgerEntry).where(LedgerEntry.source == "fee_preview")
        newest_day = session.scalar(select(BackfillWindow.window_end).where(BackfillWindow.id == latest))
        windows = select(BackfillWindow.id).where(
            BackfillWindow.kind == "fee_preview", BackfillWindow.window_end == newest_day
        )
        return int(session.scalar(query.where(LedgerEntry.window_id.in_(windows))) or 0)


def test_daily_sync_brings_the_ledger_to_the_truth_of_the_new_day_and_is_idempotent(
    sandbox: SellerSandbox,
) -> None:
    connection_id = _backfilled(sandbox)
    start, backfill_end = _span(sandbox, connection_id, "inventory_ledger")
    after_backfill = _rows(sandbox)
    sandbox.clock.advance(timedelta(days=1))
    # The clock moves only when the sync waits for Amazon, so "when the day's Finances window
    # was read" is one moment: events posted late appear after it, and are the next day's.
    sandbox.clock.set_speed(0)
    assert _sync(sandbox, connection_id) > 0
    _, end = _span(sandbox, connection_id, "inventory_ledger")
    assert end == backfill_end + timedelta(days=1)
    with sandbox.platform.db.session() as session:
        daily = session.scalars(
            select(BackfillWindow).where(
                BackfillWindow.kind == "financial_events", BackfillWindow.window_end == end
            )
        ).one()
    assert daily.window_start == backfill_end - LOOKBACK  # late finance events are read again
    assert daily.finished_at is not None
    truth = ground_truth(sandbox.world, region="NA", start=start, end=end, as_of=sandbox.clock.now())
    expected = truth.summary()["rows"]
    read_at = ground_truth(sandbox.world, region="NA", start=start, end=end, as_of=daily.finished_at)
    expected["financial_events"] = read_at.rows["financial_events"].rows
    synced = _rows(sandbox)
    assert synced["orders"] > after_backfill["orders"]
    # The fee preview is a dated snapshot: the newest one equals Amazon's current snapshot.
    assert _latest_fee_snapshot(sandbox) == expected.pop("fee_preview")
    assert {kind: n for kind, n in synced.items() if kind != "fee_preview"} == expected
    # The same day again plans nothing and ingests nothing.
    assert _sync(sandbox, connection_id) == 0
    assert _rows(sandbox) == synced


def test_settlement_lines_are_paired_with_financial_events_and_money_counts_once(
    sandbox: SellerSandbox,
) -> None:
    connection_id = _backfilled(sandbox)
    with sandbox.platform.db.session() as session:
        status = reconciliation_status(session, connection_id=connection_id)
        totals = money_totals(session, connection_id=connection_id)
        keyed_events = session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(LedgerEntry.source == "financial_events", LedgerEntry.reconciliation_key.is_not(None))
        )
        paired = session.scalars(
            select(LedgerEntry).where(LedgerEntry.reconciled_entry_id.is_not(None)).limit(50)
        ).all()
        for line in paired:
            event = session.get(LedgerEntry, line.reconciled_entry_id)
            assert event is not None and event.source == "financial_events"
            assert (event.amount, event.currency) == (line.amount, line.currency)
            # Same key, or an undated fee (ServiceFee events carry no PostedDate) of the same kind.
            assert event.reconciliation_key in (line.reconciliation_key, None)
            assert fee_name(event.amount_type) == fee_name(line.amount_type)
        # Pairing again (a re-run, or the other side arriving later) changes nothing.
        all_keys = session.scalars(
            select(LedgerEntry.reconciliation_key).where(LedgerEntry.reconciliation_key.is_not(None))
        ).all()
        assert reconcile(session, connection_id=connection_id, keys=[k for k in all_keys if k]) == 0
    assert status.settlement_lines > status.reconciled > 0
    assert status.reconciled <= (keyed_events or 0)
    # Every keyed line posted inside the synced span found its event. The others were posted
    # before the first day (the oldest settlement began earlier): no event in the ledger to pair.
    start, end = _span(sandbox, connection_id, "financial_events")
    with sandbox.platform.db.session() as session:
        lonely = session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(
                LedgerEntry.source == "settlement",
                LedgerEntry.reconciliation_key.is_not(None),
                LedgerEntry.reconciled_entry_id.is_(None),
                LedgerEntry.event_time >= start,
                LedgerEntry.event_time < end,
            )
        )
    assert lonely == 0
    # Events plus the lines nothing paired: each sum once.
    truth = ground_truth(sandbox.world, region="NA", start=start, end=end, as_of=sandbox.clock.now())
    events_money = truth.rows["financial_events"].amounts
    with sandbox.platform.db.session() as session:
        unpaired = session.execute(
            select(LedgerEntry.currency, func.sum(LedgerEntry.amount))
            .where(
                LedgerEntry.source == "settlement",
                LedgerEntry.summary.is_(False),
                LedgerEntry.reconciled_entry_id.is_(None),
            )
            .group_by(LedgerEntry.currency)
        ).all()
    unpaired_money = dict(unpaired)
    for currency, total in totals.items():
        assert total == pytest.approx(events_money[currency] + (unpaired_money.get(currency) or 0))


def test_raw_report_documents_are_archived_and_the_window_keeps_the_key(sandbox: SellerSandbox) -> None:
    connection_id = _backfilled(sandbox)
    archive = RawArchive.from_settings(sandbox.platform.settings, ARCHIVE_NAMESPACE)
    with sandbox.platform.db.session() as session:
        windows = session.scalars(
            select(BackfillWindow).where(
                BackfillWindow.connection_id == connection_id, BackfillWindow.rows_ingested > 0
            )
        ).all()
    reports = [w for w in windows if w.kind not in ("financial_events", "settlement_groups")]
    assert reports and all(w.archive_keys for w in reports)
    settlement = next(w for w in reports if w.kind == "settlement")
    assert len(settlement.archive_keys) > 1  # one document per settlement period
    raw = archive.get(reports[0].archive_keys[0])
    assert RawArchive.key_of(raw) == reports[0].archive_keys[0]
    assert raw[:2] == b"\x1f\x8b"  # the bytes as Amazon sent them, before any decoding
    assert b"\t" in gzip.decompress(raw).split(b"\n", 1)[0]


def test_ledger_truth_counts_from_when_the_oldest_report_was_generated(sandbox: SellerSandbox) -> None:
    """Amazon's ledger keeps 18 months from when a report is generated. A report made early in a
    long backfill shows rows that have aged out by the end; the ledger keeps them, so the truth
    measures the reach from the report's generation, not from the end of the run."""
    connection_id = _backfilled(sandbox)
    start, end = _span(sandbox, connection_id, "inventory_ledger")
    sandbox.clock.set_speed(0)
    later = sandbox.clock.now() + timedelta(days=20)
    at_generation = ground_truth(
        sandbox.world,
        region="NA",
        start=start - timedelta(days=500),
        end=end,
        as_of=later,
        ledger_reach_from=sandbox.clock.now(),
    )
    aged = ground_truth(sandbox.world, region="NA", start=start - timedelta(days=500), end=end, as_of=later)
    assert aged.rows["inventory_ledger"].rows < at_generation.rows["inventory_ledger"].rows
    now = ground_truth(sandbox.world, region="NA", start=start - timedelta(days=500), end=end)
    assert now.rows["inventory_ledger"].rows == at_generation.rows["inventory_ledger"].rows


def test_the_daily_sync_run_plans_the_day_once_and_leaves_pending_reports_to_later_ticks(
    sandbox: SellerSandbox,
) -> None:
    connection_id = _backfilled(sandbox)
    sandbox.clock.advance(timedelta(days=1))
    now = sandbox.clock.now()
    assert queue_daily_syncs(sandbox.platform, now, 10) == 1
    with sandbox.platform.db.session() as session:
        run = session.scalars(select(Run).where(Run.kind == SYNC_KIND)).one()
        run_id = run.id
    assert execute_run(sandbox.platform, run_id, worker="test") is RunStatus.SUCCEEDED
    finished = load_run(sandbox.platform.db, run_id)
    assert finished.result is not None
    assert finished.result["windows_planned"] > 0
    # Reports Amazon is still generating are not waited for: the windows tick picks them up.
    assert finished.result["open_windows"] > 0 and finished.result["next_due_at"] is not None
    assert queue_daily_syncs(sandbox.platform, sandbox.clock.now(), 10) == 0  # planned today
    _drive(sandbox, connection_id)
