"""Ledger ingest on SQLite and PostgreSQL: insert-or-ignore on the natural key, pairing at ingest."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from shelfscope.db import Database
from shelfscope.seller import ReportContext, parse_report_document
from shelfscope.seller.finances import FinanceContext, parse_financial_events
from shelfscope.seller.ledger import ingest_rows, ledger_count
from shelfscope.seller.ledger_reconcile import money_totals, reconcile, reconciliation_status
from shelfscope.seller.models import LedgerEntry, SellerConnection
from shelfscope.seller.row_identity import OccurrenceCounter
from tests.jobs_support import make_workspace

SETTLEMENT = "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv.gz"


def _connection(db: Database) -> tuple[int, int]:
    workspace_id = make_workspace(db)
    with db.session() as session:
        connection = SellerConnection(
            workspace_id=workspace_id, region="NA", selling_partner_id="AINGEST", marketplace_ids=[]
        )
        session.add(connection)
        session.flush()
        return workspace_id, connection.id


def test_a_document_ingested_twice_is_stored_once(db: Database, real_fixtures: Path) -> None:
    workspace_id, connection_id = _connection(db)
    document = (
        real_fixtures / "spapi" / "synthetic" / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_spaced_header.tsv"
    )
    context = ReportContext(report_type="GET_LEDGER_DETAIL_VIEW_DATA", marketplace_id="ATVPDKIKX0DER")
    rows = list(parse_report_document(document.read_bytes(), context=context))
    with db.session() as session:
        first = ingest_rows(
            session, rows, workspace_id=workspace_id, connection_id=connection_id, batch_size=3
        )
    with db.session() as session:
        again = ingest_rows(
            session, rows, workspace_id=workspace_id, connection_id=connection_id, batch_size=3
        )
        stored = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
        assert ledger_count(session, connection_id=connection_id) == len(rows)
    assert (first.rows_seen, first.rows_inserted) == (len(rows), len(rows))
    assert (again.rows_seen, again.rows_inserted, again.duplicates) == (len(rows), 0, len(rows))
    assert [entry.entry_key for entry in stored] == [row.entry_key for row in rows]
    assert stored[0].raw == dict(rows[0].raw)
    assert stored[0].event_time == rows[0].event_time


def test_settlement_lines_pair_with_the_events_of_the_same_money(db: Database, real_fixtures: Path) -> None:
    workspace_id, connection_id = _connection(db)
    synthetic = real_fixtures / "spapi" / "synthetic"
    settlement = list(
        parse_report_document(
            (synthetic / SETTLEMENT).read_bytes(),
            context=ReportContext(report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"),
            compression_algorithm="GZIP",
        )
    )
    context = FinanceContext(
        window_start=datetime(2024, 3, 1, tzinfo=UTC), window_end=datetime(2024, 3, 31, tzinfo=UTC)
    )
    counter = OccurrenceCounter()
    events = [
        row
        for name in (
            "synthetic_listFinancialEvents_page1_with_NextToken.json",
            "synthetic_listFinancialEvents_page2_last.json",
        )
        for row in parse_financial_events(
            (synthetic / name).read_bytes(), context=context, occurrences=counter
        ).rows
    ]
    with db.session() as session:
        # Events first, settlement later: pairing does not depend on which side arrives first.
        posted = ingest_rows(session, events, workspace_id=workspace_id, connection_id=connection_id)
        settled = ingest_rows(session, settlement, workspace_id=workspace_id, connection_id=connection_id)
        keys = posted.reconciliation_keys | settled.reconciliation_keys
        assert (
            reconcile(session, connection_id=connection_id, keys=keys) == 9
        )  # see test_seller_reconciliation
        assert reconcile(session, connection_id=connection_id, keys=keys) == 0
        status = reconciliation_status(session, connection_id=connection_id)
        totals = money_totals(session, connection_id=connection_id)
    lines = [row for row in settlement if not row.summary]
    assert (status.settlement_lines, status.reconciled) == (len(lines), 9)
    # Each sum once: every event, plus the settlement lines no event describes.
    paired_money = Decimal("14.88") + Decimal("-22.74")
    expected = (
        sum((r.amount or Decimal(0) for r in events), Decimal(0))
        + sum((r.amount or Decimal(0) for r in lines), Decimal(0))
        - paired_money
    )
    assert totals == {"USD": expected}
