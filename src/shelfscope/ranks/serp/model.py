"""What a parsed Amazon search page is: its type, its result cards in page order, and its ad placements.

The objects are frozen so that a parsed page can be shared, cached and compared safely. Money
and ratings are :class:`~decimal.Decimal`; :meth:`SerpPage.to_json` renders them as strings
(``"12.99"``) so that no value passes through a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

__all__ = ["Layout", "PageType", "Placement", "PlacementKind", "SerpPage", "SerpResult"]

PageType = Literal["search", "blocked", "other"]
PlacementKind = Literal["sponsored_brand", "sponsored_video", "carousel"]
Layout = Literal["legacy", "search-result", "fragment", "none"]
"""Markup era the cards were read from: ``li#result_N`` (≤2019), ``s-search-result`` cards
(2020-2026), loose card fragments without their container, or no cards (blocked/other)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SerpResult:
    """One result card, in the order Amazon rendered it."""

    position: int
    """1-based order among the result cards on this page, sponsored cards included."""
    asin: str
    sponsored: bool
    organic_rank: int | None
    """1-based order among the organic cards of this page; ``None`` for sponsored cards."""
    sponsored_rank: int | None
    """1-based order among the sponsored cards of this page; ``None`` for organic cards."""
    title: str | None
    brand: str | None
    """Only when the card shows it (grid "brand" line, legacy "von …" line); never guessed."""
    price: Decimal | None
    """The buy-box price shown on the card; list/strike prices and unit prices are ignored."""
    currency: str | None
    rating: Decimal | None
    """Average star rating, 0 to 5."""
    review_count: int | None
    badges: tuple[str, ...] = ()
    sponsored_signals: frozenset[str] = field(default_factory=frozenset)
    """Which structural ad markers were found (see :mod:`.sponsored`); empty for organic cards."""

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "asin": self.asin,
            "sponsored": self.sponsored,
            "organic_rank": self.organic_rank,
            "sponsored_rank": self.sponsored_rank,
            "title": self.title,
            "brand": self.brand,
            "price": _decimal_text(self.price),
            "currency": self.currency,
            "rating": _decimal_text(self.rating),
            "review_count": self.review_count,
            "badges": list(self.badges),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Placement:
    """A block on the page that is not a result card: an SB banner, a video ad or a carousel.

    Placements never take a position; they are reported so that ad density and "lost my video
    ad" can be measured.
    """

    kind: PlacementKind
    asins: tuple[str, ...]
    sponsored: bool
    """Whether the block is an ad (SB banners and video ads always are; carousels sometimes)."""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "asins": list(self.asins)}


@dataclass(frozen=True, slots=True, kw_only=True)
class SerpPage:
    """A parsed page. ``results`` is empty unless ``page_type`` is ``"search"``."""

    page_type: PageType
    block_kind: str | None
    marketplace: str
    query: str | None
    """What was searched, as the search box shows it."""
    corrected_query: str | None
    """The query Amazon actually ran when it auto-corrected the spelling ("Showing results for …")."""
    total_results: int | None
    """The "of over 30,000" / "von 139" count; a lower bound when Amazon says "over"."""
    total_results_text: str | None
    page: int | None
    has_next_page: bool
    layout: Layout
    results: tuple[SerpResult, ...] = ()
    placements: tuple[Placement, ...] = ()

    @property
    def organic(self) -> tuple[SerpResult, ...]:
        return tuple(r for r in self.results if not r.sponsored)

    @property
    def sponsored(self) -> tuple[SerpResult, ...]:
        return tuple(r for r in self.results if r.sponsored)

    def to_json(self) -> dict[str, Any]:
        """The CLI/API shape: Decimals as strings, no float anywhere."""
        return {
            "page_type": self.page_type,
            "block_kind": self.block_kind,
            "marketplace": self.marketplace,
            "query": self.query,
            "corrected_query": self.corrected_query,
            "total_results": self.total_results,
            "results": [r.to_json() for r in self.results],
            "placements": [p.to_json() for p in self.placements],
        }


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
