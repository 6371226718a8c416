"""Keyword rank tracking: where a product ranks, organically and in ads, for a keyword.

Public surface for other packages: the SERP parser and its page model, and the Amazon page
classifier that the fetch engine shares.
"""

from __future__ import annotations

from shelfscope.ranks.serp import (
    Placement,
    SerpPage,
    SerpResult,
    classify_amazon_page,
    detect_amazon_block,
    parse_serp,
    require_search_page,
)

__all__ = [
    "Placement",
    "SerpPage",
    "SerpResult",
    "classify_amazon_page",
    "detect_amazon_block",
    "parse_serp",
    "require_search_page",
]
