"""All-orders flat files: no primary key, so a hash of the item's identity plus occurrence."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from shelfscope.seller import LedgerRow, ReportContext, SourceKind, parse_report_lines

BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
US = "ATVPDKIKX0DER"


@pytest.fixture
def order_lines(real_fixtures: Path) -> list[str]:
    path = (
        real_fixtures
        / "spapi"
        / "synthetic"
        / "synthetic_GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL.tsv"
    )
    return path.read_text().splitlines(keepends=True)


def _rows(lines: list[str], report_type: str = BY_ORDER_DATE) -> list[LedgerRow]:
    return list(parse_report_lines(lines, context=ReportContext(report_type=report_type, marketplace_id=US)))


def test_all_orders_golden(order_lines: list[str]) -> None:
    rows = _rows(order_lines)
    assert len(rows) == 4
    shipped = rows[0]
    assert shipped.source is SourceKind.ORDERS
    assert shipped.event_time == datetime(2024, 3, 2, 21, 5, 11, tzinfo=UTC)
    assert (shipped.order_id, shipped.sku, shipped.asin, shipped.quantity) == (
        "113-1234567-1234567",
        "SKU-RED-01",
        "B0ABCDE123",
        1,
    )
    assert (shipped.amount, shipped.currency, shipped.entry_type, shipped.status) == (
        Decimal("24.99"),
        "USD",
        "Shipped",
        "Shipped",
    )
    assert shipped.marketplace_id == US  # from sales-channel "Amazon.com"
    assert shipped.values["item-promotion-discount"] == Decimal("-2.50")
    assert shipped.values["last-updated-date"] == datetime(2024, 3, 3, 18, 22, 1, tzinfo=UTC)
    assert shipped.external_id is None
    assert [row.entry_type for row in rows] == ["Shipped", "Shipped", "Pending", "Cancelled"]
    assert sum(row.amount or 0 for row in rows) == Decimal("74.97")
    assert sum(row.quantity or 0 for row in rows) == 4


def test_pending_orders_have_no_amount_rather_than_zero(order_lines: list[str]) -> None:
    pending, cancelled = _rows(order_lines)[2:]
    assert (pending.amount, pending.currency, pending.status) == (None, None, "Unshipped")
    assert (cancelled.amount, cancelled.quantity) == (None, 0)


def test_a_status_update_upserts_the_same_entry(order_lines: list[str]) -> None:
    header, pending = order_lines[0], order_lines[3]
    shipped = (
        pending.replace("\tPending\t", "\tShipped\t")
        .replace("\tUnshipped\t1\t\t\t", "\tShipped\t1\tUSD\t24.99\t")
        .replace("2024-03-05T12:31:00+00:00", "2024-03-06T08:00:00+00:00")
    )
    (before,) = _rows([header, pending])
    (after,) = _rows([header, shipped], BY_LAST_UPDATE)
    assert (after.entry_type, after.amount) == ("Shipped", Decimal("24.99"))
    assert after.entry_key == before.entry_key


def test_fulfilment_splits_of_one_item_are_numbered(order_lines: list[str]) -> None:
    header, line = order_lines[0], order_lines[2]
    rows = _rows([header, line, line.replace("\t2\tUSD\t49.98\t", "\t1\tUSD\t24.99\t")])
    assert [row.occurrence for row in rows] == [0, 1]
    assert rows[0].row_hash == rows[1].row_hash
    assert rows[0].entry_key != rows[1].entry_key
