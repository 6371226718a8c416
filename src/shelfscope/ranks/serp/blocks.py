"""Is this Amazon response a bot wall, a search page, or some other page? The fetch engine's rules.

Amazon answers a scraper with several kinds of pages instead of the one requested, and none of
them may ever be recorded as "0 results". The fetch engine (platform code) owns the one table
of Amazon and anti-bot-vendor rules (:mod:`shelfscope.fetch.blocks`); this module is the view of
that table a parser needs: the body alone, with no status and no request. An archived page
re-parsed later, a page handed to :func:`~shelfscope.ranks.parse_serp` directly and a response
the engine judged all get the same verdict, with the same kind names, so they are counted alike.

The page is judged as a search page was asked for: the engine's "wrong page" verdict (none of
the search markers) reads here as ``"other"``, since for a parser that is what it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from shelfscope.fetch.blocks.detector import BlockDetector
from shelfscope.fetch.blocks.rules import BlockRule, Page
from shelfscope.fetch.models import Request, Site
from shelfscope.ranks.serp.model import PageType

__all__ = ["AMAZON_BLOCK_RULES", "BlockRule", "classify_amazon_page", "detect_amazon_block"]

_WRONG_PAGE = "wrong_page"
#: Amazon rules read no clock; a page needs one, so a fixed one keeps the function pure.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

AMAZON_BLOCK_RULES: tuple[BlockRule, ...] = BlockDetector().rules_for(Site.AMAZON)
"""Vendor walls, then Amazon's own: exactly the rules the fetch engine applies to Amazon."""


@cache
def _search_request() -> Request:
    return Request(url="https://www.amazon.com/s", site=Site.AMAZON, expected_page="serp")


def _verdict(html: str | bytes) -> str | None:
    body = html.encode("utf-8", errors="surrogateescape") if isinstance(html, str) else html
    page = Page(request=_search_request(), status=None, headers=(), body=body, now=_EPOCH)
    return next((rule.kind for rule in AMAZON_BLOCK_RULES if rule.when(page)), None)


def detect_amazon_block(html: str | bytes) -> str | None:
    """The kind of wall this response is (``captcha``, ``aws_waf_challenge`` …), or ``None``."""
    kind = _verdict(html)
    return None if kind == _WRONG_PAGE else kind


def classify_amazon_page(html: str | bytes) -> tuple[PageType, str | None]:
    """``("blocked", kind)``, ``("search", None)`` or ``("other", None)`` for a response body.

    Pure and cheap (byte-substring tests, no HTML parsing): the SERP parser calls it before
    looking for result cards.
    """
    kind = _verdict(html)
    if kind is None:
        return "search", None
    if kind == _WRONG_PAGE:
        return "other", None
    return "blocked", kind
