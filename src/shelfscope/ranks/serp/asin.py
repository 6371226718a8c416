"""What a valid ASIN looks like.

Amazon product ids are 10 characters: ``B0`` followed by 8 letters or digits for everything
but books, and the ISBN-10 (with a valid check digit) for books. The parser refuses anything
else, because a malformed id in a card means the page was not what we think it is.
"""

from __future__ import annotations

import re

__all__ = ["is_valid_asin", "is_valid_isbn10"]

_B0_ASIN = re.compile(r"B0[A-Z0-9]{8}")
_ISBN10 = re.compile(r"\d{9}[\dX]")


def is_valid_isbn10(value: str) -> bool:
    """True for a 10-character ISBN whose weighted check sum is divisible by 11."""
    if not _ISBN10.fullmatch(value):
        return False
    digits = [10 if ch == "X" else int(ch) for ch in value]
    return sum(weight * digit for weight, digit in zip(range(10, 0, -1), digits, strict=True)) % 11 == 0


def is_valid_asin(value: str) -> bool:
    """True for ``B0`` + 8 alphanumerics (upper case) or a valid ISBN-10."""
    return bool(_B0_ASIN.fullmatch(value)) or is_valid_isbn10(value)
