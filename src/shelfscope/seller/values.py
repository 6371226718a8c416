"""Dates, decimals and integers as Amazon writes them in report files, into typed values.

Report documents are written per marketplace, so the same column reads ``2024-03-01T12:00:00+00:00``
in one file, ``2024-03-01 07:12:45 UTC`` in a settlement file, ``03/01/2024`` in the inventory
ledger, ``01.03.2024`` in a European download and ``2024/03/01`` in a Japanese one. Every date
becomes an aware UTC ``datetime``; every amount becomes a ``Decimal`` (money is never a float).

The functions raise ``ValueError`` with a short reason; the report reader wraps it in a
``ParseError`` that names the line and column.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["parse_datetime", "parse_decimal", "parse_int"]

# Abbreviations seen in Amazon downloads. Each names a fixed offset (PST is always -8, PDT -7);
# they are not zone names, so zoneinfo would be wrong here. IST is India, where Amazon.in reports.
_ZONE_OFFSETS_MINUTES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "PST": -480,
    "PDT": -420,
    "MST": -420,
    "MDT": -360,
    "CST": -360,
    "CDT": -300,
    "EST": -300,
    "EDT": -240,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "MEZ": 60,
    "MESZ": 120,
    "IST": 330,
    "JST": 540,
    "AEST": 600,
    "AEDT": 660,
    "SGT": 480,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan",),
            ("feb",),
            ("mar", "mär", "mrz"),
            ("apr",),
            ("may", "mai"),
            ("jun",),
            ("jul",),
            ("aug",),
            ("sep",),
            ("oct", "okt"),
            ("nov",),
            ("dec", "dez"),
        ),
        start=1,
    )
    for name in names
}

_TIME = (
    r"(?:(?:[T ]|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?"
    r"(?:\s*(?P<ampm>[AaPp])\.?[Mm]\.?)?)?"
)
_ZONE = r"(?:\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,4}))?"
_PATTERNS = (
    # 2024-03-01 07:12:45 UTC, 2024/03/01 12:00:00 JST (Japan writes dates year first)
    re.compile(rf"(?P<y>\d{{4}})[-/](?P<m>\d{{1,2}})[-/](?P<d>\d{{1,2}}){_TIME}{_ZONE}"),
    # 01.03.2024 12:00:00 UTC: the dotted form is always day first
    re.compile(rf"(?P<d>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<y>\d{{4}}){_TIME}{_ZONE}"),
    # 03/01/2024: month or day first, decided by the values or by the report's convention
    re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>\d{{4}}){_TIME}{_ZONE}"),
    # Mar 1, 2024 12:00:00 AM PST (US Seller Central)
    re.compile(rf"(?P<mon>[^\W\d_]{{3,9}})\.? (?P<d>\d{{1,2}}),? (?P<y>\d{{4}}){_TIME}{_ZONE}"),
    # 1 Mar 2024, 01-Mar-2024
    re.compile(rf"(?P<d>\d{{1,2}})[ -](?P<mon>[^\W\d_]{{3,9}})\.?[ -](?P<y>\d{{4}}){_TIME}{_ZONE}"),
    # 2024年3月1日 12:00:00 JST
    re.compile(rf"(?P<y>\d{{4}})年(?P<m>\d{{1,2}})月(?P<d>\d{{1,2}})日{_TIME}{_ZONE}"),
    # 03/2024: the monthly inventory ledger summary
    re.compile(r"(?P<m>\d{1,2})/(?P<y>\d{4})"),
)


def parse_datetime(text: str, *, month_first: bool = True) -> datetime:
    """An aware UTC datetime from any date format Amazon report files use.

    Values without an offset are UTC: the Reports API writes UTC, and shifting a bare date such
    as the ledger's ``03/01/2024`` by a guessed zone would move it to another calendar day.
    ``month_first`` settles ``03/01/2024`` when neither part is above 12.
    """
    return _parse_datetime_cached(text.strip(), month_first)


@lru_cache(maxsize=65536)
def _parse_datetime_cached(text: str, month_first: bool) -> datetime:
    # Reports repeat the same few thousand timestamps across a million rows: the cache makes
    # each distinct string cost one parse.
    if not text:
        raise ValueError("empty date")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_with_patterns(text, month_first=month_first)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_with_patterns(text: str, *, month_first: bool) -> datetime:
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            return _build(match.groupdict(), month_first=month_first)
    raise ValueError(f"unrecognised date format: {text!r}")


def _build(parts: dict[str, str | None], *, month_first: bool) -> datetime:
    year, month, day = _date_parts(parts, month_first=month_first)
    hour = int(parts.get("H") or 0)
    ampm = (parts.get("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with AM/PM")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    fraction = (parts.get("F") or "").ljust(6, "0")[:6]
    value = datetime(  # noqa: DTZ001 - the zone is attached below, from the text or UTC
        year,
        month,
        day,
        hour,
        int(parts.get("M") or 0),
        int(parts.get("S") or 0),
        int(fraction or 0),
    )
    return value.replace(tzinfo=_zone(parts.get("zone")))


def _date_parts(parts: dict[str, str | None], *, month_first: bool) -> tuple[int, int, int]:
    year = int(parts["y"] or 0)
    if parts.get("mon"):
        month = _MONTHS.get((parts["mon"] or "")[:3].lower())
        if month is None:
            raise ValueError(f"unknown month name {parts['mon']!r}")
        return year, month, int(parts["d"] or 0)
    if parts.get("a"):
        first, second = int(parts["a"] or 0), int(parts["b"] or 0)
        day_first = first > 12 or (second <= 12 and not month_first)
        return (year, second, first) if day_first else (year, first, second)
    return year, int(parts["m"] or 0), int(parts.get("d") or 1)


def _zone(name: str | None) -> timezone:
    if not name:
        return UTC
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
        return timezone(timedelta(minutes=-minutes if name[0] == "-" else minutes))
    offset = _ZONE_OFFSETS_MINUTES.get(name.upper())
    if offset is None:
        raise ValueError(f"unknown time zone {name!r}")
    return timezone(timedelta(minutes=offset))


_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = {
    ",": re.compile(r"[1-9]\d{0,2}(?:,\d{3})+"),
    ".": re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+"),
}
_INTEGER = re.compile(r"[+-]?\d+")


def parse_decimal(text: str, *, decimal_comma: bool | None = None) -> Decimal:
    """A ``Decimal`` from ``-12.50``, ``1,234.56``, ``1.234,56``, ``(3.22)`` or ``1 234,56``.

    With both separators present the last one is the decimal point. A lone separator is a
    decimal point, except a comma followed by exactly three digits (``1,234``), which is a
    thousands separator unless ``decimal_comma`` says the document writes decimals with commas.
    Amazon's API reports write decimal points even in Europe (``19.99`` in a DE fee preview), so
    the marketplace alone never decides this.
    """
    body = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    negative, body = _split_sign(body)
    number = _normalise_separators(body, decimal_comma=decimal_comma)
    if not _PLAIN_NUMBER.fullmatch(number):
        raise ValueError(f"not a number: {text!r}")
    try:
        value = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only digits
        raise ValueError(f"not a number: {text!r}") from exc
    return -value if negative else value


def _split_sign(body: str) -> tuple[bool, str]:
    if body.startswith("(") and body.endswith(")"):
        return True, body[1:-1]
    if body[:1] in ("-", "\u2212"):
        return True, body[1:]
    if body[:1] == "+":
        return False, body[1:]
    if body.endswith("-"):
        return True, body[:-1]
    return False, body


def _normalise_separators(body: str, *, decimal_comma: bool | None) -> str:
    if "," in body and "." in body:
        point = "," if body.rfind(",") > body.rfind(".") else "."
        grouping = "." if point == "," else ","
        whole, _, fraction = body.rpartition(point)
        if not _GROUPED[grouping].fullmatch(whole) and grouping in whole:
            raise ValueError(f"misplaced thousands separator in {body!r}")
        return f"{whole.replace(grouping, '')}.{fraction}"
    for separator in (",", "."):
        if separator not in body:
            continue
        lone = body.count(separator) == 1
        grouped = _GROUPED[separator].fullmatch(body) is not None
        if grouped and (not lone or _is_thousands(separator, decimal_comma=decimal_comma)):
            return body.replace(separator, "")
        if lone:
            return body.replace(separator, ".")
    return body


def _is_thousands(separator: str, *, decimal_comma: bool | None) -> bool:
    # "1,234": thousands unless the document writes decimal commas; "1.234": a decimal point
    # unless the document writes decimal commas (then the dot can only be grouping).
    if separator == ",":
        return decimal_comma is not True
    return decimal_comma is True


def parse_int(text: str) -> int:
    """A whole number such as a quantity (``-1``, ``+5``); anything else is an error."""
    body = text.strip()
    if not _INTEGER.fullmatch(body):
        raise ValueError(f"not a whole number: {text!r}")
    return int(body)
