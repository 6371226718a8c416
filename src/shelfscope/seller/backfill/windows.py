"""What to fetch per data kind, and the time windows an 18-month backfill is cut into.

One declarative row per kind (:data:`KINDS`); the policies (window size, request size, scope)
live in the functions below, once. Windows are anchored at midnight UTC so planning the same
day twice yields the same windows (the plan's natural key), and they end at least two minutes
before now: Amazon rejects Finances windows ending later, and report ranges must not be in
the future.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from shelfscope.seller.ledger_rows import SourceKind

__all__ = [
    "FETCH_LAG",
    "FINANCES_SETTLE",
    "GROUP_START_LEAD",
    "KINDS",
    "SETTLEMENT_LISTING_SPAN",
    "Fetch",
    "KindPlan",
    "PlannedWindow",
    "incremental_windows",
    "kind_plan",
    "months_before",
    "plan_end",
    "plan_windows",
    "quarter_windows",
    "split_days",
]

FETCH_LAG = timedelta(minutes=2)
# Fee preview: "specify the StartDate parameter for a minimum 72 hours prior to NOW".
FEE_PREVIEW_SPAN = timedelta(hours=72)
# getReports lists reports created in the last 90 days. Settlement periods that ENDED in the
# last 88 days come from their reports: their report was created after the period closed, so
# it stays listable for a day after planning even with a day's margin at the 90-day edge.
# Periods that ended before come from Finances event groups. The split is by period end and
# fixed at planning, so each period has exactly one source whatever order windows run in.
SETTLEMENT_LISTING_SPAN = timedelta(days=88)
# "Orders from the last 48 hours might not be included" (listFinancialEvents): the backfill's
# Finances windows stop 48 hours before the plan's end, so what it reads is final; the daily
# sync reads from there on, and re-reads its own last 48 hours the next day.
FINANCES_SETTLE = timedelta(hours=48)
# listFinancialEventGroups filters on a group's START; a period lasts 14 days, so a window of
# period ends [a, b) lists groups started in [a - 15 days, b), at most 180 days in all.
GROUP_START_LEAD = timedelta(days=15)
GROUP_WINDOW_DAYS = 165


class Fetch(enum.StrEnum):
    REPORT = "report"
    """createReport → poll → document, one request per window."""
    SNAPSHOT = "snapshot"
    """A report that is a current snapshot: one window ending today."""
    SETTLEMENT_LISTING = "settlement_listing"
    """Amazon generates these: list them with getReports and download each."""
    EVENT_GROUPS = "event_groups"
    """Settlement periods too old to list: event groups and their events, by period end."""
    FINANCES = "finances"
    """listFinancialEvents with NextToken paging."""


@dataclass(frozen=True, kw_only=True)
class KindPlan:
    kind: SourceKind
    fetch: Fetch
    report_type: str | None = None
    region_wide: bool = True
    """The report ignores marketplaceIds (Amazon support, selling-partner-api-docs#1385)."""
    request_days: int | None = None
    """Longest range one request may cover (All Orders: 30 days, else an empty document)."""
    window_kind: str | None = None
    """The plan's name for these windows when one ledger source has two ways in (settlement)."""

    @property
    def name(self) -> str:
        return self.window_kind or self.kind.value


KINDS: tuple[KindPlan, ...] = (
    KindPlan(kind=SourceKind.INVENTORY_LEDGER, fetch=Fetch.REPORT, report_type="GET_LEDGER_DETAIL_VIEW_DATA"),
    KindPlan(kind=SourceKind.REIMBURSEMENTS, fetch=Fetch.REPORT, report_type="GET_FBA_REIMBURSEMENTS_DATA"),
    KindPlan(
        kind=SourceKind.CUSTOMER_RETURNS,
        fetch=Fetch.REPORT,
        report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
    ),
    KindPlan(
        kind=SourceKind.ORDERS,
        fetch=Fetch.REPORT,
        report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
        region_wide=False,
        request_days=30,
    ),
    KindPlan(
        kind=SourceKind.FEE_PREVIEW,
        fetch=Fetch.SNAPSHOT,
        report_type="GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA",
        region_wide=False,
    ),
    KindPlan(
        kind=SourceKind.SETTLEMENT,
        fetch=Fetch.SETTLEMENT_LISTING,
        report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
    ),
    KindPlan(
        kind=SourceKind.SETTLEMENT,
        window_kind="settlement_groups",
        fetch=Fetch.EVENT_GROUPS,
        request_days=GROUP_WINDOW_DAYS,
    ),
    # Finances allows 180 days, but a NextToken chain must finish before its token expires
    # (25 minutes, sometimes 3): month-sized requests keep chains short (Airbyte's TTL advice).
    KindPlan(kind=SourceKind.FINANCIAL_EVENTS, fetch=Fetch.FINANCES, request_days=30),
)


@dataclass(frozen=True)
class PlannedWindow:
    kind: str
    scope: str
    start: datetime
    end: datetime


def months_before(moment: datetime, months: int) -> datetime:
    """The same day-of-month ``months`` earlier (clamped to the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def quarter_windows(*, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """3-month windows backwards from ``end`` to ``start`` (3 months < 180 days: Finances-safe)."""
    windows: list[tuple[datetime, datetime]] = []
    upper = end
    while upper > start:
        lower = max(start, months_before(upper, 3))
        windows.append((lower, upper))
        upper = lower
    return sorted(windows)


def split_days(start: datetime, end: datetime, days: int) -> list[tuple[datetime, datetime]]:
    """``[start, end)`` cut into pieces of at most ``days`` days."""
    pieces: list[tuple[datetime, datetime]] = []
    lower = start
    while lower < end:
        upper = min(end, lower + timedelta(days=days))
        pieces.append((lower, upper))
        lower = upper
    return pieces


def plan_windows(
    *,
    region: str,
    marketplace_ids: list[str],
    now: datetime,
    months: int,
    kinds: tuple[KindPlan, ...] = KINDS,
) -> list[PlannedWindow]:
    """Every window of a backfill reaching ``months`` back from today (midnight UTC)."""
    end = plan_end(now)
    start = months_before(end, months)
    planned: list[PlannedWindow] = []
    for plan in kinds:
        scopes = [region] if plan.region_wide else list(marketplace_ids)
        for scope in scopes:
            planned.extend(PlannedWindow(plan.name, scope, s, e) for s, e in _ranges(plan, start, end))
    return planned


def plan_end(now: datetime) -> datetime:
    """Where a plan made at ``now`` ends: today's midnight UTC (and 2 minutes before now)."""
    return min(now.replace(hour=0, minute=0, second=0, microsecond=0), now - FETCH_LAG)


def incremental_windows(
    *,
    region: str,
    marketplace_ids: list[str],
    since: datetime,
    now: datetime,
    lookback: timedelta,
    kinds: tuple[KindPlan, ...] = KINDS,
) -> list[PlannedWindow]:
    """The daily sync: every kind from ``since - lookback`` (the last synced end, re-reading
    ``lookback`` for finance events Amazon posts up to 48 hours late) to today's midnight.

    Event groups are not needed: fresh settlements are listed as reports. A day missed
    (a stopped server) is caught up, because ``since`` is where the last sync ended.
    """
    end = plan_end(now)
    start = min(since, end - timedelta(days=1)) - lookback
    planned: list[PlannedWindow] = []
    for plan in kinds:
        if plan.fetch is Fetch.EVENT_GROUPS:
            continue
        scopes = [region] if plan.region_wide else list(marketplace_ids)
        for scope in scopes:
            planned.extend(
                PlannedWindow(plan.name, scope, s, e) for s, e in _incremental_ranges(plan, start, end)
            )
    return planned


def _incremental_ranges(plan: KindPlan, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    if plan.fetch is Fetch.SNAPSHOT:
        return [(end - FEE_PREVIEW_SPAN, end)]
    return split_days(start, end, plan.request_days or 90)


def _ranges(plan: KindPlan, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    if plan.fetch is Fetch.SNAPSHOT:
        return [(end - FEE_PREVIEW_SPAN, end)]
    if plan.fetch is Fetch.SETTLEMENT_LISTING:
        return [(max(start, end - SETTLEMENT_LISTING_SPAN), end)]
    if plan.fetch is Fetch.EVENT_GROUPS:
        older = end - SETTLEMENT_LISTING_SPAN
        return split_days(start, older, plan.request_days or GROUP_WINDOW_DAYS) if start < older else []
    if plan.fetch is Fetch.FINANCES:
        end -= FINANCES_SETTLE
    quarters = quarter_windows(start=start, end=end)
    if plan.request_days is None:
        return quarters
    return [piece for s, e in quarters for piece in split_days(s, e, plan.request_days)]


def kind_plan(kind: str) -> KindPlan:
    """The plan of a window kind (``settlement_groups`` included)."""
    return next(plan for plan in KINDS if plan.name == kind)
