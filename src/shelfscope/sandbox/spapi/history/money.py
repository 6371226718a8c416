"""Every sum of money the seller's account moved, as :class:`MoneyLine` records.

One record is both a settlement-report line and a component of a Finances v0 event, which is
how the sandbox makes the two sources describe the same money. The vocabulary follows the real
files: settlement ``Order``/``Refund``/``other-transaction`` lines with amount types
``ItemPrice``, ``ItemFees``, ``ItemWithheldTax``, ``Promotion``; financial events with
``ItemChargeList``, ``ItemFeeList``, ``ItemTaxWithheldList`` and ``PromotionList`` components.
Reimbursements are ``FBA Inventory Reimbursement`` lines and ``AdjustmentEvent`` items; storage
and subscription fees are ``ServiceFeeEvent`` entries, which Amazon sends without a posted date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shelfscope.sandbox.spapi.history.catalog import money
from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.model import (
    FinancialEventKind,
    MoneyLine,
    OrderItem,
    Product,
    Refund,
    Reimbursement,
)

__all__ = ["REIMBURSEMENT_CODES", "order_money", "refund_money", "reimbursement_money", "service_fee_money"]

REIMBURSEMENT_CODES = {
    "Lost_Warehouse": "WAREHOUSE_LOST",
    "Damaged_Warehouse": "WAREHOUSE_DAMAGE",
    "CustomerReturn": "CUSTOMER_RETURN",
    "Reimbursement_Reversal": "REVERSAL_REIMBURSEMENT",
}
"""Reimbursements-report reason → settlement amount-description and AdjustmentType."""

_SUBSCRIPTION = {"US": "39.99", "UK": "25.00", "JP": "4900"}
_MAX_REFUND_COMMISSION = {"USD": "5.00", "CAD": "5.00", "GBP": "5.00", "EUR": "5.00", "JPY": "500"}


@dataclass(frozen=True)
class _Event:
    """What all lines of one financial event share."""

    product: Product
    posted_at: datetime
    visible_at: datetime
    kind: FinancialEventKind
    key: str
    transaction_type: str
    order_id: str = ""
    shipment_id: str = ""
    adjustment_id: str = ""
    order_item_code: str = ""
    quantity: int | None = None


def _visible_at(draw: Draw, posted_at: datetime) -> datetime:
    # "Orders from the last 48 hours might not be included in financial events."
    if draw.chance(0.8):
        return draw.after(posted_at, min_hours=0, max_hours=1)
    return draw.after(posted_at, min_hours=1, max_hours=48)


def _line(
    event: _Event, component: str, amount_type: str, description: str, amount: Decimal, **extra: str
) -> MoneyLine:
    product = event.product
    return MoneyLine(
        marketplace=product.marketplace,
        marketplace_id=product.marketplace_id,
        currency=product.currency,
        posted_at=event.posted_at,
        visible_at=event.visible_at,
        event_kind=event.kind,
        event_key=event.key,
        component=component,
        transaction_type=event.transaction_type,
        amount_type=amount_type,
        amount_description=description,
        amount=amount,
        order_id=event.order_id,
        shipment_id=event.shipment_id,
        adjustment_id=event.adjustment_id,
        order_item_code=event.order_item_code,
        sku=product.sku if event.kind is not FinancialEventKind.SERVICE_FEE else "",
        fnsku=product.fnsku if event.kind is FinancialEventKind.ADJUSTMENT else "",
        asin=product.asin if event.kind is FinancialEventKind.ADJUSTMENT else "",
        title=product.title if event.kind is FinancialEventKind.ADJUSTMENT else "",
        quantity=event.quantity,
        **extra,
    )


def _commission(item: OrderItem) -> Decimal:
    return money(item.principal * item.product.referral_rate, item.product.currency)


def order_money(draw: Draw, item: OrderItem) -> list[MoneyLine]:
    """The lines of a shipped item: price, tax, withheld tax, fees and promotion."""
    assert item.shipped_at is not None
    posted = item.shipped_at
    event = _Event(
        item.product, posted, _visible_at(draw, posted), FinancialEventKind.SHIPMENT,
        f"ship:{item.order_id}:{item.shipment_id}", "Order", order_id=item.order_id,
        shipment_id=item.shipment_id, order_item_code=item.order_item_id, quantity=item.quantity,
    )  # fmt: skip
    lines = [_line(event, "ItemChargeList", "ItemPrice", "Principal", item.principal)]
    if item.item_tax:
        lines.append(_line(event, "ItemChargeList", "ItemPrice", "Tax", item.item_tax))
        lines.append(
            _line(
                event,
                "ItemTaxWithheldList",
                "ItemWithheldTax",
                "MarketplaceFacilitatorTax-Principal",
                -item.item_tax,
            )
        )
    lines.append(_line(event, "ItemFeeList", "ItemFees", "Commission", -_commission(item)))
    fee = item.product.fulfillment_fee * item.quantity
    lines.append(_line(event, "ItemFeeList", "ItemFees", "FBAPerUnitFulfillmentFee", -fee))
    if item.promotion:
        lines.append(
            _line(
                event,
                "PromotionList",
                "Promotion",
                "Principal",
                -item.promotion,
                promotion_id=item.promotion_id,
            )
        )
    return lines


def refund_money(draw: Draw, refund: Refund) -> list[MoneyLine]:
    """The lines of a refund: price and tax back to the customer, most of the commission back."""
    item = refund.item
    posted = refund.refunded_at
    event = _Event(
        item.product, posted, _visible_at(draw, posted), FinancialEventKind.REFUND,
        f"refund:{item.order_id}:{refund.adjustment_id}", "Refund", order_id=item.order_id,
        adjustment_id=refund.adjustment_id, order_item_code=item.order_item_id, quantity=item.quantity,
    )  # fmt: skip
    commission = _commission(item)
    cap = Decimal(_MAX_REFUND_COMMISSION[item.product.currency])
    refund_commission = min(cap, money(commission * Decimal("0.2"), item.product.currency))
    lines = [_line(event, "ItemChargeAdjustmentList", "ItemPrice", "Principal", -item.principal)]
    if item.item_tax:
        lines.append(_line(event, "ItemChargeAdjustmentList", "ItemPrice", "Tax", -item.item_tax))
        lines.append(
            _line(
                event,
                "ItemTaxWithheldList",
                "ItemWithheldTax",
                "MarketplaceFacilitatorTax-Principal",
                item.item_tax,
            )
        )
    lines.append(_line(event, "ItemFeeAdjustmentList", "ItemFees", "Commission", commission))
    lines.append(_line(event, "ItemFeeAdjustmentList", "ItemFees", "RefundCommission", -refund_commission))
    if item.promotion:
        lines.append(
            _line(
                event,
                "PromotionAdjustmentList",
                "Promotion",
                "Principal",
                item.promotion,
                promotion_id=item.promotion_id,
            )
        )
    return lines


def reimbursement_money(draw: Draw, reimbursement: Reimbursement) -> list[MoneyLine]:
    """A cash reimbursement (or reversal) as one adjustment; replacement units move no money."""
    if reimbursement.quantity_cash == 0:
        return []
    code = REIMBURSEMENT_CODES[reimbursement.reason]
    posted = reimbursement.approved_at
    event = _Event(
        reimbursement.product, posted, _visible_at(draw, posted), FinancialEventKind.ADJUSTMENT,
        f"adj:{reimbursement.reimbursement_id}", "other-transaction", order_id=reimbursement.order_id,
        adjustment_id=reimbursement.reimbursement_id, quantity=reimbursement.quantity_cash,
    )  # fmt: skip
    amount = reimbursement.amount_total
    return [_line(event, "AdjustmentItemList", "FBA Inventory Reimbursement", code, amount, type_code=code)]


def _monthly(start: datetime, end: datetime) -> list[datetime]:
    month = datetime(start.year, start.month, 1, tzinfo=start.tzinfo)
    months = []
    while month < end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def service_fee_money(
    draw: Draw, products: tuple[Product, ...], *, start: datetime, end: datetime
) -> list[MoneyLine]:
    """Monthly storage fees, and the subscription fee in the region's home marketplace."""
    lines = []
    home = products[0]
    for month in _monthly(start, end):
        posted = draw.moment(month + timedelta(days=6), month + timedelta(days=9))
        storage = money(Decimal(draw.rng.uniform(3, 40)) * len(products) / 4, home.currency)
        charges = [("FBAStorageFee", "Storage Fee", -storage)]
        if home.marketplace in _SUBSCRIPTION:
            charges.append(("Subscription", "Subscription Fee", -Decimal(_SUBSCRIPTION[home.marketplace])))
        for index, (fee_type, description, amount) in enumerate(charges):
            event = _Event(
                home, posted, _visible_at(draw, posted), FinancialEventKind.SERVICE_FEE,
                f"fee:{home.marketplace}:{month:%Y-%m}:{index}", "other-transaction",
            )  # fmt: skip
            lines.append(
                _line(event, "FeeList", "other-transaction", description, amount, type_code=fee_type)
            )
    return [line for line in lines if start <= line.posted_at < end]
