"""All orders flat files: every order item in a window, whatever its channel or status.

Requested in windows of at most 30 days (longer ones come back empty or with "Date range
exceeded"). BY_ORDER_DATE serves the backfill, BY_LAST_UPDATE the daily sync; both describe the
same rows, so they share one source kind and one key.

There is no usable primary key: an order item appears once per fulfilment split with the same
order id and SKU. The key is therefore a hash of the item's identity plus the occurrence index.
Status, prices and ``last-updated-date`` change while an order moves from Pending to Shipped;
hashing them would turn every update into a new row and count its units twice, so they are left
out and a later download upserts in place. Pending rows have empty prices: no amount, not zero.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import PER_REQUEST, AmountSlot, FlatFileSpec, LedgerFields, RowHash

_PRICES = (
    "item-price",
    "item-tax",
    "shipping-price",
    "shipping-tax",
    "gift-wrap-price",
    "gift-wrap-tax",
    "item-promotion-discount",
    "ship-promotion-discount",
)


def _spec(report_type: str) -> FlatFileSpec:
    return FlatFileSpec(
        report_type=report_type,
        source=SourceKind.ORDERS,
        required=("amazon-order-id", "purchase-date", "order-status", "sku", "quantity"),
        optional=(
            "merchant-order-id",
            "product-name",
            "fulfillment-channel",
            "ship-service-level",
            "ship-country",
            "promotion-ids",
        ),
        dates=("purchase-date", "last-updated-date"),
        decimals=_PRICES,
        integers=("quantity", "number-of-items"),
        fields=LedgerFields(
            event_time=("purchase-date",),
            sku="sku",
            asin="asin",
            order_id="amazon-order-id",
            quantity="quantity",
            entry_type="order-status",
            status="item-status",
        ),
        amounts=(AmountSlot(column="item-price", currency="currency"),),
        key=RowHash(("amazon-order-id", "sku")),
        marketplace=PER_REQUEST.with_site("sales-channel"),
    )


BY_ORDER_DATE = _spec("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL")
BY_LAST_UPDATE = _spec("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL")
