"""The simulated Amazon catalogue: valid products, per-marketplace listings, rankings that drift in bounds."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from shelfscope.marketplaces import AMAZON_MARKETPLACES, amazon_marketplace
from shelfscope.sandbox.amazon import (
    DEMO_ASINS,
    DEMO_KEYWORDS,
    DEMO_MARKETPLACES,
    PAGE_SIZE,
    keyword_pool,
    listing,
)
from shelfscope.sandbox.amazon.catalogue import FX_RATES, MAX_PAGES
from shelfscope.sandbox.amazon.rankings import MAX_DAILY_SCORE_CHANGE, demo_has_ad, organic_order
from shelfscope.sandbox.amazon.spelling import spelling_correction

DAY = date(2026, 3, 2)
ASIN = re.compile(r"B0[A-Z0-9]{8}")


def test_any_keyword_finds_a_plausible_shelf_of_valid_asins() -> None:
    for keyword in ("yoga mat", "USB-C Kabel 2m", "écouteurs sans fil", "水筒", "x"):
        pool = keyword_pool(0, keyword)
        assert pool.asins, keyword
        assert all(ASIN.fullmatch(asin) for asin in pool.asins)
        assert len(set(pool.asins)) == len(pool.asins)
        assert 1 <= pool.last_page <= MAX_PAGES
        if not pool.over:
            assert len(pool.asins) == pool.total_results


def test_the_catalogue_is_a_function_of_seed_and_keyword() -> None:
    assert keyword_pool(0, "Yoga  MAT") == keyword_pool(0, "yoga mat")
    assert keyword_pool(1, "yoga mat").asins != keyword_pool(0, "yoga mat").asins


def test_a_listing_is_priced_in_each_marketplace_currency() -> None:
    asin = keyword_pool(0, "desk lamp").asins[0]
    usd = listing(0, amazon_marketplace("US"), asin, DAY).price
    for market in AMAZON_MARKETPLACES:
        item = listing(0, market, asin, DAY)
        assert item.currency == market.currency
        assert item.asin == asin
        if item.price is not None and usd is not None:
            ratio = float(item.price) / float(usd) / FX_RATES[market.currency]
            assert 0.5 < ratio < 2.0, (market.code, item.price, usd)
        assert 3 <= item.rating <= 5
        assert item.bsr >= 1


def test_review_counts_only_grow() -> None:
    asin = keyword_pool(0, "desk lamp").asins[3]
    counts = [
        listing(0, amazon_marketplace("DE"), asin, DAY + timedelta(days=n)).review_count
        for n in range(0, 400, 20)
    ]
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]


def test_rankings_drift_from_day_to_day_within_bounds() -> None:
    keyword = "garden hose"
    moved = 0
    for offset in range(10):
        today = organic_order(0, "UK", keyword, DAY + timedelta(days=offset))
        tomorrow = organic_order(0, "UK", keyword, DAY + timedelta(days=offset + 1))
        assert today != tomorrow
        where = {asin: rank for rank, asin in enumerate(tomorrow)}
        for rank, asin in enumerate(today[:200]):
            if asin in where:
                # Both neighbours can move towards each other: twice the score change, plus rounding.
                assert abs(where[asin] - rank) <= 2 * MAX_DAILY_SCORE_CHANGE + 1, (asin, rank, where[asin])
                moved += where[asin] != rank
    assert moved > 100


def test_marketplaces_rank_the_same_shelf_differently() -> None:
    assert organic_order(0, "US", "garden hose", DAY)[:20] != organic_order(0, "UK", "garden hose", DAY)[:20]


def test_demo_products_move_a_few_places_a_day_and_cross_page_one() -> None:
    for marketplace in DEMO_MARKETPLACES:
        for asin, keywords in DEMO_KEYWORDS[marketplace].items():
            assert asin in DEMO_ASINS
            for keyword in keywords:
                ranks = [
                    organic_order(0, marketplace, keyword, DAY + timedelta(days=n)).index(asin) + 1
                    for n in range(60)
                ]
                steps = [abs(b - a) for a, b in itertools.pairwise(ranks)]
                assert max(steps) <= 10, (marketplace, keyword, ranks)
                assert sum(steps) > 0
    boundary = [
        organic_order(0, "US", "yoga mat", DAY + timedelta(days=n)).index(DEMO_ASINS[1]) + 1
        for n in range(90)
    ]
    assert min(boundary) <= PAGE_SIZE < max(boundary), boundary


def test_demo_products_sometimes_lose_their_sponsored_slot() -> None:
    days = [demo_has_ad(0, "DE", "yogamatte", DEMO_ASINS[1], DAY + timedelta(days=n)) for n in range(60)]
    assert 0 < sum(days) < len(days)


def test_queries_ending_in_an_unusual_double_letter_are_corrected() -> None:
    assert spelling_correction("yoga matt") == "yoga mat"
    assert spelling_correction("yoga ball") is None
    assert spelling_correction("coffee") is None
    assert spelling_correction("Suns Creame", overrides={"suns creame": "sunscreen"}) == "sunscreen"
