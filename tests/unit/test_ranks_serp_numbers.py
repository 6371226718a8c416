"""Prices, ratings, counts and totals in every marketplace's number format."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shelfscope.ranks.serp.numbers import (
    currency_of,
    parse_count,
    parse_decimal,
    parse_price,
    parse_rating,
    parse_total_results,
)


@pytest.mark.parametrize(
    ("text", "default", "amount", "currency"),
    [
        ("$1,234.56", "USD", "1234.56", "USD"),  # US
        ("US$449.99", "USD", "449.99", "USD"),  # amazon.com in Spanish / Chinese UI
        ("CDN$ 1,299.00", "CAD", "1299.00", "CAD"),  # CA
        ("$1,299.00", "MXN", "1299.00", "MXN"),  # MX: "$" is the peso
        ("R$ 1.303,05", "BRL", "1303.05", "BRL"),  # BR
        ("£11.00", "GBP", "11.00", "GBP"),  # UK
        ("1.234,56 €", "EUR", "1234.56", "EUR"),  # DE / ES / IT / NL
        ("39,99\u00a0€", "EUR", "39.99", "EUR"),  # no-break space before the sign
        ("1\u202f234,56 €", "EUR", "1234.56", "EUR"),  # FR narrow no-break space grouping
        ("EUR 7,99", "EUR", "7.99", "EUR"),  # legacy DE
        ("1 299,00 kr", "SEK", "1299.00", "SEK"),  # SE
        ("10 000,00 zł", "PLN", "10000.00", "PLN"),  # PL
        ("1.299,90 TL", "TRY", "1299.90", "TRY"),  # TR
        ("AED 1,299.00", "AED", "1299.00", "AED"),  # AE
        ("SAR 89.95", "SAR", "89.95", "SAR"),  # SA
        ("EGP 2,499.00", "EGP", "2499.00", "EGP"),  # EG
        ("₹1,499", "INR", "1499", "INR"),  # IN
        ("₹1,49,999", "INR", "149999", "INR"),  # IN lakh grouping
        ("¥1,280", "JPY", "1280", "JPY"),  # JP half-width yen
        ("￥12,800", "JPY", "12800", "JPY"),  # JP full-width yen
        ("$59.95", "AUD", "59.95", "AUD"),  # AU
        ("S$39.90", "SGD", "39.90", "SGD"),  # SG
        ("12,5", "EUR", "12.5", "EUR"),  # unmarked: the marketplace's currency
    ],
)
def test_prices_in_each_marketplace_format_become_decimals(
    text: str, default: str, amount: str, currency: str
) -> None:
    assert parse_price(text, default_currency=default) == (Decimal(amount), currency)


def test_a_text_without_digits_is_no_price() -> None:
    assert parse_price("Currently unavailable", default_currency="USD") is None


@pytest.mark.parametrize(
    ("number", "value"),
    [
        ("1.234", "1234"),  # one separator + three digits: thousands, in any locale
        ("1,234", "1234"),
        ("1,5", "1.5"),
        ("12.50", "12.50"),
        ("1.234.567", "1234567"),
        ("1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("1'234.50", "1234.50"),
    ],
)
def test_decimal_and_grouping_marks_are_read_from_the_text(number: str, value: str) -> None:
    assert parse_decimal(number) == Decimal(value)


def test_a_bare_dollar_outside_dollar_marketplaces_is_usd() -> None:
    assert currency_of("$12.99", default="EUR") == "USD"
    assert currency_of("$12.99", default="CAD") == "CAD"


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        ("4.5 out of 5 stars", "4.5"),
        ("4,5 von 5 Sternen", "4.5"),
        ("4,8 de 5 estrellas", "4.8"),
        ("4,6 sur 5 étoiles", "4.6"),
        ("4,7 su 5 stelle", "4.7"),
        ("4,7 de 5 estrelas", "4.7"),
        ("4,3 van 5 sterren", "4.3"),
        ("4,2 av 5 stjärnor", "4.2"),
        ("4,4 z 5 gwiazdek", "4.4"),
        ("5 yıldız üzerinden 4,3", "4.3"),  # TR: scale first
        ("5つ星のうち4.3", "4.3"),  # JP: scale first
        ("4.3 顆星，最高 5 顆星", "4.3"),  # amazon.com in zh-TW
        ("5.0 out of 5 stars", "5.0"),
        ("5 von 5 Sternen", "5"),  # legacy DE prints whole stars without a decimal
    ],
)
def test_ratings_in_each_language(text: str, rating: str) -> None:
    assert parse_rating(text) == Decimal(rating)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("(138,595)", 138595),
        ("2.587", 2587),  # ES grouping dot
        ("29,529 ratings", 29529),
        ("1 379", 1379),
        ("597", 597),
        ("80.525 avaliações de clientes", 80525),
        ("5 Kundenrezensionen", 5),
        ("(3.5K)", None),  # abbreviated: not exact, not rounded either
        ("1,2 M", None),
        ("10 mil", None),
        ("no reviews", None),
    ],
)
def test_counts_are_whole_numbers_and_abbreviations_are_refused(text: str, count: int | None) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("1-48 of over 30,000 results for", 30000),
        ("1-16 of 306 results for", 306),
        ("1-16 von 139 Ergebnissen oder Vorschlägen für", 139),
        ("1-48 von mehr als 100.000 Ergebnissen oder Vorschlägen für", 100000),
        ("1-48 de más de 90.000 resultados para", 90000),
        ("1 a 24 de 148 resultados para", 148),
        ("1-48 sur plus de 10\u202f000 résultats pour", 10000),
        ("1-48 dei oltre 20.000 risultati in", 20000),
        ("1-48 van meer dan 2.000 resultaten voor", 2000),
        ("1-48 av över 1\u00a0000 resultat för", 1000),
        ("1-48 z ponad 10 000 wyników dla", 10000),
        ("1-24的218 個結果", 218),
        ("3,000以上のうち1-48件", 3000),
        ("49-96 of over 1,000 results for", 1000),
        ("1\u201316 of 16 results for", 16),
        ("12 results for", 12),
    ],
)
def test_result_totals_in_each_language(text: str, total: int) -> None:
    assert parse_total_results(text) == total


def test_a_result_line_without_a_number_has_no_total() -> None:
    assert parse_total_results("Results") is None
