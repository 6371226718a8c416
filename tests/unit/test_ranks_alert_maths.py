"""The judgement of rank alert rules: moves, thresholds, crossings and the anomaly band."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shelfscope.ranks.alert_maths import (
    ANOMALY_MIN_POINTS,
    Point,
    RuleParams,
    anomaly_band,
    judge,
    moved_enough,
)


def ranked(rank: int | None, *, sponsored: int | None = None) -> Point:
    page = None if rank is None else (rank - 1) // 48 + 1
    return Point(found=rank is not None or sponsored is not None, organic_rank=rank, organic_page=page,
                 sponsored_rank=sponsored)  # fmt: skip


MOVED = RuleParams(kind="rank_moved", positions=5)


@pytest.mark.parametrize(
    ("previous", "current", "params", "fires"),
    [
        (10, 15, RuleParams(kind="rank_moved", positions=5), True),
        (10, 14, RuleParams(kind="rank_moved", positions=5), False),
        (10, 5, RuleParams(kind="rank_moved", positions=5), True),
        (10, 12, RuleParams(kind="rank_moved", percent=20), True),
        (10, 11, RuleParams(kind="rank_moved", percent=20), False),
        (100, 119, RuleParams(kind="rank_moved", percent=20), False),
        (100, 119, RuleParams(kind="rank_moved", positions=50, percent=19), True),
        (10, 20, RuleParams(kind="rank_moved", positions=5, direction="improved"), False),
        (20, 10, RuleParams(kind="rank_moved", positions=5, direction="improved"), True),
        (20, 10, RuleParams(kind="rank_moved", positions=5, direction="worsened"), False),
        (7, 7, RuleParams(kind="rank_moved", positions=1, percent=1), False),
    ],
)
def test_moves_fire_at_either_threshold_in_the_rules_direction(
    previous: int, current: int, params: RuleParams, fires: bool
) -> None:
    assert moved_enough(previous, current, params) is fires


def test_a_move_reports_both_ranks_and_the_signed_delta() -> None:
    finding = judge(MOVED, ranked(4), ranked(19))
    assert finding is not None
    assert finding.details == {"previous_rank": 4, "rank": 19, "delta": -15}
    assert finding.what == "dropped from #4 to #19 (15 positions)" and finding.level == "warning"
    improved = judge(MOVED, ranked(19), ranked(4))
    assert improved is not None and improved.level == "success"


def test_no_move_without_a_previous_organic_rank() -> None:
    assert judge(MOVED, None, ranked(3)) is None
    assert judge(MOVED, ranked(None, sponsored=2), ranked(3)) is None


@pytest.mark.parametrize(
    ("kind", "previous", "current", "entered"),
    [
        ("page_one", 40, 50, False),
        ("page_one", 50, 40, True),
        ("page_one", 40, None, False),
        ("top_ten", 11, 10, True),
        ("top_ten", 10, 11, False),
    ],
)
def test_crossing_page_one_or_the_top_ten_fires_both_ways(
    kind: str, previous: int, current: int | None, entered: bool
) -> None:
    finding = judge(RuleParams(kind=kind), ranked(previous), ranked(current))
    assert finding is not None and finding.details["entered"] is entered


def test_staying_on_page_one_or_in_the_top_ten_is_quiet() -> None:
    assert judge(RuleParams(kind="page_one"), ranked(3), ranked(45)) is None
    assert judge(RuleParams(kind="top_ten"), ranked(1), ranked(10)) is None


def test_sponsored_placement_lost_and_regained() -> None:
    lost = judge(RuleParams(kind="sponsored"), ranked(5, sponsored=2), ranked(5))
    regained = judge(RuleParams(kind="sponsored"), ranked(5), ranked(5, sponsored=3))
    assert lost is not None and lost.details["regained"] is False and "was #2" in lost.what
    assert regained is not None and regained.details["regained"] is True
    assert judge(RuleParams(kind="sponsored"), ranked(5, sponsored=2), ranked(9, sponsored=1)) is None


def test_not_found_fires_on_the_way_out_only() -> None:
    rule = RuleParams(kind="not_found")
    gone = judge(rule, ranked(8), ranked(None))
    assert gone is not None and gone.level == "error" and gone.details == {"previous_rank": 8}
    assert judge(rule, ranked(None), ranked(None)) is None  # still gone: no new alert
    assert judge(rule, None, ranked(None)) is not None  # never seen ranked: say so once
    assert judge(rule, ranked(8), ranked(9)) is None


def test_the_anomaly_band_is_the_mean_plus_minus_three_sample_deviations() -> None:
    band = anomaly_band([10, 12, 10, 12, 11])
    assert band is not None
    assert band.mean == 11
    assert band.sigma == pytest.approx(1.0)
    assert (band.low, band.high) == pytest.approx((8.0, 14.0))
    assert anomaly_band([10] * (ANOMALY_MIN_POINTS - 1)) is None


def test_anomalies_are_outside_the_band_and_need_enough_history() -> None:
    rule = RuleParams(kind="anomaly")
    history = [10, 12, 10, 12, 11]
    assert judge(rule, None, ranked(14), history) is None
    outside = judge(rule, None, ranked(15), history)
    assert outside is not None and outside.details == {"rank": 15, "mean": 11.0, "sigma": 1.0, "points": 5}
    assert judge(rule, None, ranked(40), history[:3]) is None
    assert judge(rule, None, ranked(None), history) is None


def test_a_flat_history_tolerates_one_position() -> None:
    rule = RuleParams(kind="anomaly")
    assert judge(rule, None, ranked(6), [5] * 7) is None
    assert judge(rule, None, ranked(7), [5] * 7) is not None


@given(st.lists(st.integers(1, 300), min_size=ANOMALY_MIN_POINTS, max_size=60))
def test_every_point_of_a_steady_window_is_inside_its_own_band(history: list[int]) -> None:
    band = anomaly_band(history)
    assert band is not None
    assert band.contains(band.mean)
    assert band.sigma >= 0.5


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown rule kind"):
        judge(RuleParams(kind="nope"), ranked(1), ranked(2))
