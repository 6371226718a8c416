"""From parsed search pages to ranks: absolute organic and sponsored ranks, page and position.

Pure functions over :class:`~shelfscope.ranks.serp.SerpPage` values. The parser numbers cards per
page; a tracker reports ranks across pages ("organic #50" is page 2 on a 48-card grid). Organic
rank counts organic cards only (ads excluded, as sellers and tools define it); sponsored rank
counts ad cards only. ``page``/``position`` locate the organic hit ("page 2, position 5": the
card's order on the page, ads included), or the sponsored hit when there is no organic one. The
same ASIN may be an ad and an organic result on one page: both hits are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shelfscope.ranks.serp import SerpPage

__all__ = ["AsinRank", "RankedPages", "rank_pages"]

SNAPSHOT_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class AsinRank:
    """Where one ASIN stood on the pages read; ``found`` is False when it was on none of them."""

    asin: str
    organic_rank: int | None = None
    organic_page: int | None = None
    organic_position: int | None = None
    sponsored_rank: int | None = None
    sponsored_page: int | None = None
    sponsored_position: int | None = None

    @property
    def found(self) -> bool:
        return self.organic_rank is not None or self.sponsored_rank is not None

    @property
    def page(self) -> int | None:
        """The page of the organic hit, else of the sponsored one."""
        return self.organic_page if self.organic_rank is not None else self.sponsored_page

    @property
    def position(self) -> int | None:
        """The card's order on :attr:`page` (ads included), for the same hit as :attr:`page`."""
        return self.organic_position if self.organic_rank is not None else self.sponsored_position


@dataclass(frozen=True, slots=True)
class _Card:
    asin: str
    brand: str | None
    sponsored: bool
    rank: int
    page: int
    position: int


@dataclass(frozen=True, slots=True)
class RankedPages:
    """Search pages 1..n of one keyword, numbered across pages."""

    pages: tuple[SerpPage, ...]
    cards: tuple[_Card, ...]

    @property
    def total_results(self) -> int | None:
        return self.pages[0].total_results if self.pages else None

    @property
    def corrected_query(self) -> str | None:
        return self.pages[0].corrected_query if self.pages else None

    def rank_of(self, asin: str) -> AsinRank:
        """The first organic and the first sponsored appearance of ``asin``."""
        organic = next((c for c in self.cards if c.asin == asin and not c.sponsored), None)
        sponsored = next((c for c in self.cards if c.asin == asin and c.sponsored), None)
        return AsinRank(
            asin=asin,
            organic_rank=organic.rank if organic else None,
            organic_page=organic.page if organic else None,
            organic_position=organic.position if organic else None,
            sponsored_rank=sponsored.rank if sponsored else None,
            sponsored_page=sponsored.page if sponsored else None,
            sponsored_position=sponsored.position if sponsored else None,
        )

    def snapshot(self, *, max_pages: int) -> dict[str, Any]:
        """The compact per-run record of the first ``max_pages`` pages (see ``SerpSnapshot``)."""
        results = [
            [c.asin, c.brand, c.sponsored, c.rank, c.page, c.position]
            for c in self.cards
            if c.page <= max_pages
        ]
        placements = [
            [placement.kind, number, list(placement.asins)]
            for number, page in enumerate(self.pages[:max_pages], start=1)
            for placement in page.placements
        ]
        return {"v": SNAPSHOT_VERSION, "results": results, "placements": placements}


def rank_pages(pages: Sequence[SerpPage]) -> RankedPages:
    """Number the cards of consecutive search pages (page 1 first) across pages."""
    cards: list[_Card] = []
    organic = sponsored = 0
    for number, page in enumerate(pages, start=1):
        for result in page.results:
            if result.sponsored:
                sponsored += 1
                rank = sponsored
            else:
                organic += 1
                rank = organic
            cards.append(
                _Card(
                    asin=result.asin,
                    brand=result.brand,
                    sponsored=result.sponsored,
                    rank=rank,
                    page=number,
                    position=result.position,
                )
            )
    return RankedPages(pages=tuple(pages), cards=tuple(cards))
