"""Marketplaces as seller reports name them: by country code, by site name or by SP-API id.

Report rows say where they happened in their own words: the inventory ledger writes ``US``, the
settlement file ``Amazon.com``, the all-orders file ``Amazon.co.uk``. These lookups answer
``None`` for words that name no Amazon marketplace (``Non-Amazon`` multi-channel orders,
sandbox placeholders) instead of raising, because a report row is data, not user input.
The table itself is the platform registry, :mod:`shelfscope.marketplaces`.
"""

from __future__ import annotations

from collections.abc import Callable

from shelfscope.errors import InvalidInput
from shelfscope.marketplaces import (
    AmazonMarketplace,
    amazon_marketplace,
    amazon_marketplace_by_domain,
    amazon_marketplace_by_id,
)

__all__ = ["by_country", "by_id", "by_site", "is_japan"]


def _lookup(find: Callable[[str], AmazonMarketplace], value: str | None) -> AmazonMarketplace | None:
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    try:
        return find(cleaned)
    except InvalidInput:
        return None


def by_country(code: str | None) -> AmazonMarketplace | None:
    """The marketplace of a two-letter country code (``US``, ``GB`` or ``UK``), if Amazon has one."""
    return _lookup(amazon_marketplace, code)


def by_site(name: str | None) -> AmazonMarketplace | None:
    """The marketplace of a site name as reports write it (``Amazon.com``, ``www.amazon.co.jp``)."""
    return _lookup(amazon_marketplace_by_domain, name)


def by_id(marketplace_id: str | None) -> AmazonMarketplace | None:
    """The marketplace of an SP-API id; ``None`` for ids the registry does not know."""
    return _lookup(amazon_marketplace_by_id, marketplace_id)


def is_japan(marketplace_id: str | None) -> bool:
    """Japanese documents fall back to cp932 (Shift_JIS) rather than cp1252."""
    found = by_id(marketplace_id)
    return found is not None and found.code == "JP"
