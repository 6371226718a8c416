"""Prices, ratings, counts and result totals as Amazon prints them in every marketplace.

Amazon formats numbers by UI language, not by marketplace (amazon.com can be served in Spanish
or Chinese), so the parsing here reads the separators from the text itself instead of trusting
a locale table: ``1.234,56 €``, ``$1,234.56``, ``₹1,49,999`` (Indian grouping), ``10 000 zł``
(no-break spaces), ``¥1,280``. A single separator followed by exactly three digits is a
thousands separator (no Amazon currency has three decimals); anything else is a decimal mark.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "currency_of",
    "parse_count",
    "parse_decimal",
    "parse_price",
    "parse_rating",
    "parse_total_results",
]

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_NUMBER = re.compile(r"\d(?:[\d.,'\u00a0\u2009\u202f ]*\d)?")
_GROUPING = re.compile(r"['\u00a0\u2009\u202f ]")

# Longest symbols first so that "US$" wins over "$" and "R$" is not read as dollars.
_CURRENCY_SYMBOLS: tuple[tuple[str, str], ...] = (
    ("CDN$", "CAD"),
    ("MX$", "MXN"),
    ("US$", "USD"),
    ("AU$", "AUD"),
    ("CA$", "CAD"),
    ("R$", "BRL"),
    ("S$", "SGD"),
    ("A$", "AUD"),
    ("C$", "CAD"),
    ("E£", "EGP"),
    ("ج.م", "EGP"),
    ("د.إ", "AED"),
    ("ر.س", "SAR"),
    ("zł", "PLN"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₹", "INR"),
    ("￥", "JPY"),
    ("¥", "JPY"),
    ("₺", "TRY"),
    ("Rs.", "INR"),
)
_CURRENCY_CODES = frozenset(
    {"USD", "CAD", "MXN", "BRL", "EUR", "GBP", "SEK", "PLN", "TRY", "AED", "SAR", "EGP", "ZAR"}
    | {"INR", "JPY", "AUD", "SGD"}
)
_CODE_WORD = re.compile(r"\b([A-Z]{3})\b")
_LETTER_SYMBOLS = re.compile(r"(?<![A-Za-z])(kr|TL|R)(?![A-Za-z])")
_LETTER_SYMBOL_CURRENCY = {"kr": "SEK", "TL": "TRY", "R": "ZAR"}
_DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "SGD", "MXN"})


def parse_decimal(number: str) -> Decimal:
    """A number token such as ``1.234,56``, ``1,234.56``, ``1 234`` or ``12,5`` as a Decimal."""
    digits = _GROUPING.sub("", number)
    commas, dots = digits.count(","), digits.count(".")
    if commas and dots:
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif commas + dots == 1:
        mark = "," if commas else "."
        decimal_mark = "" if len(digits.rsplit(mark, 1)[1]) == 3 else mark
    else:
        decimal_mark = ""  # no separator, or the same one repeated: grouping only
    grouping = {",", "."} - {decimal_mark}
    for sep in grouping:
        digits = digits.replace(sep, "")
    if decimal_mark:
        digits = digits.replace(decimal_mark, ".")
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise ValueError(f"not a number: {number!r}") from None


def currency_of(text: str, *, default: str) -> str:
    """The ISO currency a price text is written in; ``default`` (the marketplace's) when unmarked.

    A bare ``$`` means the marketplace's own dollar (MXN on amazon.com.mx, AUD on amazon.com.au),
    or USD where the marketplace does not use dollars.
    """
    for symbol, code in _CURRENCY_SYMBOLS:
        if symbol in text:
            return code
    for word in _CODE_WORD.findall(text):
        if word in _CURRENCY_CODES:
            return str(word)
    letters = _LETTER_SYMBOLS.search(text)
    if letters:
        return _LETTER_SYMBOL_CURRENCY[letters.group(1)]
    if "$" in text:
        return default if default in _DOLLAR_CURRENCIES else "USD"
    return default


def parse_price(text: str, *, default_currency: str) -> tuple[Decimal, str] | None:
    """``("39.99", "EUR")`` from ``"39,99 €"``; ``None`` when the text holds no number."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    return parse_decimal(match.group(0)), currency_of(text, default=default_currency)


_RATING_TOKEN = re.compile(r"\d+(?:[.,]\d+)?")


def parse_rating(text: str) -> Decimal | None:
    """The star average from "4,5 von 5 Sternen", "4.3 out of 5 stars", "5つ星のうち4.3".

    Languages differ in whether the average or the scale comes first, but the average always
    carries a decimal (``5.0``) while the scale is a bare ``5``; so the first number with a
    decimal mark wins, and a lone integer is taken only when nothing else is there.
    """
    tokens = _RATING_TOKEN.findall(text)
    if not tokens:
        return None
    chosen = next((t for t in tokens if "." in t or "," in t), tokens[0])
    return Decimal(chosen.replace(",", "."))


# What follows the digits of an abbreviated count: "3.5K", "1,2 M", "10 mil", "2 Tsd.", "1.2万".
_ABBREVIATED = re.compile(r"[.,]?\d*\s?(?:[km](?![a-z])|mil\b|tsd|mio|万|千)")


def parse_count(text: str) -> int | None:
    """A whole count such as ``"(138,595)"``, ``"2.587"`` or ``"29,529 ratings"``.

    Abbreviated counts ("3.5K") are not exact, so they give ``None`` rather than a rounded value.
    """
    match = _NUMBER.search(text)
    if match is None:
        return None
    if _ABBREVIATED.match(text[match.end() : match.end() + 8].lower()):
        return None
    return int(re.sub(r"\D", "", match.group(0)))


# "1-48", "1-16" with an en dash, "1 a 24" (es on amazon.com): the range of results shown on this page.
_RANGE = re.compile(r"\d[\d.,\u00a0\u202f ]*\s*(?:[-\u2013\u2014~]|\ba\b)\s*\d[\d.,\u00a0\u202f]*")
_TOTAL_TOKEN = re.compile(r"\d{1,3}(?:[.,'\u00a0\u2009\u202f ]\d{3})+|\d+")


def parse_total_results(text: str) -> int | None:
    """The result total from the result-info line in any language.

    "1-48 of over 30,000 results for", "1-16 von 139 Ergebnissen", "1-48 de más de 90.000
    resultados", "1 a 24 de 148 resultados", "1-24的218 個結果", "3,000以上のうち1-48件",
    "48 results for". The page range is removed first; the remaining number is the total.
    """
    normalised = _SPACES.sub(" ", text)
    without_range = _RANGE.sub(" ", normalised, count=1)
    tokens = _TOTAL_TOKEN.findall(without_range)
    if not tokens:
        return None
    return int(re.sub(r"\D", "", tokens[0]))
