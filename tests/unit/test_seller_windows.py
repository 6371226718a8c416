"""The backfill plan's windows per data kind: sizes, scopes and Amazon's time limits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from shelfscope.seller.backfill.windows import PlannedWindow, incremental_windows, plan_windows

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
MARKETPLACES = ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]


def _plan() -> list[PlannedWindow]:
    return plan_windows(region="NA", marketplace_ids=MARKETPLACES, now=NOW, months=18)


def test_region_wide_reports_get_six_quarter_windows_once_per_region() -> None:
    counts = Counter((w.kind, w.scope) for w in _plan())
    for kind in ("inventory_ledger", "reimbursements", "customer_returns"):
        assert counts[(kind, "NA")] == 6
        assert not any(scope != "NA" for k, scope in counts if k == kind)


def test_orders_are_requested_per_marketplace_in_at_most_30_days() -> None:
    orders = [w for w in _plan() if w.kind == "orders"]
    assert {w.scope for w in orders} == set(MARKETPLACES)
    assert all(w.end - w.start <= timedelta(days=30) for w in orders)
    per_marketplace = sorted((w.start, w.end) for w in orders if w.scope == MARKETPLACES[0])
    assert all(a[1] == b[0] for a, b in pairwise(per_marketplace))


def test_fee_preview_is_one_snapshot_starting_72_hours_before_its_end() -> None:
    fees = [w for w in _plan() if w.kind == "fee_preview"]
    assert len(fees) == len(MARKETPLACES)
    assert all(w.end - w.start == timedelta(hours=72) and w.end <= NOW for w in fees)


def test_finance_windows_stay_within_180_days_and_end_before_now() -> None:
    finances = [w for w in _plan() if w.kind == "financial_events"]
    assert all(w.end - w.start <= timedelta(days=180) for w in finances)
    assert all(w.end <= NOW - timedelta(minutes=2) for w in finances)
    settlement = [w for w in _plan() if w.kind == "settlement"]
    assert len(settlement) == 1 and settlement[0].end - settlement[0].start <= timedelta(days=90)


def test_planning_twice_on_the_same_day_gives_the_same_windows() -> None:
    later = plan_windows(region="NA", marketplace_ids=MARKETPLACES, now=NOW + timedelta(hours=5), months=18)
    assert set(later) == set(_plan())


def test_settlement_periods_split_once_between_reports_and_event_groups() -> None:
    plan = _plan()
    listing = [w for w in plan if w.kind == "settlement"]
    groups = sorted((w for w in plan if w.kind == "settlement_groups"), key=lambda w: w.start)
    assert len(listing) == 1
    # Periods that ended in the last 88 days come from reports, every older one from groups,
    # in windows of period ends that, with the 15-day lead on group starts, span <= 180 days.
    assert listing[0].end - listing[0].start == timedelta(days=88)
    assert groups[0].start == min(w.start for w in plan if w.kind == "inventory_ledger")
    assert groups[-1].end == listing[0].start
    assert all(a.end == b.start for a, b in pairwise(groups))
    assert all(w.end - w.start + timedelta(days=15) <= timedelta(days=180) for w in groups)


def test_the_daily_sync_reads_back_48_hours_and_catches_up_missed_days() -> None:
    since = datetime(2026, 6, 12, tzinfo=UTC)  # the last sync ended three days ago
    windows = incremental_windows(
        region="NA", marketplace_ids=MARKETPLACES, since=since, now=NOW, lookback=timedelta(hours=48)
    )
    today = datetime(2026, 6, 15, tzinfo=UTC)
    assert "settlement_groups" not in {w.kind for w in windows}
    events = [w for w in windows if w.kind == "financial_events"]
    assert [(w.start, w.end) for w in events] == [(since - timedelta(hours=48), today)]
    orders = [w for w in windows if w.kind == "orders"]
    assert {w.scope for w in orders} == set(MARKETPLACES)
    fees = [w for w in windows if w.kind == "fee_preview"]
    assert all((w.start, w.end) == (today - timedelta(hours=72), today) for w in fees)
    # Synced up to today: a second sync the same day plans the very same windows (no new rows).
    assert (
        incremental_windows(
            region="NA", marketplace_ids=MARKETPLACES, since=since, now=NOW, lookback=timedelta(hours=48)
        )
        == windows
    )
