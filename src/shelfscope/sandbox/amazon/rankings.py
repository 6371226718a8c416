"""Organic rankings per (marketplace, keyword, day), drifting day to day.

Each product of a keyword's shelf has a score: its relevance (its place in the shelf), a fixed
offset per marketplace (so amazon.de and amazon.co.uk rank the same shelf differently), and a
seeded random walk per (marketplace, keyword) whose daily steps are drawn from (marketplace,
keyword, date). Sorting by score gives the day's organic order. A product's score moves by at
most ``WALK_SCALE * 2 * STEP_CLAMP`` a day, which bounds how far it can jump.

The demo products are placed on top of that, at a rank that follows their own walk around a
centre per keyword, so they visibly climb and fall, and cross the page-1 boundary.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from shelfscope.sandbox.amazon.catalogue import MAX_PAGES, PAGE_SIZE, keyword_pool, normalise_keyword
from shelfscope.sandbox.amazon.demo import demo_keyword_asins
from shelfscope.sandbox.amazon.randomness import STEP_CLAMP, unit, walk, walks

__all__ = [
    "DEMO_AD_SHARE",
    "DEMO_CENTRES",
    "MARKET_SPREAD",
    "MAX_DAILY_SCORE_CHANGE",
    "WALK_SCALE",
    "demo_has_ad",
    "demo_rank",
    "organic_order",
]

WALK_SCALE = 1.1
"""Score units per unit of walk: a product wanders about ±6 places around its usual rank."""
MARKET_SPREAD = 20.0
"""How far one marketplace's fixed preference can move a product from its shelf place."""
DEMO_CENTRES: tuple[int, ...] = (5, 44, 16, 60, 30, 50, 9, 75, 38, 24)
"""Usual organic rank of a demo product, by (product, keyword) index: top ten, page-1 edge, page 2."""
MAX_DAILY_SCORE_CHANGE = WALK_SCALE * 2 * STEP_CLAMP
"""The most a non-demo product's score can change from one day to the next."""
DEMO_SCALE = 1.3
DEMO_AD_SHARE = 0.7
"""Share of days on which a demo product holds a top-of-search ad for its keyword."""


def demo_rank(seed: int, *, marketplace: str, keyword: str, asin: str, index: int, day: date) -> int:
    """The organic rank (1-based) a demo product is placed at on ``day``, before any capping."""
    centre = DEMO_CENTRES[index % len(DEMO_CENTRES)]
    drift = DEMO_SCALE * walk(f"{seed}|demo|{marketplace}|{keyword}|{asin}", day)
    return max(1, round(centre + drift))


def demo_has_ad(seed: int, marketplace: str, keyword: str, asin: str, day: date) -> bool:
    """Whether the demo product holds a top-of-search ad on page 1 that day."""
    return unit(seed, "demo-ad", marketplace, keyword, asin, day.isoformat()) < DEMO_AD_SHARE


@lru_cache(maxsize=512)
def organic_order(seed: int, marketplace: str, keyword: str, day: date) -> tuple[str, ...]:
    """Every organic result of ``keyword`` on ``marketplace`` that day, best first (at most 7 pages)."""
    keyword = normalise_keyword(keyword)
    pool = keyword_pool(seed, keyword)
    noise = walks(f"{seed}|rank|{marketplace}|{keyword}", day, len(pool.asins))
    scored = sorted(
        range(len(pool.asins)),
        key=lambda i: (
            i + MARKET_SPREAD * unit(seed, "market-rank", marketplace, pool.asins[i]) + WALK_SCALE * noise[i]
        ),
    )
    order = [pool.asins[i] for i in scored]
    demos = sorted(
        (demo_rank(seed, marketplace=marketplace, keyword=keyword, asin=asin, index=index, day=day), asin)
        for asin, index in demo_keyword_asins(marketplace, keyword)
    )
    for rank, asin in demos:
        order.insert(min(rank, len(order) + 1) - 1, asin)
    return tuple(order[: PAGE_SIZE * MAX_PAGES])
