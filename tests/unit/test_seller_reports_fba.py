"""Reimbursements, customer returns and fee preview documents, golden on the fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from shelfscope.errors import InvalidInput, ParseError
from shelfscope.seller import LedgerRow, ReportContext, SourceKind, parse_report_document

US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
REIMBURSEMENTS = "GET_FBA_REIMBURSEMENTS_DATA"
RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
FEES = "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA"
SNAPSHOT = datetime(2024, 3, 20, 6, 0, tzinfo=UTC)


@pytest.fixture
def spapi(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi"


def _rows(path: Path, report_type: str, marketplace_id: str = US) -> list[LedgerRow]:
    context = ReportContext(report_type=report_type, marketplace_id=marketplace_id, data_end_time=SNAPSHOT)
    return list(parse_report_document(path.read_bytes(), context=context))


def test_reimbursements_golden(spapi: Path) -> None:
    rows = _rows(spapi / "synthetic" / "synthetic_GET_FBA_REIMBURSEMENTS_DATA.tsv", REIMBURSEMENTS)
    assert len(rows) == 3
    lost, customer_return, reversal = rows
    assert lost.source is SourceKind.REIMBURSEMENTS
    assert lost.event_time == datetime(2024, 3, 14, 8, 15, 2, tzinfo=UTC)
    assert (lost.reference_id, lost.entry_type, lost.fnsku, lost.sku) == (
        "2958761234",
        "Lost_Warehouse",
        "X00ABCDE12",
        "SKU-RED-01",
    )
    assert (lost.amount, lost.currency, lost.quantity) == (Decimal("12.10"), "USD", 1)
    assert lost.external_id == "2958761234|X00ABCDE12|SKU-RED-01|"
    assert customer_return.order_id == "112-1111111-2222222"
    assert customer_return.values["case-id"] == "15012345678"
    assert (reversal.amount, reversal.quantity, reversal.reason) == (Decimal("-12.10"), -1, "Lost_Warehouse")
    assert reversal.values["original-reimbursement-id"] == "2958761234"
    assert sum(row.amount or 0 for row in rows) == Decimal("19.49")


def test_region_wide_reports_ignore_the_requested_marketplace(spapi: Path) -> None:
    # The reimbursements and returns reports ignore marketplaceIds (selling-partner-api-docs#1385).
    reimbursements = _rows(spapi / "synthetic" / "synthetic_GET_FBA_REIMBURSEMENTS_DATA.tsv", REIMBURSEMENTS)
    returns = _rows(
        spapi / "synthetic" / "synthetic_GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA_cp1252.tsv", RETURNS
    )
    assert {row.marketplace_id for row in reimbursements + returns} == {None}


def test_customer_returns_in_cp1252_golden(spapi: Path) -> None:
    rows = _rows(
        spapi / "synthetic" / "synthetic_GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA_cp1252.tsv", RETURNS
    )
    assert len(rows) == 2
    first, second = rows
    assert first.event_time == datetime(2024, 3, 9, 2, 10, 44, tzinfo=UTC)
    assert (first.order_id, first.fnsku, first.quantity) == ("112-1111111-2222222", "X00ABCDE12", 1)
    assert (first.disposition, first.reason, first.entry_type) == (
        "SELLABLE",
        "UNWANTED_ITEM",
        "Unit returned to inventory",
    )
    assert first.reference_id == "LPNRR123456789"
    assert second.values["product-name"] == "Blue Widget, 2-pack – Café edition"
    assert second.values["customer-comments"] == "Arrived broken; doesn't work"
    assert (second.disposition, second.reason) == ("CUSTOMER_DAMAGED", "DEFECTIVE")
    assert second.external_id == "114-7654321-7654321|X00BLUEW02|LPNRR987654321|2024-03-10T15:30:00+00:00"


def test_fee_preview_us_snapshot_golden(spapi: Path) -> None:
    (row,) = _rows(spapi / "synthetic" / "synthetic_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_US.tsv", FEES)
    assert row.source is SourceKind.FEE_PREVIEW
    assert row.event_time == SNAPSHOT
    assert (row.amount, row.currency, row.marketplace_id) == (Decimal("7.61"), "USD", US)
    assert row.external_id == "SKU-RED-01|B0ABCDE123|2024-03-20"
    assert row.values["product-size-tier"] == "Large Standard-Size"
    assert row.values["expected-fulfillment-fee-per-unit"] == Decimal("3.86")
    assert row.values["estimated-pick-pack-fee-per-unit"] is None
    assert row.values["item-package-weight"] == Decimal("0.74")


def test_fee_preview_de_snapshot_golden(spapi: Path) -> None:
    (row,) = _rows(spapi / "synthetic" / "synthetic_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_DE.tsv", FEES, DE)
    assert (row.sku, row.fnsku, row.asin) == ("SKU-DE-01", "X00DEDEDE1", "B0DEDEDE11")
    assert (row.amount, row.currency, row.marketplace_id) == (Decimal("6.20"), "EUR", DE)
    assert row.values["product-name"] == "Rotes Gerät"
    assert row.values["product-size-weight-band"] == "Standard Parcel"
    assert row.values["expected-efn-fulfilment-fee-per-unit-uk"] is None
    assert row.values["expected-efn-fulfilment-fee-per-unit-se"] == Decimal("4.60")


def test_fee_preview_snapshots_of_different_days_are_different_entries(spapi: Path) -> None:
    path = spapi / "synthetic" / "synthetic_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_US.tsv"
    next_day = ReportContext(
        report_type=FEES, marketplace_id=US, data_end_time=datetime(2024, 3, 21, tzinfo=UTC)
    )
    (today,) = _rows(path, FEES)
    (tomorrow,) = parse_report_document(path.read_bytes(), context=next_day)
    assert today.entry_key != tomorrow.entry_key


def test_fee_preview_without_a_snapshot_time_is_refused(spapi: Path) -> None:
    path = spapi / "synthetic" / "synthetic_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_US.tsv"
    with pytest.raises(InvalidInput, match="data_end_time"):
        list(parse_report_document(path.read_bytes(), context=ReportContext(report_type=FEES)))


@pytest.mark.parametrize(
    ("file_name", "report_type"),
    [
        ("GET_FBA_REIMBURSEMENTS_DATA.csv", REIMBURSEMENTS),
        ("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA.csv", RETURNS),
        ("GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA.csv", FEES),
    ],
)
def test_airbyte_fixtures_made_of_repeated_headers_have_no_rows(
    spapi: Path, file_name: str, report_type: str
) -> None:
    path = spapi / "reports" / "airbyte_fixtures" / file_name
    assert len(path.read_text().splitlines()) == 3
    assert _rows(path, report_type) == []


def test_garbage_amount_names_its_line_and_column(spapi: Path) -> None:
    text = (spapi / "synthetic" / "synthetic_GET_FBA_REIMBURSEMENTS_DATA.tsv").read_text()
    broken = text.replace("\t19.49\t19.49\t", "\t19.49\t19,4x9\t").encode()
    with pytest.raises(ParseError, match=r"line 3, column 'amount-total': not a number: '19,4x9'"):
        list(parse_report_document(broken, context=ReportContext(report_type=REIMBURSEMENTS)))


def test_amount_without_currency_is_refused(spapi: Path) -> None:
    text = (spapi / "synthetic" / "synthetic_GET_FBA_REIMBURSEMENTS_DATA.tsv").read_text()
    broken = text.replace("\tNew\tUSD\t12.10\t", "\tNew\t\t12.10\t", 1).encode()
    with pytest.raises(ParseError, match="line 2: 'amount-total' has an amount but no currency"):
        list(parse_report_document(broken, context=ReportContext(report_type=REIMBURSEMENTS)))
