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
    "KINDS",
    "SETTLEMENT_LISTING_SPAN",
    "Fetch",
    "KindPlan",
    "PlannedWindow",
    "kind_plan",
    "months_before",
    "plan_windows",
    "quarter_windows",
    "split_days",
]

FETCH_LAG = timedelta(minutes=2)
# Fee preview: "specify the StartDate parameter for a minimum 72 hours prior to NOW".
FEE_PREVIEW_SPAN = timedelta(hours=72)
# getReports lists reports created in the last 90 days; a day less avoids the 400 at the edge.
SETTLEMENT_LISTING_SPAN = timedelta(days=89)


class Fetch(enum.StrEnum):
    REPORT = "report"
    """createReport → poll → document, one request per window."""
    SNAPSHOT = "snapshot"
    """A report that is a current snapshot: one window ending today."""
    SETTLEMENT_LISTING = "settlement_listing"
    """Amazon generates these: list them with getReports and download each."""
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
    end = min(now.replace(hour=0, minute=0, second=0, microsecond=0), now - FETCH_LAG)
    start = months_before(end, months)
    planned: list[PlannedWindow] = []
    for plan in kinds:
        scopes = [region] if plan.region_wide else list(marketplace_ids)
        for scope in scopes:
            planned.extend(PlannedWindow(plan.kind.value, scope, s, e) for s, e in _ranges(plan, start, end))
    return planned


def _ranges(plan: KindPlan, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    if plan.fetch is Fetch.SNAPSHOT:
        return [(end - FEE_PREVIEW_SPAN, end)]
    if plan.fetch is Fetch.SETTLEMENT_LISTING:
        return [(max(start, end - SETTLEMENT_LISTING_SPAN), end)]
    quarters = quarter_windows(start=start, end=end)
    if plan.request_days is None:
        return quarters
    return [piece for s, e in quarters for piece in split_days(s, e, plan.request_days)]


def kind_plan(kind: str) -> KindPlan:
    return next(plan for plan in KINDS if plan.kind.value == kind)
