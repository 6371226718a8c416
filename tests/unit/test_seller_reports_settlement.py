"""Settlement flat files (V2 and the deprecated V1), golden on the fixtures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from shelfscope.errors import ParseError
from shelfscope.seller import LedgerRow, ReportContext, SourceKind, parse_report_document

V2 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
V1 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
US = "ATVPDKIKX0DER"


@pytest.fixture
def spapi(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi"


def _rows(path: Path, report_type: str, **options: str) -> list[LedgerRow]:
    context = ReportContext(report_type=report_type, marketplace_id=US)
    return list(parse_report_document(path.read_bytes(), context=context, **options))


def test_settlement_v2_golden(spapi: Path) -> None:
    rows = _rows(spapi / "synthetic" / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv", V2)
    assert len(rows) == 15
    summary, details = rows[0], rows[1:]
    assert summary.summary is True
    assert summary.source is SourceKind.SETTLEMENT
    assert (summary.amount, summary.currency, summary.reference_id) == (
        Decimal("-14.47"),
        "USD",
        "17823456781",
    )
    assert summary.event_time == datetime(2024, 3, 17, 7, 12, 45, tzinfo=UTC)  # deposit-date
    assert summary.external_id == "summary|17823456781"
    first = details[0]
    assert (first.order_id, first.sku, first.quantity, first.entry_type) == (
        "113-1234567-1234567",
        "SKU-RED-01",
        1,
        "Order",
    )
    assert (first.amount, first.currency, first.amount_type) == (
        Decimal("24.99"),
        "USD",
        "ItemPrice/Principal",
    )
    assert first.event_time == datetime(2024, 3, 3, 18, 22, 1, tzinfo=UTC)  # posted-date-time
    assert first.marketplace_id == US  # marketplace-name "Amazon.com"
    assert first.reconciliation_key == "113-1234567-1234567|2024-03-03|ItemPrice/Principal|24.99|USD"
    assert not any(row.summary for row in details)
    assert {row.currency for row in details} == {"USD"}  # carried down from the summary line
    assert sum(row.amount or 0 for row in details) == summary.amount
    assert [row.entry_type for row in details].count("Refund") == 3
    promotion = details[5]
    assert (promotion.amount_type, promotion.values["promotion-id"]) == ("Promotion", "PLM-ABC123")
    fees = [row for row in details if row.order_id is None]
    assert [(row.amount_type, row.amount) for row in fees] == [
        ("other-transaction/Storage Fee", Decimal("-1.38")),
        ("other-transaction/Subscription Fee", Decimal("-39.99")),
    ]
    assert len({row.entry_key for row in rows}) == 15


def test_gzip_settlement_parses_to_identical_rows(spapi: Path) -> None:
    plain = _rows(spapi / "synthetic" / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv", V2)
    packed = _rows(
        spapi / "synthetic" / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv.gz",
        V2,
        compression_algorithm="GZIP",
    )
    assert [(row.entry_key, row.amount) for row in packed] == [(row.entry_key, row.amount) for row in plain]


def test_real_v1_settlement_excerpt_golden(spapi: Path) -> None:
    rows = _rows(spapi / "reports" / "real" / "mws-rs_settlement_flatfile_v1_excerpt_2015.tsv", V1)
    assert len(rows) == 4
    summary, item, principal, fee = rows
    assert (summary.summary, summary.amount, summary.currency) == (True, Decimal("16630.13"), "USD")
    assert summary.event_time == datetime(2015, 12, 18, 3, 27, 8, tzinfo=UTC)
    # The item line states the quantity and no money.
    assert (item.amount, item.quantity, item.sku) == (None, 1, "edifier-p270-gold")
    assert (principal.amount, principal.amount_type) == (Decimal("27.99"), "ItemPrice/Principal")
    assert (fee.amount, fee.amount_type) == (Decimal("-1.00"), "ItemFees/FBAPerOrderFulfillmentFee")
    assert principal.event_time == datetime(2015, 12, 2, 4, 15, 26, tzinfo=UTC)
    assert principal.order_id == "112-8095165-5463447"
    assert principal.values["shipment-id"] == "D1FyNyr6b"
    assert sum(row.amount or 0 for row in rows[1:]) == Decimal("26.99")


def test_v1_line_with_two_sums_becomes_two_rows(spapi: Path) -> None:
    rows = _rows(spapi / "reports" / "airbyte_fixtures" / "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE.csv", V1)
    assert len(rows) == 3
    summary, price, fee = rows
    assert (summary.amount, summary.event_time) == (Decimal("1234.56"), datetime(2023, 1, 17, tzinfo=UTC))
    assert (price.amount, price.amount_type) == (Decimal("19.99"), "ItemPrice/Principal")
    assert (fee.amount, fee.amount_type) == (Decimal("-3.22"), "ItemFees/FBAPerUnitFulfillmentFee")
    assert price.line_number == fee.line_number == 3
    assert price.row_hash != fee.row_hash
    assert price.event_time == datetime(2023, 1, 3, 10, tzinfo=UTC)


def test_garbage_settlement_amount_names_its_line(spapi: Path) -> None:
    text = (spapi / "synthetic" / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv").read_text()
    broken = text.replace("\tCommission\t-7.50\t", "\tCommission\tN/A\t").encode()
    with pytest.raises(ParseError, match=r"line 10, column 'amount': not a number: 'N/A'"):
        list(parse_report_document(broken, context=ReportContext(report_type=V2)))


def test_european_settlement_dates_and_decimal_commas() -> None:
    header = (
        "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\t"
        "transaction-type\torder-id\tmarketplace-name\tamount-type\tamount-description\tamount\tposted-date\t"
        "posted-date-time\tsku\tquantity-purchased\n"
    )
    lines = [
        header,
        "9001\t01.03.2024 07:12:45 UTC\t15.03.2024 07:12:45 UTC\t17.03.2024 07:12:45 UTC\t1.234,56\tEUR"
        "\t\t\t\t\t\t\t\t\t\t\n",
        "9001\t\t\t\t\t\tOrder\t302-1\tAmazon.de\tItemPrice\tPrincipal\t1.250,00\t03.03.2024\t"
        "03.03.2024 18:22:01 UTC\tSKU-DE-01\t1\n",
    ]
    context = ReportContext(report_type=V2, marketplace_id="A1PA6795UKMFR9", decimal_comma=True)
    summary, detail = parse_report_document("".join(lines).encode(), context=context)
    assert (summary.amount, summary.event_time) == (
        Decimal("1234.56"),
        datetime(2024, 3, 17, 7, 12, 45, tzinfo=UTC),
    )
    assert (detail.amount, detail.currency, detail.marketplace_id) == (
        Decimal("1250.00"),
        "EUR",
        "A1PA6795UKMFR9",
    )
    assert detail.event_time == datetime(2024, 3, 3, 18, 22, 1, tzinfo=UTC)
