"""Routine inventory movements of one marketplace: inbound receipts, customer shipments and
transfers between fulfilment centres, as rows of the inventory ledger detail view."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.model import LedgerEvent, OrderItem, Product
from shelfscope.sandbox.spapi.history.orders import DAILY_ORDERS, FULFILLMENT_CENTERS
from shelfscope.sandbox.spapi.history.parts import HistoryParts

__all__ = ["generate_inventory"]

_SELLABLE = "SELLABLE"


def _receipts(
    draw: Draw, product: Product, *, start: datetime, end: datetime, per_day: float
) -> list[LedgerEvent]:
    """Inbound shipments every four to seven weeks, sized to cover the sales in between."""
    events = []
    moment = start - timedelta(days=draw.rng.uniform(0, 10))
    while moment < end:
        interval = draw.rng.uniform(28, 50)
        quantity = math.ceil(interval * per_day * 1.3) + 12
        events.append(
            LedgerEvent(
                at=moment,
                product=product,
                event_type="Receipts",
                reference_id=draw.unique_code("FBA15", 12),
                quantity=quantity,
                fulfillment_center=draw.pick(FULFILLMENT_CENTERS[product.marketplace]),
                disposition=_SELLABLE,
                reason="",
            )
        )
        moment = draw.after(moment, min_hours=interval * 24, max_hours=interval * 24 + 12)
    return [event for event in events if start <= event.at < end]


def _shipment(item: OrderItem) -> LedgerEvent:
    assert item.shipped_at is not None
    return LedgerEvent(
        at=item.shipped_at,
        product=item.product,
        event_type="Shipments",
        reference_id=item.order_id,
        quantity=-item.quantity,
        fulfillment_center=item.fulfillment_center,
        disposition=_SELLABLE,
        reason="",
    )


def _transfers(draw: Draw, product: Product, *, start: datetime, end: datetime) -> list[LedgerEvent]:
    """Amazon rebalancing stock between its centres: one row out, one row in a day later."""
    centres = FULFILLMENT_CENTERS[product.marketplace]
    if len(centres) < 2:
        return []
    events = []
    moment = draw.moment(start, start + timedelta(days=90))
    while moment < end - timedelta(days=2):
        source, target = draw.rng.sample(centres, 2)
        quantity = draw.rng.randint(2, 8)
        arrival = draw.after(moment, min_hours=20, max_hours=30)
        for at, centre, sign in ((moment, source, -1), (arrival, target, 1)):
            events.append(
                LedgerEvent(
                    at=at,
                    product=product,
                    event_type="WhseTransfers",
                    reference_id="",
                    quantity=sign * quantity,
                    fulfillment_center=centre,
                    disposition=_SELLABLE,
                    reason="",
                )
            )
        moment = draw.after(moment, min_hours=60 * 24, max_hours=120 * 24)
    return events


def generate_inventory(
    draw: Draw,
    products: tuple[Product, ...],
    items: list[OrderItem],
    parts: HistoryParts,
    *,
    start: datetime,
    end: datetime,
) -> None:
    """Receipts and transfers of every product, and one Shipments row per shipped item."""
    per_day = DAILY_ORDERS[products[0].marketplace] * 1.3 / len(products)
    for product in products:
        parts.ledger.extend(_receipts(draw, product, start=start, end=end, per_day=per_day))
        parts.ledger.extend(_transfers(draw, product, start=start, end=end))
    parts.ledger.extend(_shipment(item) for item in items if item.shipped_at is not None)
