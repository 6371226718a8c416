"""The maths of the rank analyses: share-of-voice weighting, competition levels, keyword statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shelfscope.errors import InvalidInput
from shelfscope.ranks.competition import CompetitionLevel, competition_level
from shelfscope.ranks.models import ObservationStatus
from shelfscope.ranks.sov import Share, SovScope, SovTally, snapshot_cards
from shelfscope.ranks.stats import RankPoint, summarise
from shelfscope.ranks.windows import validate_days

OK = ObservationStatus.OK
NOT_FOUND = ObservationStatus.NOT_FOUND
FAILED = ObservationStatus.FAILED
START = datetime(2026, 3, 1, 6, tzinfo=UTC)

# [asin, brand, sponsored, rank, page, position] as the runner stores them.
SNAPSHOT = {
    "v": 1,
    "results": [
        ["B0SPONS001", "Acme", True, 1, 1, 1],
        ["B0ORGAN001", "Acme", False, 1, 1, 2],
        ["B0ORGAN002", "Globex", False, 2, 1, 3],
        ["B0ORGAN003", "acme ", False, 3, 1, 4],
        ["B0ORGAN004", None, False, 4, 2, 1],
        ["B0SPONS002", "Globex", True, 2, 2, 2],
    ],
    "placements": [["brand_video", 1, ["B0ORGAN002"]]],
}


def test_snapshot_cards_keep_the_scope_in_page_order() -> None:
    page1 = snapshot_cards(SNAPSHOT, last_page=SovScope.PAGE1.last_page)
    assert [card.asin for card in page1] == ["B0SPONS001", "B0ORGAN001", "B0ORGAN002", "B0ORGAN003"]
    assert page1[3].brand == "acme", "brands are trimmed"
    assert len(snapshot_cards(SNAPSHOT, last_page=SovScope.PAGES_1_3.last_page)) == 6


def test_page1_share_of_voice_basic_and_position_weighted() -> None:
    tally = SovTally()
    tally.add(snapshot_cards(SNAPSHOT, last_page=1))
    shares = {row.brand: row for row in tally.shares(tracked_brand="ACME", top=10)}
    acme, globex = shares["Acme"], shares["Globex"]
    assert (acme.tracked, globex.tracked) == (True, False), "brands match in any case"
    assert (acme.organic_cards, acme.sponsored_cards) == (2, 1)
    # Organic: Acme holds organic ranks 1 and 3 of 3; weights 1, 1/2, 1/3.
    organic_weights = 1 + 1 / 2 + 1 / 3
    assert acme.organic == Share(round(2 / 3, 4), round((1 + 1 / 3) / organic_weights, 4))
    assert globex.organic == Share(round(1 / 3, 4), round((1 / 2) / organic_weights, 4))
    # Sponsored: the only ad on page 1 is Acme's.
    assert (acme.sponsored, globex.sponsored) == (Share(1.0, 1.0), Share(0.0, 0.0))
    # Combined: Acme's cards are 1st, 2nd and 4th of 4.
    combined_weights = 1 + 1 / 2 + 1 / 3 + 1 / 4
    assert acme.combined == Share(0.75, round((1 + 1 / 2 + 1 / 4) / combined_weights, 4))
    assert list(shares) == ["Acme", "Globex"], "ordered by combined weighted share"


def test_shares_pool_runs_and_keep_unbranded_cards_and_the_tracked_brand() -> None:
    tally = SovTally()
    tally.add(snapshot_cards(SNAPSHOT, last_page=3))
    tally.add(snapshot_cards(SNAPSHOT, last_page=3))
    (top,) = tally.shares(tracked_brand=None, top=1)
    assert top.brand == "Acme"
    assert (tally.snapshots, tally.pages_seen, tally.all_cards.organic.cards) == (2, 2, 8)
    rows = tally.shares(tracked_brand="Globex", top=1)
    assert [row.brand for row in rows] == ["Acme", "Globex"], "the tracked brand is shown past the top"
    every = {row.brand: row for row in tally.shares(tracked_brand=None, top=10)}
    assert every[None].organic.basic == 0.25, "an unbranded card is brand None, not dropped"
    assert sum(row.combined.basic or 0 for row in every.values()) == pytest.approx(1.0)
    assert sum(row.combined.weighted or 0 for row in every.values()) == pytest.approx(1.0, abs=1e-3)


def test_no_ads_means_no_sponsored_share_rather_than_zero() -> None:
    tally = SovTally()
    tally.add(snapshot_cards({"results": [["B0ORGAN001", "Acme", False, 1, 1, 1]]}, last_page=1))
    (acme,) = tally.shares(tracked_brand=None, top=10)
    assert (acme.organic, acme.sponsored) == (Share(1.0, 1.0), Share(None, None))


@pytest.mark.parametrize(
    ("total_results", "ad_density", "level"),
    [
        (500, 0.05, CompetitionLevel.LOW),
        (5_000, 0.05, CompetitionLevel.LOW),
        (5_000, 0.20, CompetitionLevel.MEDIUM),
        (50_000, 0.05, CompetitionLevel.MEDIUM),
        (50_000, 0.20, CompetitionLevel.HIGH),
        (999, 0.30, CompetitionLevel.MEDIUM),
        (10_000, 0.30, CompetitionLevel.HIGH),
        (None, 0.10, CompetitionLevel.LOW),
        (None, 0.20, CompetitionLevel.MEDIUM),
        (20_000, None, CompetitionLevel.HIGH),
        (None, None, None),
    ],
)
def test_competition_level_thresholds(
    total_results: int | None, ad_density: float | None, level: CompetitionLevel | None
) -> None:
    assert competition_level(total_results, ad_density) is level


def _day(n: int, hour: int = 0) -> datetime:
    return START + timedelta(days=n, hours=hour)


def test_failed_checks_are_never_counted_as_not_ranked() -> None:
    points = [
        RankPoint(observed_at=_day(0), status=OK, organic_rank=12, organic_page=1, sponsored_rank=3),
        RankPoint(observed_at=_day(1), status=FAILED),
        RankPoint(observed_at=_day(2), status=FAILED),
        RankPoint(observed_at=_day(3), status=OK, organic_rank=8, organic_page=1),
    ]
    stats = summarise(points, days=7)
    assert (stats.checks, stats.successful_checks, stats.failed_checks) == (4, 2, 2)
    assert (stats.found_checks, stats.found_rate) == (2, 1.0)
    assert (stats.best_organic_rank, stats.worst_organic_rank, stats.average_organic_rank) == (8, 12, 10.0)
    assert stats.volatility == 4.0, "the failed checks in between do not break the pair"
    assert (stats.trend, stats.trend_delta) == ("up", 4)
    assert (stats.days_checked, stats.days_on_page1) == (2, 2)


def test_not_found_lowers_the_found_rate_but_has_no_rank_to_average() -> None:
    points = [
        RankPoint(observed_at=_day(0), status=OK, organic_rank=50, organic_page=2),
        RankPoint(observed_at=_day(0, 12), status=OK, organic_rank=40, organic_page=1),
        RankPoint(observed_at=_day(1), status=NOT_FOUND),
        RankPoint(observed_at=_day(2), status=OK, organic_rank=30, organic_page=1),
        RankPoint(observed_at=_day(3), status=OK, sponsored_rank=2),
    ]
    stats = summarise(points, days=30)
    assert (stats.successful_checks, stats.found_checks, stats.found_rate) == (5, 4, 0.8)
    assert stats.average_organic_rank == 40.0
    assert (stats.best_sponsored_rank, stats.average_sponsored_rank) == (2, 2.0)
    assert stats.volatility == 10.0, "only consecutive ranked checks make a move (50→40)"
    assert (stats.days_checked, stats.days_on_page1) == (4, 2), "two checks on one day count once"
    assert (stats.trend, stats.trend_delta) == ("up", 20)


def test_no_checks_give_no_figures() -> None:
    stats = summarise([], days=90)
    assert (stats.checks, stats.found_rate, stats.average_organic_rank, stats.volatility, stats.trend) == (
        0,
        None,
        None,
        None,
        None,
    )
    only_failed = summarise([RankPoint(observed_at=_day(0), status=FAILED)], days=90)
    assert (only_failed.failed_checks, only_failed.found_rate, only_failed.days_checked) == (1, None, 0)


def test_window_days_are_checked() -> None:
    assert validate_days(30, allowed=(7, 30, 90)) == 30
    with pytest.raises(InvalidInput, match=r"days is one of 7, 30, 90 \(14 given\)"):
        validate_days(14, allowed=(7, 30, 90))
    with pytest.raises(InvalidInput, match="days is 1 to 365"):
        validate_days(0)
