"""Refunds and customer returns, and what Amazon does when a refunded unit never comes back.

A few percent of shipped items are refunded. Most refunded units reach a fulfilment centre
within two weeks (a customer-returns row and a CustomerReturns ledger movement). Some never
come back: usually Amazon reimburses the seller on its own within 45 days, but some are left
unreimbursed. Those are planted "refunded but not returned within 45 days" cases.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from shelfscope.sandbox.spapi.history.catalog import money
from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.model import (
    CaseKind,
    CustomerReturn,
    LedgerEvent,
    OrderItem,
    PlantedCase,
    Refund,
    Reimbursement,
)
from shelfscope.sandbox.spapi.history.orders import FULFILLMENT_CENTERS
from shelfscope.sandbox.spapi.history.parts import HistoryParts

__all__ = ["generate_aftersales"]

REFUND_RATE = 0.07
RETURN_WINDOW = timedelta(days=45)
_DISPOSITIONS = (("SELLABLE", 0.7), ("CUSTOMER_DAMAGED", 0.15), ("DEFECTIVE", 0.1), ("CARRIER_DAMAGED", 0.05))
_REASONS = ("UNWANTED_ITEM", "DEFECTIVE", "NOT_AS_DESCRIBED", "ORDERED_WRONG_ITEM", "DAMAGED_BY_CARRIER")
_COMMENTS = {
    "en": ("No longer needed", "Arrived damaged", "Item doesn't work as described", ""),
    "de": ("Nicht mehr benötigt", "Falsche Größe", "Beschädigt angekommen \u2013 Karton eingedrückt", ""),
    "fr": ("Ne correspond pas à la description", "Arrivé endommagé", ""),
    "it": ("Non più necessario", "Arrivato danneggiato", ""),
    "es": ("Ya no lo necesito", "Llegó dañado", ""),
    "ja": ("不要になりました", "サイズが合わない", "破損して届きました", ""),
}
_LANGUAGE = {"DE": "de", "FR": "fr", "IT": "it", "ES": "es", "JP": "ja"}


def _customer_return(draw: Draw, refund: Refund) -> CustomerReturn:
    item = refund.item
    language = _LANGUAGE.get(item.product.marketplace, "en")
    return CustomerReturn(
        returned_at=draw.after(refund.refunded_at, min_hours=2, max_hours=12 * 24),
        order_id=item.order_id,
        product=item.product,
        quantity=item.quantity,
        fulfillment_center=draw.pick(FULFILLMENT_CENTERS[item.product.marketplace]),
        disposition=draw.weighted(_DISPOSITIONS),
        reason=draw.pick(_REASONS),
        status="Unit returned to inventory",
        license_plate_number=draw.unique_code("LPN", 13),
        customer_comments=draw.pick(_COMMENTS[language]),
    )


def _returned_to_inventory(returned: CustomerReturn) -> LedgerEvent:
    return LedgerEvent(
        at=returned.returned_at,
        product=returned.product,
        event_type="CustomerReturns",
        reference_id=returned.order_id,
        quantity=returned.quantity,
        fulfillment_center=returned.fulfillment_center,
        disposition=returned.disposition,
        reason="",
    )


def _auto_reimbursement(draw: Draw, refund: Refund) -> Reimbursement:
    """Amazon pays for a unit the customer kept, before the 45-day window runs out."""
    item = refund.item
    return Reimbursement(
        approved_at=draw.after(refund.refunded_at, min_hours=30 * 24, max_hours=44 * 24),
        reimbursement_id=draw.unique_digits(10),
        case_id="",
        order_id=item.order_id,
        reason="CustomerReturn",
        product=item.product,
        condition="New",
        amount_per_unit=money(item.product.price * Decimal("0.85"), item.product.currency),
        quantity_cash=item.quantity,
        quantity_inventory=0,
    )


def _planted(refund: Refund) -> PlantedCase:
    item = refund.item
    return PlantedCase(
        kind=CaseKind.REFUNDED_NOT_RETURNED,
        marketplace_id=item.product.marketplace_id,
        sku=item.product.sku,
        fnsku=item.product.fnsku,
        occurred_at=refund.refunded_at,
        due_at=refund.refunded_at + RETURN_WINDOW,
        amount=item.principal,
        currency=item.product.currency,
        ids=(("order_id", item.order_id), ("adjustment_id", refund.adjustment_id)),
    )


def _settle(draw: Draw, refund: Refund, parts: HistoryParts) -> None:
    outcome = draw.weighted((("returned", 0.84), ("reimbursed", 0.12), ("planted", 0.04)))
    if outcome == "returned":
        returned = _customer_return(draw, refund)
        parts.returns.append(returned)
        parts.ledger.append(_returned_to_inventory(returned))
    elif outcome == "reimbursed":
        parts.reimbursements.append(_auto_reimbursement(draw, refund))
    else:
        parts.cases.append(_planted(refund))


def generate_aftersales(draw: Draw, items: list[OrderItem], parts: HistoryParts) -> None:
    """Refunds of shipped ``items`` and everything that follows from each of them."""
    for item in items:
        if item.shipped_at is None or not draw.chance(REFUND_RATE):
            continue
        refund = Refund(
            item=item,
            refunded_at=draw.after(item.shipped_at, min_hours=3 * 24, max_hours=25 * 24),
            adjustment_id=draw.unique_code("amzn1.adj.", 22),
        )
        parts.refunds.append(refund)
        _settle(draw, refund, parts)
