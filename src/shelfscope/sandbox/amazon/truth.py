"""Ground truth: exactly what a simulated search page shows, as data.

The tracker's end-to-end tests compare what it measured with this. It is computed from the
same :class:`~.layout.SearchPage` plan the HTML is drawn from, so "the page said X" and "the
truth says X" cannot drift apart. Ranks are per page (as ``parse_serp`` reports them) plus the
absolute ranks across pages that the tracker derives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from shelfscope.marketplaces import AmazonMarketplace, amazon_marketplace
from shelfscope.sandbox.amazon.catalogue import Listing, listing
from shelfscope.sandbox.amazon.formatting import result_count_text
from shelfscope.sandbox.amazon.i18n import ui_text
from shelfscope.sandbox.amazon.layout import (
    BannerRow,
    CardRow,
    CarouselRow,
    SearchPage,
    VideoRow,
    plan_search_page,
)

__all__ = [
    "SerpTruth",
    "TruthPlacement",
    "TruthResult",
    "card_listing",
    "planned_page",
    "serp_truth",
    "shows_brand_line",
]

_BRAND_LINE_MARKETPLACES = frozenset({"UK", "DE", "FR", "IT", "ES"})


def shows_brand_line(market: AmazonMarketplace) -> bool:
    """Whether cards carry the brand on a line of its own above the title (EU grids do; US does not)."""
    return market.code in _BRAND_LINE_MARKETPLACES


@dataclass(frozen=True, slots=True, kw_only=True)
class TruthResult:
    """One result card as served."""

    position: int
    asin: str
    sponsored: bool
    organic_rank: int | None
    sponsored_rank: int | None
    page: int
    absolute_organic_rank: int | None
    absolute_sponsored_rank: int | None
    title: str
    brand: str | None
    """As the card shows it (``None`` where cards show no brand line)."""
    price: Decimal | None
    currency: str | None
    rating: Decimal
    review_count: int
    badges: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "asin": self.asin,
            "sponsored": self.sponsored,
            "organic_rank": self.organic_rank,
            "sponsored_rank": self.sponsored_rank,
            "page": self.page,
            "absolute_organic_rank": self.absolute_organic_rank,
            "absolute_sponsored_rank": self.absolute_sponsored_rank,
            "title": self.title,
            "brand": self.brand,
            "price": None if self.price is None else str(self.price),
            "currency": self.currency,
            "rating": str(self.rating),
            "review_count": self.review_count,
            "badges": list(self.badges),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class TruthPlacement:
    kind: str
    """``sponsored_brand``, ``sponsored_video`` or ``carousel``, as ``parse_serp`` names them."""
    asins: tuple[str, ...]
    sponsored: bool

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "asins": list(self.asins), "sponsored": self.sponsored}


@dataclass(frozen=True, slots=True, kw_only=True)
class SerpTruth:
    """A search page's ground truth."""

    marketplace: str
    query: str
    keyword: str
    corrected_query: str | None
    page: int
    day: date
    total_results: int | None
    total_results_text: str | None
    has_next_page: bool
    last_page: int
    results: tuple[TruthResult, ...]
    placements: tuple[TruthPlacement, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "marketplace": self.marketplace,
            "query": self.query,
            "keyword": self.keyword,
            "corrected_query": self.corrected_query,
            "page": self.page,
            "date": self.day.isoformat(),
            "total_results": self.total_results,
            "total_results_text": self.total_results_text,
            "has_next_page": self.has_next_page,
            "last_page": self.last_page,
            "results": [result.to_json() for result in self.results],
            "placements": [placement.to_json() for placement in self.placements],
        }


@lru_cache(maxsize=512)
def _planned(
    seed: int, code: str, query: str, *, page: int, day: date, corrections: tuple[tuple[str, str], ...]
) -> SearchPage:
    return plan_search_page(seed, amazon_marketplace(code), query, page, day, corrections=dict(corrections))


def planned_page(
    seed: int, market: AmazonMarketplace, query: str, page: int, day: date, *, corrections: Mapping[str, str]
) -> SearchPage:
    """:func:`~.layout.plan_search_page`, cached."""
    key = tuple(sorted(corrections.items()))
    return _planned(seed, market.code, " ".join(query.split()), page=page, day=day, corrections=key)


def card_listing(seed: int, market: AmazonMarketplace, plan: SearchPage, asin: str) -> Listing:
    """The listing a card of ``plan`` shows (named after the searched keyword)."""
    return listing(seed, market, asin, plan.day, keyword=plan.keyword)


def _badges(item: Listing, market: AmazonMarketplace) -> tuple[str, ...]:
    return ("Limited time deal",) if item.list_price is not None and ui_text(market).lang == "en" else ()


def _placement(row: BannerRow | CarouselRow | VideoRow) -> TruthPlacement:
    if isinstance(row, BannerRow):
        return TruthPlacement(kind="sponsored_brand", asins=row.asins, sponsored=True)
    if isinstance(row, VideoRow):
        return TruthPlacement(kind="sponsored_video", asins=(row.asin,), sponsored=True)
    return TruthPlacement(kind="carousel", asins=row.asins, sponsored=row.sponsored)


def serp_truth(
    seed: int,
    market: AmazonMarketplace,
    query: str,
    page: int,
    day: date,
    *,
    corrections: Mapping[str, str] | None = None,
) -> SerpTruth:
    """The ground truth of search page ``page`` for ``query`` on ``market`` that ``day``."""
    corrections = corrections or {}
    plan = planned_page(seed, market, query, page, day, corrections=corrections)
    organic_before = sponsored_before = 0
    for earlier in range(1, min(page, plan.last_page + 1)):
        cards = planned_page(seed, market, query, earlier, day, corrections=corrections).cards
        organic_before += sum(1 for card in cards if not card.sponsored)
        sponsored_before += sum(1 for card in cards if card.sponsored)
    results = tuple(
        _result(seed, market, plan, card, organic_before=organic_before, sponsored_before=sponsored_before)
        for card in plan.cards
    )
    placements = tuple(
        _placement(row)
        for row in plan.rows
        if isinstance(row, BannerRow | CarouselRow | VideoRow) and row_asins(row)
    )
    count_text = None
    if not plan.empty:
        count_text = result_count_text(
            text=ui_text(market), first=plan.first, last=plan.last, total=plan.total_results, over=plan.over
        )
    return SerpTruth(
        marketplace=market.code,
        query=plan.query,
        keyword=plan.keyword,
        corrected_query=plan.corrected_query,
        page=page,
        day=day,
        total_results=None if plan.empty else plan.total_results,
        total_results_text=count_text,
        has_next_page=plan.has_next_page and not plan.empty,
        last_page=plan.last_page,
        results=results,
        placements=placements,
    )


def row_asins(row: BannerRow | CarouselRow | VideoRow) -> tuple[str, ...]:
    return (row.asin,) if isinstance(row, VideoRow) else row.asins


def _result(
    seed: int,
    market: AmazonMarketplace,
    plan: SearchPage,
    card: CardRow,
    *,
    organic_before: int,
    sponsored_before: int,
) -> TruthResult:
    item = card_listing(seed, market, plan, card.asin)
    return TruthResult(
        position=card.position,
        asin=card.asin,
        sponsored=card.sponsored,
        organic_rank=card.organic_rank,
        sponsored_rank=card.sponsored_rank,
        page=plan.page,
        absolute_organic_rank=None if card.organic_rank is None else organic_before + card.organic_rank,
        absolute_sponsored_rank=None
        if card.sponsored_rank is None
        else sponsored_before + card.sponsored_rank,
        title=item.title,
        brand=item.brand if shows_brand_line(market) else None,
        price=item.price,
        currency=None if item.price is None else item.currency,
        rating=item.rating,
        review_count=item.review_count,
        badges=_badges(item, market),
    )
