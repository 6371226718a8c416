"""``parse_serp``: one Amazon response in, a validated :class:`SerpPage` out. Pure, no I/O.

The steps are: classify the response (wall, search page, other page) with the shared block
rules; find the result cards of whichever layout era the page is; number them (position,
organic rank, sponsored rank); read and validate each card's fields; read the header and the
placements. Anything that would produce a bad row raises :class:`ParseError` instead: a search
page without cards, an ASIN that is not one, an implausible price or rating. A failed parse is
recorded as failed, never as "not ranked".
"""

from __future__ import annotations

import re
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from shelfscope.errors import Blocked, ParseError
from shelfscope.marketplaces import AmazonMarketplace, amazon_marketplace
from shelfscope.ranks.serp.asin import is_valid_asin
from shelfscope.ranks.serp.blocks import classify_amazon_page
from shelfscope.ranks.serp.cards import card_asin, find_cards, read_card
from shelfscope.ranks.serp.header import read_header
from shelfscope.ranks.serp.model import Layout, SerpPage, SerpResult
from shelfscope.ranks.serp.numbers import parse_count, parse_price, parse_rating
from shelfscope.ranks.serp.placements import read_placements, result_list_rows
from shelfscope.ranks.serp.sponsored import sponsored_signals

__all__ = ["decode_html", "parse_serp", "require_search_page"]

MAX_PLAUSIBLE_PRICE = Decimal(100_000_000)
"""Above any real listing in any Amazon currency (JPY and INR included)."""
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""")


def decode_html(html: str | bytes) -> str | bytes:
    """The body in a form Lexbor reads correctly.

    UTF-8 bytes (what Amazon serves, and what pages without a declaration are taken to be)
    go to Lexbor as they are, which saves decoding megabytes into a str first; bodies that
    declare another charset are decoded with it.
    """
    if isinstance(html, str):
        return html
    declared = _CHARSET.search(html[:4096])
    if declared is None:
        return html
    charset = declared.group(1).decode("ascii").lower()
    if charset.replace("-", "").replace("_", "") == "utf8":
        return html
    try:
        return html.decode(charset, errors="replace")
    except LookupError:
        return html


def parse_serp(html: str | bytes, *, marketplace: str) -> SerpPage:
    """Parse one Amazon search response fetched from ``marketplace`` (a code such as ``DE``).

    Blocked and wrong-type pages come back as ``page_type`` ``"blocked"``/``"other"`` with no
    results; a search page always has at least one result or raises :class:`ParseError`.
    The marketplace is taken from the caller (the request URL), never from the page: CAPTCHA
    pages report the US marketplace id whatever store served them.
    """
    market = amazon_marketplace(marketplace)
    page_type, block_kind = classify_amazon_page(html)
    if page_type != "search":
        return SerpPage(
            page_type=page_type,
            block_kind=block_kind,
            marketplace=market.code,
            query=None,
            corrected_query=None,
            total_results=None,
            total_results_text=None,
            page=None,
            has_next_page=False,
            layout="none",
        )
    tree = LexborHTMLParser(decode_html(html))
    layout, cards = find_cards(tree)
    results = _results(cards, layout=layout, market=market)
    if not results:
        raise ParseError(f"search page from {market.domain} has no result cards (layout changed?)")
    rows = result_list_rows(tree)
    header = read_header(tree, rows=rows)
    return SerpPage(
        page_type="search",
        block_kind=None,
        marketplace=market.code,
        query=header.query,
        corrected_query=header.corrected_query,
        total_results=header.total_results,
        total_results_text=header.total_results_text,
        page=header.page,
        has_next_page=header.has_next_page,
        layout=layout,
        results=results,
        placements=read_placements(tree, rows=rows, legacy=layout == "legacy"),
    )


def require_search_page(page: SerpPage) -> SerpPage:
    """``page`` if it is a search page; otherwise the error a rank check must record.

    A wall raises :class:`~shelfscope.errors.Blocked` (retry with a fresh session), a page of
    the wrong type raises :class:`ParseError`. Neither may become "not ranked".
    """
    if page.page_type == "blocked":
        raise Blocked(
            f"Amazon {page.marketplace} answered with a {page.block_kind} page",
            kind=page.block_kind or "unknown",
        )
    if page.page_type != "search":
        raise ParseError(f"Amazon {page.marketplace} answered with a page that is not a search page")
    return page


def _results(cards: list[LexborNode], *, layout: Layout, market: AmazonMarketplace) -> tuple[SerpResult, ...]:
    results: list[SerpResult] = []
    organic = sponsored = 0
    for card in cards:
        asin = card_asin(card, layout)
        if not asin:
            continue  # empty placeholder cards are not results
        position = len(results) + 1
        if not is_valid_asin(asin):
            raise ParseError(f"card at position {position} has an invalid ASIN {asin!r}")
        signals = sponsored_signals(card)
        if signals:
            sponsored += 1
        else:
            organic += 1
        results.append(
            _result(
                card,
                position=position,
                asin=asin,
                signals=signals,
                organic_rank=None if signals else organic,
                sponsored_rank=sponsored if signals else None,
                market=market,
            )
        )
    return tuple(results)


def _result(
    card: LexborNode,
    *,
    position: int,
    asin: str,
    signals: frozenset[str],
    organic_rank: int | None,
    sponsored_rank: int | None,
    market: AmazonMarketplace,
) -> SerpResult:
    fields = read_card(card)
    where = f"card {position} ({asin})"
    price, currency = _price(fields.price_text, market=market, where=where)
    return SerpResult(
        position=position,
        asin=asin,
        sponsored=bool(signals),
        organic_rank=organic_rank,
        sponsored_rank=sponsored_rank,
        title=fields.title,
        brand=fields.brand,
        price=price,
        currency=currency,
        rating=_rating(fields.rating_text, where=where),
        review_count=_review_count(fields.review_count_texts),
        badges=fields.badges,
        sponsored_signals=signals,
    )


def _price(text: str | None, *, market: AmazonMarketplace, where: str) -> tuple[Decimal | None, str | None]:
    if text is None:
        return None, None
    try:
        parsed = parse_price(text, default_currency=market.currency)
    except ValueError as exc:
        raise ParseError(f"{where}: unreadable price {text!r}") from exc
    if parsed is None:
        return None, None
    amount, currency = parsed
    if amount == 0:
        # "$0.00" is what free-with-subscription offers show (Kindle Unlimited, Prime Video):
        # there is no purchase price on the card, and a price of 0 is never recorded.
        return None, None
    exponent = amount.as_tuple().exponent
    if amount >= MAX_PLAUSIBLE_PRICE or not isinstance(exponent, int) or exponent < -2:
        raise ParseError(f"{where}: implausible price {text!r}")
    return amount, currency


def _rating(text: str | None, *, where: str) -> Decimal | None:
    if text is None:
        return None
    rating = parse_rating(text)
    if rating is not None and not Decimal(0) <= rating <= Decimal(5):
        raise ParseError(f"{where}: implausible rating {text!r}")
    return rating


def _review_count(texts: tuple[str, ...]) -> int | None:
    for text in texts:
        count = parse_count(text)
        if count is not None:
            return count
    return None
