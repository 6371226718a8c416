"""What the simulated storefronts say, per UI language: labels, number words and date names.

Amazon localises by UI language, not by marketplace: the sponsored label is "Gesponsert" on
amazon.de and "Sponsored" on amazon.com, the result count reads "1-48 von mehr als 1.000
Ergebnissen für" or "1-48 of over 1,000 results for". Parsers must never rely on that text, so
the sandbox renders it faithfully to prove they don't. One module per language holds the strings;
:func:`ui_text` picks the language of a marketplace's default locale.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from shelfscope.marketplaces import AmazonMarketplace

__all__ = ["LANGUAGES", "UiText", "ui_text"]

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "sv", "pl", "tr", "pt", "ja")
"""Every UI language a marketplace in ``marketplaces.py`` defaults to."""

# Storefronts that say "basket" and write dates day-first ("Tue, 3 Jun").
_BRITISH_LOCALES = frozenset({"en_GB", "en_IE"})


@dataclass(frozen=True, slots=True, kw_only=True)
class UiText:
    """Every string a simulated page shows, for one language.

    Templates with ``{placeholders}`` are filled with :meth:`str.format`; numbers arrive already
    formatted for the language.
    """

    lang: str
    # Search page
    results: str
    more_results: str
    results_note: str
    showing_results_for: str
    search_instead_for: str
    sponsored: str
    sponsored_ad: str
    featured_brands: str
    previous: str
    next: str
    page_n: str
    go_to_page: str
    go_to_next: str
    stars: str
    ratings: str
    count_over: str
    count_exact: str
    count_suffix: str
    add_to_cart: str
    free_delivery: str
    fastest_delivery: str
    sort_by: str
    featured: str
    frequently_viewed: str
    top_rated: str
    related_searches: str
    need_help: str
    search_placeholder: str
    no_results: str
    no_results_hint: str
    price_product_page: str
    list_price: str
    # Product page
    bsr: str
    rank_in: str
    see_top: str
    in_stock: str
    only_left: str
    unavailable: str
    dispatch: str
    about_item: str
    ships_sold: str
    reviews: str
    product_information: str
    customer_reviews: str
    date_first: str
    visit_store: str
    buy_now: str
    # Block pages
    captcha_continue: str
    captcha_button: str
    captcha_enter: str
    captcha_sorry: str
    captcha_type: str
    captcha_try: str
    captcha_placeholder: str
    conditions: str
    privacy: str
    dogs_title: str
    dogs_text: str
    # Words
    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    date_pattern: str
    """``{weekday}``, ``{day}``, ``{month}``: "Wed, Feb 18" / "Mi., 18. Feb."."""
    categories: dict[str, str]
    title_features: tuple[str, ...]
    colours: tuple[str, ...]


def _load(language: str) -> dict[str, Any]:
    module = importlib.import_module(f"shelfscope.sandbox.amazon.i18n._{language}")
    strings: dict[str, Any] = module.STRINGS
    return strings


@cache
def _text(language: str, locale: str) -> UiText:
    strings = dict(_load(language))
    if language == "en" and locale in _BRITISH_LOCALES:
        strings |= _load("en").get("british", {})
    strings.pop("british", None)
    return UiText(lang=language, **strings)


def ui_text(market: AmazonMarketplace) -> UiText:
    """The strings of ``market``'s default UI language (English for unknown ones)."""
    language = market.language if market.language in LANGUAGES else "en"
    return _text(language, market.locale)
