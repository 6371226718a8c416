"""What one search page shows, row by row: the plan both the HTML and the ground truth come from.

A real 2025-26 results list interleaves result cards with rows that are not results: a
Sponsored Brands banner at the top, "Results"/"More results" headings, a sponsored carousel and
a video ad after the first row, ad groups at the top, in the middle and at the bottom, related
searches, pagination and display-ad shells. :func:`plan_search_page` lays those out for one
(marketplace, query, page, day), seeded by exactly those coordinates; the renderer draws the
plan and :mod:`.truth` reports it, so the two can never disagree.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.catalogue import PAGE_SIZE, keyword_pool, normalise_keyword, product_spec
from shelfscope.sandbox.amazon.demo import demo_keyword_asins
from shelfscope.sandbox.amazon.rankings import demo_has_ad, organic_order
from shelfscope.sandbox.amazon.spelling import spelling_correction

__all__ = [
    "BannerRow",
    "CardRow",
    "CarouselRow",
    "MessageRow",
    "Row",
    "SearchPage",
    "ShellRow",
    "VideoRow",
    "plan_search_page",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class CardRow:
    """A result card: the only row that takes a position."""

    asin: str
    sponsored: bool
    position: int
    organic_rank: int | None
    sponsored_rank: int | None
    amazon_brand_ad: bool = False
    """An ad for Amazon's own brands, labelled "Featured from Amazon brands" in English."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BannerRow:
    """The Sponsored Brands banner above the results (``loom-desktop-top-slot``)."""

    brand: str
    asins: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CarouselRow:
    """A ``FEATURED_ASINS_LIST`` carousel; sponsored ("Customers frequently viewed") or organic."""

    asins: tuple[str, ...]
    sponsored: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoRow:
    """A sponsored video ad (``VIDEO_SINGLE_PRODUCT``) for one product."""

    asin: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageRow:
    kind: Literal["results", "more_results", "spell", "no_results"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShellRow:
    """Rows without products: related searches, pagination, feedback, lazy ad shells."""

    kind: Literal["related", "pagination", "brand_footer", "feedback", "footer_ad"]


Row = CardRow | BannerRow | CarouselRow | VideoRow | MessageRow | ShellRow


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPage:
    """One planned search page."""

    marketplace: str
    query: str
    """What was typed (the search box shows it)."""
    keyword: str
    """What was searched: the corrected query when Amazon corrected it, else the query, normalised."""
    corrected_query: str | None
    page: int
    last_page: int
    day: date
    total_results: int
    over: bool
    first: int
    last: int
    rows: tuple[Row, ...]

    @property
    def cards(self) -> tuple[CardRow, ...]:
        return tuple(row for row in self.rows if isinstance(row, CardRow))

    @property
    def has_next_page(self) -> bool:
        return self.page < self.last_page

    @property
    def empty(self) -> bool:
        return not self.cards


class _Builder:
    """Numbers cards as they are appended: position, organic rank, sponsored rank."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.organic = 0
        self.sponsored = 0

    def card(self, asin: str, *, sponsored: bool, amazon_brand_ad: bool = False) -> None:
        if sponsored:
            self.sponsored += 1
        else:
            self.organic += 1
        self.rows.append(
            CardRow(
                asin=asin,
                sponsored=sponsored,
                position=self.organic + self.sponsored,
                organic_rank=None if sponsored else self.organic,
                sponsored_rank=self.sponsored if sponsored else None,
                amazon_brand_ad=amazon_brand_ad,
            )
        )

    def ads(self, asins: list[str], seed: int) -> None:
        for asin in asins:
            self.card(asin, sponsored=True, amazon_brand_ad=product_spec(seed, asin).amazon_brand)

    def organics(self, asins: tuple[str, ...]) -> None:
        for asin in asins:
            self.card(asin, sponsored=False)


def _ad_groups(generator: random.Random, organic_count: int) -> tuple[int, int, int, int]:
    """Sizes of the top, middle, second middle and bottom ad groups."""
    top, bottom = generator.randint(2, 4), generator.randint(2, 4)
    if organic_count < 16:
        return top, 0, 0, bottom
    return top, generator.randint(2, 4), generator.choice((0, 2, 4)), bottom


def _advertised(seed: int, pool: tuple[str, ...], generator: random.Random, count: int) -> list[str]:
    """``count`` distinct advertised products, mostly from the top of the shelf."""
    head = list(pool[: min(len(pool), 120)])
    return generator.sample(head, min(count, len(head)))


def plan_search_page(
    seed: int,
    market: AmazonMarketplace,
    query: str,
    page: int,
    day: date,
    *,
    corrections: Mapping[str, str] | None = None,
) -> SearchPage:
    """The rows of search page ``page`` for ``query`` on ``market`` that ``day``."""
    typed = " ".join(query.split())
    corrected = spelling_correction(typed, overrides=corrections)
    keyword = corrected or normalise_keyword(typed)
    pool = keyword_pool(seed, keyword)
    order = organic_order(seed, market.code, keyword, day)
    last_page = pool.last_page
    start = (page - 1) * PAGE_SIZE
    organic = order[start : start + PAGE_SIZE] if page <= last_page else ()
    generator = random.Random(f"{seed}|page|{market.code}|{keyword}|{day.isoformat()}|{page}")  # noqa: S311
    builder = _Builder()
    if not organic:
        builder.rows.append(MessageRow(kind="no_results"))
    else:
        _fill(builder, seed=seed, market=market, keyword=keyword, page=page, day=day, organic=organic,
              pool=pool.asins, generator=generator, corrected=corrected is not None)  # fmt: skip
    return SearchPage(
        marketplace=market.code,
        query=typed,
        keyword=keyword,
        corrected_query=corrected,
        page=page,
        last_page=last_page,
        day=day,
        total_results=pool.total_results,
        over=pool.over,
        first=start + 1,
        last=start + len(organic),
        rows=tuple(builder.rows),
    )


def _fill(
    builder: _Builder,
    *,
    seed: int,
    market: AmazonMarketplace,
    keyword: str,
    page: int,
    day: date,
    organic: tuple[str, ...],
    pool: tuple[str, ...],
    generator: random.Random,
    corrected: bool,
) -> None:
    top, middle, second, bottom = _ad_groups(generator, len(organic))
    ads = _advertised(seed, pool, generator, top + middle + second + bottom + 12)
    top_ads = ads[:top]
    if page == 1:
        for asin, _index in demo_keyword_asins(market.code, keyword):
            if demo_has_ad(seed, market.code, keyword, asin, day):
                top_ads[generator.randrange(len(top_ads))] = asin
    rows = builder.rows
    if page == 1 and generator.random() < 0.85:
        brand = product_spec(seed, ads[-1]).brand
        rows.append(
            BannerRow(brand=brand, asins=tuple(a for a in pool if product_spec(seed, a).brand == brand)[:3])
        )
    if page == 1 and corrected:
        rows.append(MessageRow(kind="spell"))
    rows.append(MessageRow(kind="results"))
    builder.ads(top_ads, seed)
    builder.organics(organic[:3])
    if page == 1 or generator.random() < 0.5:
        rows.append(CarouselRow(asins=tuple(ads[-12:-7]), sponsored=True))
    if generator.random() < 0.6:
        rows.append(VideoRow(asin=ads[-7]))
    rows.append(MessageRow(kind="more_results"))
    first_run = 3 + generator.randint(8, 14)
    second_run = first_run + generator.randint(4, 8)
    builder.organics(organic[3:first_run])
    builder.ads(ads[top : top + middle], seed)
    builder.organics(organic[first_run:second_run])
    builder.ads(ads[top + middle : top + middle + second], seed)
    builder.organics(organic[second_run:])
    builder.ads(ads[top + middle + second : top + middle + second + bottom], seed)
    if generator.random() < 0.5:
        rows.append(CarouselRow(asins=tuple(ads[-6:-1]), sponsored=False))
    rows.extend(
        ShellRow(kind=kind) for kind in ("related", "pagination", "brand_footer", "feedback", "footer_ad")
    )
