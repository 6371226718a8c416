"""Which records a report or a Finances page covers: one definition for documents and truth.

The documents the sandbox serves and the ground truth it reports both select records here, so a
client that ingests every document of a window must arrive at exactly the truth's counts. Report
windows include both ends (``dataStartTime`` ≤ t ≤ ``dataEndTime``), as Amazon's do; nothing
after ``as_of`` (when the report was generated) exists yet.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from shelfscope.sandbox.spapi.history.model import (
    CustomerReturn,
    LedgerEvent,
    MoneyLine,
    OrderItem,
    Product,
    Reimbursement,
    SettlementPeriod,
)
from shelfscope.sandbox.spapi.history.seller import SellerHistory

__all__ = [
    "LEDGER_HISTORY",
    "SETTLEMENT_LISTING",
    "closed_settlements",
    "fee_preview_products",
    "ledger_events",
    "listed_settlements",
    "money_lines",
    "orders_by_last_update",
    "orders_by_purchase",
    "reimbursements",
    "returns",
]

LEDGER_HISTORY = timedelta(days=548)
""""You can view all historical movements of your inventory for 18 months in this report.\""""
SETTLEMENT_LISTING = timedelta(days=90)
"""getReports lists reports created in the last 90 days: older settlements are unreachable."""


def _clip(start: datetime, end: datetime, as_of: datetime) -> tuple[datetime, datetime]:
    return start, min(end, as_of)


def ledger_events(
    history: SellerHistory, *, start: datetime, end: datetime, as_of: datetime, event_type: str | None = None
) -> list[LedgerEvent]:
    """Inventory movements of the whole region in the window, within the ledger's 18 months."""
    first, last = _clip(max(start, as_of - LEDGER_HISTORY), end, as_of)
    events = history.ledger.between(first, last, inclusive_end=True)
    return [event for event in events if event_type is None or event.event_type == event_type]


def reimbursements(
    history: SellerHistory, *, start: datetime, end: datetime, as_of: datetime
) -> list[Reimbursement]:
    """Reimbursements approved in the window; the report ignores marketplaceIds."""
    return history.reimbursements.between(*_clip(start, end, as_of), inclusive_end=True)


def returns(
    history: SellerHistory, *, start: datetime, end: datetime, as_of: datetime
) -> list[CustomerReturn]:
    """Customer returns received in the window; region-wide like reimbursements."""
    return history.returns.between(*_clip(start, end, as_of), inclusive_end=True)


def orders_by_purchase(
    history: SellerHistory,
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
    marketplace_ids: Collection[str],
) -> list[OrderItem]:
    """Order items purchased in the window in the requested marketplaces."""
    items = history.orders.between(*_clip(start, end, as_of), inclusive_end=True)
    return [item for item in items if item.product.marketplace_id in marketplace_ids]


def orders_by_last_update(
    history: SellerHistory,
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
    marketplace_ids: Collection[str],
) -> list[OrderItem]:
    """Order items whose latest change (as known at ``as_of``) falls in the window."""
    # An item is last updated at most a few days after purchase: look back far enough.
    candidates = history.orders.between(start - timedelta(days=10), min(end, as_of), inclusive_end=True)
    return [
        item
        for item in candidates
        if item.product.marketplace_id in marketplace_ids and start <= item.last_updated_at(as_of) <= end
    ]


def fee_preview_products(history: SellerHistory, *, marketplace_ids: Collection[str]) -> list[Product]:
    """Every listed SKU of the requested marketplaces: the fee preview is a snapshot."""
    return [product for product in history.products() if product.marketplace_id in marketplace_ids]


def closed_settlements(history: SellerHistory, *, as_of: datetime) -> list[SettlementPeriod]:
    """Settlements whose report exists at ``as_of`` (closed and generated), oldest first."""
    return history.settlements.between(history.start, as_of, inclusive_end=True)


def listed_settlements(
    history: SellerHistory, *, start: datetime, end: datetime, as_of: datetime
) -> list[SettlementPeriod]:
    """Settlement reports getReports can list: created in the window and in the last 90 days."""
    first = max(start, as_of - SETTLEMENT_LISTING)
    return history.settlements.between(first, min(end, as_of), inclusive_end=True)


def money_lines(
    history: SellerHistory,
    *,
    posted_after: datetime,
    posted_before: datetime,
    as_of: datetime,
    marketplace_ids: Collection[str] | None = None,
) -> list[MoneyLine]:
    """Lines posted in ``[posted_after, posted_before)`` that listFinancialEvents shows at ``as_of``."""
    lines = history.money.between(posted_after, posted_before)
    return [
        line
        for line in lines
        if line.visible_at <= as_of and (marketplace_ids is None or line.marketplace_id in marketplace_ids)
    ]
