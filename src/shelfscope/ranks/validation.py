"""What a tracking job accepts: ASINs, marketplaces, keywords, and their error messages.

The same checks serve the API, the CLI and the dashboard, so every door says the same thing
about the same bad value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shelfscope.errors import InvalidInput
from shelfscope.marketplaces import amazon_marketplace, amazon_marketplace_by_domain, amazon_marketplace_by_id
from shelfscope.ranks.models import MAX_DEPTH, Frequency
from shelfscope.ranks.serp.asin import is_valid_isbn10

__all__ = [
    "MAX_COMPETITORS",
    "MAX_KEYWORD_LENGTH",
    "ParsedLine",
    "keyword_lines",
    "normalise_keyword",
    "validate_asin",
    "validate_competitors",
    "validate_delays",
    "validate_depth",
    "validate_frequency",
    "validate_keyword",
    "validate_marketplace",
]

MAX_KEYWORD_LENGTH = 200
"""Amazon's search box takes about this much; longer lines are pasted paragraphs, not keywords."""
MAX_COMPETITORS = 20
MAX_DELAY_SECONDS = 600

_B0_BODY = re.compile(r"[A-Z0-9]{8}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate_asin(value: str, *, field: str = "asin") -> str:
    """The ASIN upper-cased and trimmed, or :class:`InvalidInput` saying what is wrong with it."""
    asin = value.strip().upper()
    if len(asin) != 10:
        raise InvalidInput(f"an ASIN has 10 characters; {value.strip()!r} has {len(asin)}", field=field)
    if asin.startswith("B0"):
        if not _B0_BODY.fullmatch(asin[2:]):
            raise InvalidInput(f"ASIN {asin!r}: after B0 come 8 letters or digits", field=field)
        return asin
    if asin[:9].isdigit() and (asin[9].isdigit() or asin[9] == "X"):
        if not is_valid_isbn10(asin):
            raise InvalidInput(f"{asin!r} is not a valid ISBN-10: its check digit is wrong", field=field)
        return asin
    raise InvalidInput(
        f"{asin!r} is not an ASIN: use B0 followed by 8 letters or digits, or a book's ISBN-10", field=field
    )


def validate_marketplace(value: str) -> str:
    """Amazon's marketplace code (``UK``, not ``GB``) for a code, a domain or an SP-API marketplace id."""
    text = value.strip()
    if "." in text:
        return amazon_marketplace_by_domain(text).code
    if len(text) > 3:
        return amazon_marketplace_by_id(text).code
    return amazon_marketplace(text).code


def validate_frequency(value: str) -> Frequency:
    try:
        return Frequency(value.strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in Frequency)
        raise InvalidInput(f"frequency {value!r} is not one of {choices}", field="frequency") from None


def validate_depth(depth: int) -> int:
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput(f"depth is 1 to {MAX_DEPTH} search pages, not {depth}", field="depth")
    return depth


def validate_delays(min_seconds: int, max_seconds: int) -> tuple[int, int]:
    if not 0 <= min_seconds <= max_seconds <= MAX_DELAY_SECONDS:
        raise InvalidInput(
            f"the delay range must satisfy 0 <= min <= max <= {MAX_DELAY_SECONDS} seconds "
            f"(got {min_seconds}-{max_seconds})",
            field="delay_min_seconds",
        )
    return min_seconds, max_seconds


def validate_competitors(values: Iterable[str], *, own_asin: str) -> list[str]:
    """Valid, distinct competitor ASINs in the order given, without the job's own ASIN."""
    competitors: list[str] = []
    for value in values:
        asin = validate_asin(value, field="competitor_asins")
        if asin != own_asin and asin not in competitors:
            competitors.append(asin)
    if len(competitors) > MAX_COMPETITORS:
        raise InvalidInput(f"at most {MAX_COMPETITORS} competitor ASINs per job", field="competitor_asins")
    return competitors


def normalise_keyword(keyword: str) -> str:
    """Case and whitespace folded: ``"  Yoga  MAT"`` and ``"yoga mat"`` are one keyword.

    Amazon's search ignores case, so the folded form is also what is searched, which lets one
    fetched page serve every job that tracks the keyword in any spelling of its case.
    """
    return " ".join(keyword.casefold().split())


def validate_keyword(keyword: str) -> tuple[str, str]:
    """``(trimmed original, normalised)``, or :class:`InvalidInput` for an unusable keyword."""
    original = " ".join(keyword.split())
    if not original:
        raise InvalidInput("a keyword cannot be empty", field="keyword")
    if _CONTROL.search(keyword.strip()):
        raise InvalidInput("a keyword cannot contain control characters", field="keyword")
    if len(original) > MAX_KEYWORD_LENGTH:
        raise InvalidInput(
            f"a keyword has at most {MAX_KEYWORD_LENGTH} characters ({len(original)} given)", field="keyword"
        )
    return original, normalise_keyword(original)


@dataclass(frozen=True, slots=True)
class ParsedLine:
    line: int
    text: str


def keyword_lines(text: str, *, csv_format: bool = False) -> Iterator[ParsedLine]:
    """Candidate keywords of a pasted text (one per line) or CSV (first column), blank lines skipped.

    A CSV's header row (first cell ``keyword`` or ``keywords``) is skipped too.
    """
    if not csv_format:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield ParsedLine(number, line)
        return
    reader = csv.reader(io.StringIO(text))
    for number, row in enumerate(reader, start=1):
        cell = row[0] if row else ""
        if number == 1 and cell.strip().lower() in {"keyword", "keywords"}:
            continue
        if cell.strip():
            yield ParsedLine(number, cell)
