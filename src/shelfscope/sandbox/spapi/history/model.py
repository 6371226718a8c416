"""The simulated seller's history as plain records: what happened, when, and for how much.

Every report and every Finances page the sandbox serves is rendered from these records, and the
ground truth is counted from them, so a document and the truth can never disagree. Times are
aware UTC; money is ``Decimal`` in the marketplace currency (JPY has no minor unit).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

__all__ = [
    "CaseKind",
    "CustomerReturn",
    "FinancialEventKind",
    "LedgerEvent",
    "MoneyLine",
    "OrderItem",
    "PlantedCase",
    "Product",
    "Refund",
    "Reimbursement",
    "SettlementPeriod",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """One SKU offered in one marketplace, with the dimensions its FBA fee follows.

    ``size_tier`` is the tier its dimensions put it in; ``reported_tier`` is what the fee preview
    says. They differ only for planted "fee out of line" SKUs, which are then charged the fee of
    the reported tier (``fulfillment_fee``) instead of ``expected_fee``.
    """

    marketplace: str
    marketplace_id: str
    currency: str
    sku: str
    fnsku: str
    asin: str
    title: str
    brand: str
    product_group: str
    price: Decimal
    referral_rate: Decimal
    longest_side: Decimal
    median_side: Decimal
    shortest_side: Decimal
    dimension_unit: str
    weight: Decimal
    weight_unit: str
    size_tier: str
    reported_tier: str
    expected_fee: Decimal
    fulfillment_fee: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderItem:
    """One line of one order. ``shipped_at`` is None for cancelled items."""

    order_id: str
    order_item_id: str
    shipment_id: str
    product: Product
    quantity: int
    purchased_at: datetime
    shipped_at: datetime | None
    cancelled_at: datetime | None
    fulfillment_center: str
    ship_service_level: str
    ship_city: str
    ship_state: str
    ship_postal_code: str
    ship_country: str
    item_tax: Decimal
    promotion: Decimal
    promotion_id: str
    is_business_order: bool

    @property
    def principal(self) -> Decimal:
        return self.product.price * self.quantity

    def status_at(self, when: datetime) -> tuple[str, str]:
        """(order-status, item-status) as the all-orders report shows them at ``when``."""
        if self.cancelled_at is not None and self.cancelled_at <= when:
            return "Cancelled", "Cancelled"
        if self.shipped_at is not None and self.shipped_at <= when:
            return "Shipped", "Shipped"
        return "Pending", "Unshipped"

    def last_updated_at(self, when: datetime) -> datetime:
        changes = [self.purchased_at, self.cancelled_at, self.shipped_at]
        return max(moment for moment in changes if moment is not None and moment <= when)


@dataclass(frozen=True, slots=True, kw_only=True)
class Refund:
    """A customer refund of a whole order item; the unit may or may not come back."""

    item: OrderItem
    refunded_at: datetime
    adjustment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEvent:
    """One row of the inventory ledger detail view.

    ``resolved_at`` is set on losses and damages that Amazon later reconciled (unit found or
    reimbursed); the report shows them as reconciled only from then on.
    """

    at: datetime
    product: Product
    event_type: str
    reference_id: str
    quantity: int
    fulfillment_center: str
    disposition: str
    reason: str
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerReturn:
    returned_at: datetime
    order_id: str
    product: Product
    quantity: int
    fulfillment_center: str
    disposition: str
    reason: str
    status: str
    license_plate_number: str
    customer_comments: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Reimbursement:
    """One row of the reimbursements report; a reversal has negative amounts and an original."""

    approved_at: datetime
    reimbursement_id: str
    case_id: str
    order_id: str
    reason: str
    product: Product
    condition: str
    amount_per_unit: Decimal
    quantity_cash: int
    quantity_inventory: int
    original_reimbursement_id: str = ""
    original_reimbursement_type: str = ""

    @property
    def amount_total(self) -> Decimal:
        return self.amount_per_unit * self.quantity_cash

    @property
    def quantity_total(self) -> int:
        return self.quantity_cash + self.quantity_inventory


class FinancialEventKind(enum.StrEnum):
    """The Finances v0 event list a money line is published in."""

    SHIPMENT = "ShipmentEventList"
    REFUND = "RefundEventList"
    ADJUSTMENT = "AdjustmentEventList"
    SERVICE_FEE = "ServiceFeeEventList"


@dataclass(frozen=True, slots=True, kw_only=True)
class MoneyLine:
    """One sum of money, as both a settlement line and a part of a financial event.

    ``event_key`` groups the lines of one financial event (an order's shipment, a refund, an
    adjustment); ``component`` says where the sum sits inside it (``ItemChargeList``,
    ``ItemFeeList``, ``ItemTaxWithheldList``, ``PromotionList``, ``AdjustmentItemList``,
    ``FeeList``). ``visible_at`` is when listFinancialEvents starts returning it: Amazon posts
    some events up to 48 hours late.
    """

    marketplace: str
    marketplace_id: str
    currency: str
    posted_at: datetime
    visible_at: datetime
    event_kind: FinancialEventKind
    event_key: str
    component: str
    transaction_type: str
    amount_type: str
    amount_description: str
    amount: Decimal
    order_id: str = ""
    shipment_id: str = ""
    adjustment_id: str = ""
    order_item_code: str = ""
    sku: str = ""
    fnsku: str = ""
    asin: str = ""
    title: str = ""
    quantity: int | None = None
    promotion_id: str = ""
    type_code: str = ""
    """``AdjustmentType`` of an adjustment event, ``FeeType`` of a service fee."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SettlementPeriod:
    """A 14-day settlement of one marketplace: the report's lines and its event group."""

    marketplace: str
    marketplace_id: str
    currency: str
    settlement_id: str
    group_id: str
    trace_id: str
    start: datetime
    end: datetime
    deposit_at: datetime
    report_created_at: datetime
    lines: tuple[MoneyLine, ...] = field(repr=False)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


class CaseKind(enum.StrEnum):
    LOST_OR_DAMAGED_NOT_REIMBURSED = "lost_damaged_not_reimbursed"
    REFUNDED_NOT_RETURNED = "refunded_not_returned"
    REIMBURSEMENT_REVERSED = "reimbursement_reversed"
    FEE_OUT_OF_LINE = "fee_out_of_line"

    @property
    def label(self) -> str:
        return _CASE_LABELS[self]


_CASE_LABELS = {
    CaseKind.LOST_OR_DAMAGED_NOT_REIMBURSED: "lost/damaged with no reimbursement within 30 days",
    CaseKind.REFUNDED_NOT_RETURNED: "refunded but not returned within 45 days",
    CaseKind.REIMBURSEMENT_REVERSED: "reimbursement reversed",
    CaseKind.FEE_OUT_OF_LINE: "fee out of line with size tier",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PlantedCase:
    """Money the seller is owed, planted on purpose. It becomes a case at ``due_at``.

    ``occurred_at`` is the evidence's own time (the loss, the refund, the reversal, the
    snapshot); ``ids`` are the identifiers a case finder reports (ledger reference id, order id,
    reimbursement ids, SKU).
    """

    kind: CaseKind
    marketplace_id: str
    sku: str
    fnsku: str
    occurred_at: datetime
    due_at: datetime
    amount: Decimal
    currency: str
    ids: tuple[tuple[str, str], ...]
