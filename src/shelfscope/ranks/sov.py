"""Share of voice per keyword and brand, from the search results each run kept.

Every run stores the result grid of its first pages (:class:`~.models.SerpSnapshot`). Over a
window of days and a scope (page 1, or pages 1 to 3), each brand's share of the cards is:

* **basic**: its cards / all cards;
* **position-weighted**: the same with each card weighing ``1 / n``, ``n`` its order among the
  counted cards (page by page, top to bottom), so the first result counts ten times the tenth.
  Buyers click the top of the page; a brand that owns it has more voice than its card count.

Each share exists for **organic** cards, **sponsored** cards and both (**combined**); organic
order is the organic rank, sponsored order the ad rank, combined order the card's place among
all cards. The cards of every run in the window are pooled: a share is of every card those
runs saw. Shares are None when there was nothing to share (no ads on the page: no sponsored
share). Brand and video placements carry no brand on the page and are not counted. Cards
without a brand count as brand None.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.errors import InvalidInput
from shelfscope.ranks.competitors import CompetitorRank, side_by_side
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import SerpSnapshot
from shelfscope.ranks.windows import Sliced, keyword_slice, validate_days, window_since

__all__ = [
    "BrandShare",
    "Card",
    "KeywordShare",
    "Share",
    "SovScope",
    "SovTally",
    "share_of_voice",
    "snapshot_cards",
]

_BATCH = 200
DEFAULT_TOP_BRANDS = 10


class SovScope(enum.StrEnum):
    PAGE1 = "page1"
    PAGES_1_3 = "pages1-3"

    @property
    def last_page(self) -> int:
        return 1 if self is SovScope.PAGE1 else 3


@dataclass(frozen=True, slots=True)
class Card:
    """One result of a stored snapshot."""

    asin: str
    brand: str | None
    sponsored: bool
    rank: int
    page: int
    position: int


@dataclass(frozen=True, slots=True)
class Share:
    basic: float | None
    weighted: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BrandShare:
    brand: str | None
    tracked: bool
    """The brand of the job's own ASIN."""
    organic_cards: int
    sponsored_cards: int
    organic: Share
    sponsored: Share
    combined: Share


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordShare:
    keyword_id: int
    keyword: str
    scope: SovScope
    days: int
    snapshots: int
    """Runs in the window that kept results for this keyword."""
    pages_seen: int
    """The deepest page within the scope that the snapshots held (a depth-1 job has only page 1)."""
    organic_cards: int
    sponsored_cards: int
    brand_count: int
    tracked_brand: str | None
    brands: list[BrandShare]
    """The top brands by combined weighted share, plus the tracked brand wherever it stands."""
    competitors: list[CompetitorRank]


def snapshot_cards(results: dict[str, Any], *, last_page: int) -> list[Card]:
    """The cards of a snapshot payload up to ``last_page``, in page and position order."""
    cards = [
        Card(
            str(asin),
            (str(brand).strip() or None) if brand else None,
            bool(ad),
            int(rank),
            int(page),
            int(pos),
        )
        for asin, brand, ad, rank, page, pos in results.get("results", [])
        if int(page) <= last_page
    ]
    return sorted(cards, key=lambda card: (card.page, card.position))


@dataclass(slots=True)
class _Pool:
    """Cards counted and their summed position weights."""

    cards: int = 0
    weight: float = 0.0

    def count(self, order: int) -> None:
        self.cards += 1
        self.weight += 1 / order

    def share_of(self, whole: _Pool) -> Share:
        if not whole.cards:
            return Share(None, None)
        return Share(round(self.cards / whole.cards, 4), round(self.weight / whole.weight, 4))


@dataclass(slots=True)
class _Totals:
    organic: _Pool = field(default_factory=_Pool)
    sponsored: _Pool = field(default_factory=_Pool)
    combined: _Pool = field(default_factory=_Pool)


@dataclass(slots=True)
class SovTally:
    """Cards and weights per brand, pooled over the snapshots of one keyword."""

    snapshots: int = 0
    pages_seen: int = 0
    names: dict[str | None, str | None] = field(default_factory=dict)
    brands: dict[str | None, _Totals] = field(default_factory=dict)
    all_cards: _Totals = field(default_factory=_Totals)
    asin_brands: dict[str, str] = field(default_factory=dict)

    def add(self, cards: Sequence[Card]) -> None:
        self.snapshots += 1
        self.pages_seen = max([self.pages_seen, *(card.page for card in cards)])
        organic = sponsored = 0
        for order, card in enumerate(cards, start=1):
            key = card.brand.casefold() if card.brand else None
            self.names.setdefault(key, card.brand)
            if card.brand:
                self.asin_brands[card.asin] = card.brand
            if card.sponsored:
                sponsored += 1
            else:
                organic += 1
            for totals in (self.brands.setdefault(key, _Totals()), self.all_cards):
                pool = totals.sponsored if card.sponsored else totals.organic
                pool.count(sponsored if card.sponsored else organic)
                totals.combined.count(order)

    def shares(self, *, tracked_brand: str | None, top: int) -> list[BrandShare]:
        tracked_key = tracked_brand.casefold() if tracked_brand else None
        rows = [
            self._share(key, tracked=key == tracked_key and tracked_brand is not None) for key in self.brands
        ]
        rows.sort(key=lambda r: (-(r.combined.weighted or 0), -(r.combined.basic or 0), r.brand or ""))
        chosen = rows[:top]
        chosen += [row for row in rows[top:] if row.tracked]
        return chosen

    def _share(self, key: str | None, *, tracked: bool) -> BrandShare:
        mine = self.brands[key]
        return BrandShare(
            brand=self.names[key],
            tracked=tracked,
            organic_cards=mine.organic.cards,
            sponsored_cards=mine.sponsored.cards,
            organic=mine.organic.share_of(self.all_cards.organic),
            sponsored=mine.sponsored.share_of(self.all_cards.sponsored),
            combined=mine.combined.share_of(self.all_cards.combined),
        )


def share_of_voice(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    scope: SovScope,
    days: int,
    now: datetime,
    top_brands: int = DEFAULT_TOP_BRANDS,
    offset: int = 0,
    limit: int | None = None,
) -> Sliced[KeywordShare]:
    """Share of voice per keyword of the job (keywords in the order added), with competitors."""
    validate_days(days)
    if top_brands < 1:
        raise InvalidInput("brands is 1 or more", field="brands")
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    keywords, total = keyword_slice(
        session, workspace_id=workspace_id, job_id=job_id, offset=offset, limit=limit
    )
    since = window_since(now, days)
    tallies = {keyword.id: SovTally() for keyword in keywords}
    for keyword_id, results in _snapshots(
        session, workspace_id=workspace_id, job_id=job.id, keyword_ids=list(tallies), since=since, until=now
    ):
        tallies[keyword_id].add(snapshot_cards(results, last_page=scope.last_page))
    brands: dict[str, str] = {}
    for tally in tallies.values():
        brands.update(tally.asin_brands)
    ranks = side_by_side(session, job=job, keyword_ids=list(tallies), since=since, until=now, brands=brands)
    items = []
    for keyword in keywords:
        tally = tallies[keyword.id]
        tracked_brand = tally.asin_brands.get(job.asin)
        items.append(
            KeywordShare(
                keyword_id=keyword.id,
                keyword=keyword.keyword,
                scope=scope,
                days=days,
                snapshots=tally.snapshots,
                pages_seen=tally.pages_seen,
                organic_cards=tally.all_cards.organic.cards,
                sponsored_cards=tally.all_cards.sponsored.cards,
                brand_count=len(tally.brands),
                tracked_brand=tracked_brand,
                brands=tally.shares(tracked_brand=tracked_brand, top=top_brands),
                competitors=ranks[keyword.id],
            )
        )
    return Sliced(items=items, total=total)


def _snapshots(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    keyword_ids: Iterable[int],
    since: datetime,
    until: datetime,
) -> Iterable[tuple[int, dict[str, Any]]]:
    query = (
        select(SerpSnapshot.keyword_id, SerpSnapshot.results)
        .where(
            SerpSnapshot.workspace_id == workspace_id,
            SerpSnapshot.job_id == job_id,
            SerpSnapshot.keyword_id.in_(list(keyword_ids)),
            SerpSnapshot.observed_at >= since,
            SerpSnapshot.observed_at <= until,
        )
        .order_by(SerpSnapshot.observed_at, SerpSnapshot.id)
        .execution_options(yield_per=_BATCH)
    )
    for keyword_id, results in session.execute(query):
        yield int(keyword_id), results
