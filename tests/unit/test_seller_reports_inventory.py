"""Inventory ledger (detail and summary) documents into ledger rows, golden on the fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shelfscope.errors import ParseError
from shelfscope.seller import LedgerRow, ReportContext, SourceKind, parse_report_document, parse_report_lines

DETAIL = "GET_LEDGER_DETAIL_VIEW_DATA"
SUMMARY = "GET_LEDGER_SUMMARY_VIEW_DATA"
US, JP = "ATVPDKIKX0DER", "A1VC38T7YXB528"


def _rows(path: Path, report_type: str = DETAIL, marketplace_id: str = US) -> list[LedgerRow]:
    context = ReportContext(report_type=report_type, marketplace_id=marketplace_id)
    return list(parse_report_document(path.read_bytes(), context=context))


@pytest.fixture
def synthetic(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi" / "synthetic"


def test_official_layout_golden(synthetic: Path) -> None:
    rows = _rows(synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_official_header.tsv")
    assert len(rows) == 9
    first = rows[0]
    assert first.source is SourceKind.INVENTORY_LEDGER
    assert first.event_time == datetime(2024, 3, 1, tzinfo=UTC)
    assert (first.sku, first.asin, first.fnsku) == ("SKU-RED-01", "B0ABCDE123", "X00ABCDE12")
    assert (first.entry_type, first.reference_id, first.quantity) == ("Receipts", "FBA15XYZ1234", 24)
    assert (first.disposition, first.reason, first.marketplace_id) == ("SELLABLE", None, US)
    assert first.amount is None
    assert first.external_id is None
    assert first.occurrence == 0
    assert first.line_number == 2
    assert [row.entry_type for row in rows] == [
        "Receipts",
        "Shipments",
        "WhseTransfers",
        "WhseTransfers",
        "CustomerReturns",
        "Adjustments",
        "Adjustments",
        "Adjustments",
        "Adjustments",
    ]
    assert [row.reason for row in rows[5:]] == ["M", "F", "E", "6"]
    assert sum(row.quantity or 0 for row in rows) == 24
    assert rows[5].values["UnreconciledQuantity"] == -1
    assert len({row.entry_key for row in rows}) == 9


def test_spaced_layout_with_date_and_time_keeps_the_same_keys(synthetic: Path) -> None:
    official = _rows(synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_official_header.tsv")
    spaced = _rows(synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_spaced_header.tsv")
    assert [row.entry_key for row in spaced] == [row.entry_key for row in official]
    # "Date and Time" is preferred when present: 12:00 at UTC-8 is 20:00 UTC.
    assert spaced[0].event_time == datetime(2024, 3, 1, 20, tzinfo=UTC)
    assert spaced[-1].event_time == datetime(2024, 3, 13, 20, tzinfo=UTC)
    assert spaced[1].raw["Event Type"] == "Shipments"


def test_japanese_ledger_in_cp932_golden(synthetic: Path) -> None:
    (row,) = _rows(synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_JP_cp932.tsv", marketplace_id=JP)
    assert row.values["Title"] == "テスト商品 ウィジェット"
    assert (row.sku, row.fnsku, row.asin) == ("JP-SKU-1", "X00JPJPJP1", "B0JPJPJP11")
    assert (row.entry_type, row.quantity, row.marketplace_id) == ("Receipts", 10, JP)
    assert row.event_time == datetime(2024, 3, 1, tzinfo=UTC)
    assert row.values["FulfillmentCenter"] == "NRT5"


def test_airbyte_placeholder_ledger_fails_on_its_first_data_line(real_fixtures: Path) -> None:
    # Its data lines repeat the header names under a real date: "Quantity" is not a quantity.
    path = real_fixtures / "spapi" / "reports" / "airbyte_fixtures" / "GET_LEDGER_DETAIL_VIEW_DATA.csv"
    with pytest.raises(ParseError, match=r"line 2, column 'Quantity': not a whole number: 'Quantity'"):
        _rows(path)


def test_airbyte_placeholder_summary_fails_on_its_first_balance(real_fixtures: Path) -> None:
    path = real_fixtures / "spapi" / "reports" / "airbyte_fixtures" / "GET_LEDGER_SUMMARY_VIEW_DATA.csv"
    with pytest.raises(ParseError, match=r"line 2, column 'StartingWarehouseBalance'"):
        _rows(path, report_type=SUMMARY)


def test_reconciliation_progress_updates_a_row_instead_of_adding_one(synthetic: Path) -> None:
    # Amazon moves units from Unreconciled to Reconciled while it investigates a loss.
    lines = (
        (synthetic / "synthetic_GET_LEDGER_DETAIL_VIEW_DATA_official_header.tsv").read_text().splitlines(True)
    )
    later = [lines[0], lines[6].replace("\t0\t-1\n", "\t-1\t0\n")]
    before = _rows_from_lines([lines[0], lines[6]])
    after = _rows_from_lines(later)
    assert after[0].values["ReconciledQuantity"] == -1
    assert after[0].entry_key == before[0].entry_key


def test_identical_lines_in_one_report_are_both_kept_with_occurrence_indexes() -> None:
    header = "Date\tFNSKU\tMSKU\tEventType\tQuantity\tFulfillmentCenter\n"
    line = "03/05/2024\tX00ABCDE12\tSKU-RED-01\tWhseTransfers\t-1\tPHX7\n"
    rows = _rows_from_lines([header, line, line, line])
    assert [row.occurrence for row in rows] == [0, 1, 2]
    assert len({row.entry_key for row in rows}) == 3
    again = _rows_from_lines([header, line, line, line])
    assert [row.entry_key for row in again] == [row.entry_key for row in rows]


def test_ledger_summary_rows_carry_the_ending_balance() -> None:
    header = (
        "Date\tFNSKU\tASIN\tMSKU\tTitle\tDisposition\tStarting Warehouse Balance\tIn Transit Between Warehouses\t"
        "Receipts\tCustomer Shipments\tCustomer Returns\tVendor Returns\tWarehouse Transfer In/Out\tFound\tLost\t"
        "Damaged\tDisposed\tOther Events\tEnding Warehouse Balance\tUnknown Events\tLocation\n"
    )
    line = "03/2024\tX00ABCDE12\tB0ABCDE123\tSKU-RED-01\tRed Widget\tSELLABLE\t0\t0\t24\t-1\t1\t0\t0\t1\t-1\t0\t0\t0\t24\t0\tUS\n"
    (row,) = parse_report_lines([header, line], context=ReportContext(report_type=SUMMARY))
    assert row.source is SourceKind.INVENTORY_SUMMARY
    assert row.event_time == datetime(2024, 3, 1, tzinfo=UTC)
    assert (row.quantity, row.disposition, row.marketplace_id) == (24, "SELLABLE", US)
    assert row.values["Lost"] == -1
    assert row.values["WarehouseTransferIn/Out"] == 0
    assert row.external_id == "2024-03-01T00:00:00+00:00|X00ABCDE12|SKU-RED-01|SELLABLE|US"


def _rows_from_lines(lines: list[str]) -> list[LedgerRow]:
    return list(parse_report_lines(lines, context=ReportContext(report_type=DETAIL, marketplace_id=US)))
