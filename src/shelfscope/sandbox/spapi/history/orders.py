"""Orders of one marketplace over the whole history: purchase, shipment or cancellation.

Volume follows a daily mean with weekend and fourth-quarter peaks. An order has one or two
items; a few are cancelled before shipping, the rest ship from a fulfilment centre within two
days. Only US orders carry sales tax as a separate amount (collected and withheld by Amazon as
marketplace facilitator); elsewhere VAT is inside the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shelfscope.sandbox.spapi.history.catalog import money
from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.model import OrderItem, Product

__all__ = ["FULFILLMENT_CENTERS", "generate_orders"]

DAILY_ORDERS = {"US": 4.0, "CA": 1.0, "UK": 2.0, "DE": 2.0, "FR": 1.0, "IT": 0.5, "ES": 0.5, "JP": 2.0}
FULFILLMENT_CENTERS = {
    "US": ("PHX7", "ONT8", "BFI4", "MDW2"),
    "CA": ("YYZ4", "YVR2"),
    "UK": ("LTN1", "MAN1"),
    "DE": ("FRA3", "MUC3", "LEJ1"),
    "FR": ("ORY1", "LYS1"),
    "IT": ("MXP5",),
    "ES": ("MAD4",),
    "JP": ("NRT5", "KIX2"),
}
_ORDER_PREFIXES = {
    "US": "11",
    "CA": "70",
    "UK": "20",
    "DE": "30",
    "FR": "40",
    "IT": "40",
    "ES": "40",
    "JP": "50",
}
# (city, state or region, postal code) of made-up customers; no real person is described.
_ADDRESSES = {
    "US": (("PHOENIX", "AZ", "85004"), ("AUSTIN", "TX", "78701"), ("SEATTLE", "WA", "98101")),
    "CA": (("TORONTO", "ON", "M5V 2T6"), ("MONTRÉAL", "QC", "H2X 1Y4"), ("VANCOUVER", "BC", "V6B 1A1")),
    "UK": (("LONDON", "", "SW1A 1AA"), ("MANCHESTER", "", "M1 1AE"), ("LEEDS", "", "LS1 4DY")),
    "DE": (("MÜNCHEN", "Bayern", "80331"), ("KÖLN", "Nordrhein-Westfalen", "50667")),
    "FR": (("PARIS", "", "75001"), ("LYON", "", "69002"), ("TOULOUSE", "", "31000")),
    "IT": (("MILANO", "MI", "20121"), ("ROMA", "RM", "00184")),
    "ES": (("MADRID", "Madrid", "28013"), ("BARCELONA", "Barcelona", "08002")),
    "JP": (("港区", "東京都", "105-0011"), ("大阪市北区", "大阪府", "530-0001")),
}
_COUNTRY = {"UK": "GB"}
_US_SALES_TAX = Decimal("0.0825")


@dataclass(frozen=True)
class _Market:
    code: str
    currency: str
    products: tuple[Product, ...]


def _daily_mean(code: str, day: datetime) -> float:
    mean = DAILY_ORDERS[code]
    if day.weekday() >= 5:
        mean *= 1.2
    if day.month in (11, 12):
        mean *= 1.4
    return mean


def _order_id(draw: Draw, code: str) -> str:
    prefix = _ORDER_PREFIXES[code] + draw.digits(1)
    return f"{prefix}-{draw.unique_digits(7)}-{draw.digits(7)}"


def _quantity(draw: Draw) -> int:
    return draw.weighted(((1, 0.8), (2, 0.15), (3, 0.05)))


def _item(
    draw: Draw,
    market: _Market,
    product: Product,
    *,
    order_id: str,
    shipment_id: str,
    purchased_at: datetime,
    shipped_at: datetime | None,
    cancelled_at: datetime | None,
    address: tuple[str, str, str],
    promoted: bool,
) -> OrderItem:
    quantity = _quantity(draw)
    principal = product.price * quantity
    tax = money(principal * _US_SALES_TAX, market.currency) if market.code == "US" else Decimal(0)
    promotion = money(principal * Decimal("0.10"), market.currency) if promoted else Decimal(0)
    city, state, postal = address
    return OrderItem(
        order_id=order_id,
        order_item_id=draw.unique_digits(14),
        shipment_id=shipment_id,
        product=product,
        quantity=quantity,
        purchased_at=purchased_at,
        shipped_at=shipped_at,
        cancelled_at=cancelled_at,
        fulfillment_center=draw.pick(FULFILLMENT_CENTERS[market.code]),
        ship_service_level=draw.weighted((("Standard", 0.7), ("Expedited", 0.2), ("SecondDay", 0.1))),
        ship_city=city,
        ship_state=state,
        ship_postal_code=postal,
        ship_country=_COUNTRY.get(market.code, market.code),
        item_tax=tax,
        promotion=promotion,
        promotion_id=draw.code("PLM-", 12) if promoted else "",
        is_business_order=draw.chance(0.05),
    )


def _order(draw: Draw, market: _Market, day: datetime) -> list[OrderItem]:
    order_id = _order_id(draw, market.code)
    purchased_at = draw.moment(day, day + timedelta(days=1))
    cancelled = draw.chance(0.03)
    cancelled_at = draw.after(purchased_at, min_hours=0.5, max_hours=6) if cancelled else None
    shipped_at = None if cancelled else draw.after(purchased_at, min_hours=4, max_hours=40)
    shipment_id = draw.code("", 9)
    address = draw.pick(_ADDRESSES[market.code])
    promoted = draw.chance(0.08)
    # Two lines of one order are always two different SKUs, as Amazon merges same-SKU lines.
    products = draw.rng.sample(market.products, 2 if draw.chance(0.1) else 1)
    return [
        _item(
            draw,
            market,
            product,
            order_id=order_id,
            shipment_id=shipment_id,
            purchased_at=purchased_at,
            shipped_at=shipped_at,
            cancelled_at=cancelled_at,
            address=address,
            promoted=promoted,
        )
        for product in products
    ]


def generate_orders(
    draw: Draw, products: tuple[Product, ...], *, code: str, start: datetime, end: datetime
) -> list[OrderItem]:
    """Every order item of marketplace ``code`` purchased in ``[start, end)``, by purchase time."""
    market = _Market(code, products[0].currency, products)
    items: list[OrderItem] = []
    day = start
    while day < end:
        for _ in range(draw.count(_daily_mean(code, day))):
            items.extend(_order(draw, market, day))
        day += timedelta(days=1)
    items.sort(key=lambda item: (item.purchased_at, item.order_id, item.order_item_id))
    return items
