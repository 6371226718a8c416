"""Is this Amazon response a bot wall, a search page, or some other page? Rules as data.

Amazon answers a scraper with several kinds of pages instead of the one requested. Each needs
a different reaction (rotate the session, slow down, give up on the proxy), and none of them
may ever be recorded as "0 results". The rules are a table of stable markers, a pure function
of the body, so that any caller can use them: the SERP parser, the re-parse of archived pages,
the fetch engine. Adding a new wall shape is adding a row.

Markers are plain substrings of the HTML, chosen to be independent of attribute order and
quoting (the fixtures include pages re-serialised by BeautifulSoup). Matching is a handful of
``in`` tests, cheap enough to run on every response. Block rules only apply to small pages:
every wall seen so far is under 10 kB, while real search and product pages are hundreds of kB,
so a marker string that happens to occur inside a real page's scripts cannot turn it into a
block.

Kinds use the fetch engine's vocabulary (:mod:`shelfscope.fetch.blocks`, which keeps its own
status-aware rules), so that a block seen by the fetcher and one found when an archived page is
re-parsed are counted alike. These rules read the body alone, which is all an archived page has.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from shelfscope.ranks.serp.model import PageType

__all__ = [
    "AMAZON_BLOCK_RULES",
    "SEARCH_PAGE_MARKERS",
    "BlockRule",
    "classify_amazon_page",
    "detect_amazon_block",
]

BLOCK_PAGE_MAX_CHARS = 150_000
"""Pages larger than this are never classified as blocks (walls are small; real pages are not)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockRule:
    """A kind of wall and the markers that identify it.

    A rule matches when every ``all_of`` marker and at least one ``any_of`` marker (if any are
    given) occur in the page.
    """

    kind: str
    why: str
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()

    def matches(self, text: str | bytes) -> bool:
        if not all(_contains(text, marker) for marker in self.all_of):
            return False
        return not self.any_of or any(_contains(text, marker) for marker in self.any_of)


AMAZON_BLOCK_RULES: tuple[BlockRule, ...] = (
    BlockRule(
        kind="captcha",
        why="classic image CAPTCHA ('Enter the characters you see below'), served by opfcaptcha",
        all_of=("/errors/validateCaptcha",),
        any_of=("captchacharacters", "/captcha/", "Captcha_"),
    ),
    BlockRule(
        kind="continue_shopping",
        why="newer interstitial: the same validateCaptcha form with only a 'Continue shopping' button",
        all_of=("/errors/validateCaptcha",),
    ),
    BlockRule(
        kind="aws_waf_challenge",
        why="AWS WAF JavaScript challenge (gokuProps, challenge.js) in place of the page",
        any_of=("gokuProps", "AwsWafIntegration", "token.awswaf.com"),
    ),
    BlockRule(
        kind="akamai_bm_verify",
        why="bot-manager interstitial that meta-refreshes to /_sec/verify",
        any_of=("/_sec/verify", "bm-verify"),
    ),
    BlockRule(
        kind="dogs_503",
        why="the 503 'Sorry! Something went wrong!' page with the dogs of Amazon",
        any_of=("ref=cs_503", "/dogsofamazon", "/error/dogs/", "Sorry! Something went wrong"),
    ),
    BlockRule(
        kind="robot_check",
        why="any other page of the robot-check template (CAPTCHA host, automated-access notice)",
        any_of=(
            "opfcaptcha.amazon",
            "To discuss automated access to Amazon data please contact",
            "<title>Robot Check</title>",
        ),
    ),
)

SEARCH_PAGE_MARKERS: tuple[str, ...] = (
    "s-search-result",  # data-component-type of result cards, 2019-2026
    "s-main-slot",  # the result list container, 2019-2026
    "s-results-list-atf",  # the legacy result list (li#result_N), up to 2019
)
"""Any of these makes a page a search page. Product, Best Sellers and home pages have none."""


@cache
def _encoded(marker: str) -> bytes:
    return marker.encode()


def _contains(text: str | bytes, marker: str) -> bool:
    # Markers are ASCII or UTF-8; a body still in bytes is searched without decoding it.
    if isinstance(text, bytes):
        return _encoded(marker) in text
    return marker in text


def detect_amazon_block(html: str | bytes) -> str | None:
    """The kind of wall this response is (``captcha``, ``aws_waf_challenge`` …), or ``None``."""
    if len(html) > BLOCK_PAGE_MAX_CHARS:
        return None
    for rule in AMAZON_BLOCK_RULES:
        if rule.matches(html):
            return rule.kind
    return None


def classify_amazon_page(html: str | bytes) -> tuple[PageType, str | None]:
    """``("blocked", kind)``, ``("search", None)`` or ``("other", None)`` for a response body.

    Pure and cheap (substring tests, no parsing, no decoding): the fetch engine calls it on
    every Amazon response to decide whether to rotate the session, and the SERP parser calls
    it before looking for result cards.
    """
    kind = detect_amazon_block(html)
    if kind is not None:
        return "blocked", kind
    if any(_contains(html, marker) for marker in SEARCH_PAGE_MARKERS):
        return "search", None
    return "other", None
