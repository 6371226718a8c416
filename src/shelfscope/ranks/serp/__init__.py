"""The Amazon search-result-page parser and the shared Amazon page classifier.

``parse_serp(html, marketplace=...)`` turns one response into a :class:`SerpPage`;
``classify_amazon_page(html)`` is the cheap wall/search/other test, a body-only view of the
fetch engine's Amazon block rules.
"""

from __future__ import annotations

from shelfscope.ranks.serp.asin import is_valid_asin
from shelfscope.ranks.serp.blocks import (
    AMAZON_BLOCK_RULES,
    BlockRule,
    classify_amazon_page,
    detect_amazon_block,
)
from shelfscope.ranks.serp.model import PageType, Placement, PlacementKind, SerpPage, SerpResult
from shelfscope.ranks.serp.parser import parse_serp, require_search_page

__all__ = [
    "AMAZON_BLOCK_RULES",
    "BlockRule",
    "PageType",
    "Placement",
    "PlacementKind",
    "SerpPage",
    "SerpResult",
    "classify_amazon_page",
    "detect_amazon_block",
    "is_valid_asin",
    "parse_serp",
    "require_search_page",
]
