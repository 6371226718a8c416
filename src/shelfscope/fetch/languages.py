"""``Accept-Language`` from a locale, written the way each browser family writes it.

The header must agree with the storefront's language (an Amazon.de visitor asking for English
first is unusual) and with the browser claimed: Chromium lowers q by 0.1 per entry
(``de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7``), Firefox spreads q evenly over its list with one
decimal, halves rounded up (``de-DE,de;q=0.8,en-US;q=0.5,en;q=0.3``), and Safari sends the system
languages only (``de-DE,de;q=0.9``). Chromium and Firefox users keep English as a fallback.
Locales come from :mod:`shelfscope.marketplaces` (``de_DE``) or the request (``de-DE``, ``de``).
"""

from __future__ import annotations

import math
from enum import StrEnum

from shelfscope.errors import InvalidInput

__all__ = ["Family", "accept_language"]


class Family(StrEnum):
    CHROME = "chrome"
    EDGE = "edge"
    FIREFOX = "firefox"
    SAFARI = "safari"


def _split_locale(locale: str) -> tuple[str, str | None]:
    parts = locale.replace("_", "-").split("-")
    language = parts[0].lower()
    if not language.isalpha() or not 2 <= len(language) <= 3:
        raise InvalidInput(f"not a locale: {locale!r}", field="locale")
    region = parts[1].upper() if len(parts) > 1 and parts[1] else None
    return language, region


def accept_language(locale: str, family: Family) -> str:
    """``Accept-Language`` for ``locale`` (``de-DE``, ``de_DE``, ``de``) as ``family`` writes it."""
    language, region = _split_locale(locale)
    tags = [f"{language}-{region}", language] if region else [language]
    if language != "en" and family is not Family.SAFARI:
        tags += ["en-US", "en"]
    if family is Family.FIREFOX:
        weights = [1 - index / len(tags) for index in range(len(tags))]
    else:
        weights = [1 - index / 10 for index in range(len(tags))]
    # One decimal, halves rounded up, as Firefox does (0.25 → 0.3).
    rounded = [math.floor(weight * 10 + 0.5) / 10 for weight in weights]
    return ",".join(
        tag if index == 0 else f"{tag};q={weight:.1f}"
        for index, (tag, weight) in enumerate(zip(tags, rounded, strict=True))
    )
