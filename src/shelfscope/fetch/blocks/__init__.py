"""Block detection as data: rule tables per site, and the detector that applies them.

See :mod:`.rules` for the matcher vocabulary and :mod:`.amazon`, :mod:`.shopee`, :mod:`.tiktok`
and :mod:`.vendors` for the tables, each naming the real pages it was written against.
"""

from __future__ import annotations

from shelfscope.fetch.blocks.amazon import AMAZON_PAGE_MARKERS, AMAZON_RULES
from shelfscope.fetch.blocks.detector import DEFAULT_RULES, BlockDetector
from shelfscope.fetch.blocks.rules import BlockRule, Page
from shelfscope.fetch.blocks.shopee import SHOPEE_RULES
from shelfscope.fetch.blocks.tiktok import TIKTOK_RULES
from shelfscope.fetch.blocks.vendors import VENDOR_RULES

__all__ = [
    "AMAZON_PAGE_MARKERS",
    "AMAZON_RULES",
    "DEFAULT_RULES",
    "SHOPEE_RULES",
    "TIKTOK_RULES",
    "VENDOR_RULES",
    "BlockDetector",
    "BlockRule",
    "Page",
]
