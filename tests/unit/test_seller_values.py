"""Marketplace date and number spellings into aware UTC datetimes and Decimals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shelfscope.seller.values import parse_datetime, parse_decimal, parse_int


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T12:00:00+00:00", datetime(2024, 3, 1, 12, tzinfo=UTC)),
        ("2024-03-01T12:00:00-08:00", datetime(2024, 3, 1, 20, tzinfo=UTC)),  # ledger "Date and Time"
        ("2020-02-05T13:56:00.363Z", datetime(2020, 2, 5, 13, 56, 0, 363000, tzinfo=UTC)),  # Finances
        ("2024-03-01 07:12:45 UTC", datetime(2024, 3, 1, 7, 12, 45, tzinfo=UTC)),  # settlement
        ("2024-03-03", datetime(2024, 3, 3, tzinfo=UTC)),  # settlement posted-date
        ("01.03.2024 12:00:00 UTC", datetime(2024, 3, 1, 12, tzinfo=UTC)),
        ("01.03.2024", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024/03/01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024/03/01 12:00:00 JST", datetime(2024, 3, 1, 3, tzinfo=UTC)),
        ("2024年3月1日 09:30:00 JST", datetime(2024, 3, 1, 0, 30, tzinfo=UTC)),
        ("Mar 1, 2024 12:00:00 AM PST", datetime(2024, 3, 1, 8, tzinfo=UTC)),
        ("Dec 31, 2024 11:59:59 PM PDT", datetime(2025, 1, 1, 6, 59, 59, tzinfo=UTC)),
        ("1 Mar 2024", datetime(2024, 3, 1, tzinfo=UTC)),
        ("01-Mär-2024", datetime(2024, 3, 1, tzinfo=UTC)),
        ("03/01/2024", datetime(2024, 3, 1, tzinfo=UTC)),  # ledger Date: month first
        ("13/03/2024", datetime(2024, 3, 13, tzinfo=UTC)),  # day above 12 settles the order
        ("03/2024", datetime(2024, 3, 1, tzinfo=UTC)),  # monthly ledger summary
        ("2024-03-01T12:00:00+0530", datetime(2024, 3, 1, 6, 30, tzinfo=UTC)),
    ],
)
def test_dates_become_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None
    assert parsed.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_day_first_convention_reads_ambiguous_slash_dates_the_other_way() -> None:
    assert parse_datetime("03/01/2024", month_first=False) == datetime(2024, 1, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2024-13-01", "31/31/2024", "Mar 1, 2024 12:00 XYZT", "13:00"]
)
def test_unreadable_dates_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_datetime(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-12.50", Decimal("-12.50")),
        ("1,234.56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1 234,56", Decimal("1234.56")),
        ("1\u00a0234,56", Decimal("1234.56")),
        ("1'234.56", Decimal("1234.56")),
        ("(3.22)", Decimal("-3.22")),
        ("12.50-", Decimal("-12.50")),
        ("+7", Decimal("7")),
        ("12,5", Decimal("12.5")),
        ("0,123", Decimal("0.123")),
        ("1,234", Decimal("1234")),
        ("1.234.567", Decimal("1234567")),
        ("0.34", Decimal("0.34")),
        ("16630.13", Decimal("16630.13")),
    ],
)
def test_amounts_become_exact_decimals(text: str, expected: Decimal) -> None:
    value = parse_decimal(text)
    assert value == expected
    assert isinstance(value, Decimal)


def test_decimal_comma_documents_read_lone_separators_the_european_way() -> None:
    assert parse_decimal("1,234", decimal_comma=True) == Decimal("1.234")
    assert parse_decimal("1.234", decimal_comma=True) == Decimal("1234")
    # A dot followed by two digits is a decimal point wherever the document comes from.
    assert parse_decimal("19.99", decimal_comma=True) == Decimal("19.99")


@pytest.mark.parametrize("text", ["", "abc", "12.5.1x", "1,23,4.5", "1.2,3.4", "1e5", "--1", "$5"])
def test_garbage_amounts_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_quantities_are_whole_numbers() -> None:
    assert parse_int("-1") == -1
    assert parse_int(" +24 ") == 24
    with pytest.raises(ValueError, match="whole number"):
        parse_int("1.5")
    with pytest.raises(ValueError, match="whole number"):
        parse_int("Quantity")
