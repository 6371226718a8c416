"""Settlement report V1 flat file (deprecated ``GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE``).

Amazon marks it deprecated, but it is the only real settlement data in our fixtures (a 2015
excerpt) and sellers still have archives of it. One line can hold several sums in pairs of
type and amount columns (a Principal price and a fulfilment fee on one line), so each filled
pair becomes its own ledger row; a line with no sum (the item line) becomes one row without
money. The pairs map onto the V2 amount types so both versions reconcile the same way.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import (
    PER_REQUEST,
    AmountSlot,
    FlatFileSpec,
    LedgerFields,
    RowHash,
    SummaryRows,
)


def _slot(
    column: str, category: str, *, type_column: str | None = None, description: str | None = None
) -> AmountSlot:
    return AmountSlot(
        column=column,
        currency="currency",
        category=category,
        description_column=type_column,
        description=description,
    )


_SLOTS = (
    _slot("price-amount", "ItemPrice", type_column="price-type"),
    _slot("item-related-fee-amount", "ItemFees", type_column="item-related-fee-type"),
    _slot("shipment-fee-amount", "ShipmentFees", type_column="shipment-fee-type"),
    _slot("order-fee-amount", "OrderFees", type_column="order-fee-type"),
    _slot("promotion-amount", "Promotion", type_column="promotion-type"),
    _slot("direct-payment-amount", "DirectPayment", type_column="direct-payment-type"),
    _slot("misc-fee-amount", "other-transaction", description="MiscFee"),
    _slot("other-fee-amount", "other-transaction", type_column="other-fee-reason-description"),
    _slot("other-amount", "other-transaction", description="Other"),
)

SPEC = FlatFileSpec(
    report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE",
    source=SourceKind.SETTLEMENT,
    required=("settlement-id", "total-amount", "currency", "transaction-type", "posted-date", "price-amount"),
    optional=(
        "merchant-order-id",
        "fulfillment-id",
        "merchant-order-item-id",
        "merchant-adjustment-item-id",
        "promotion-id",
    ),
    dates=("settlement-start-date", "settlement-end-date", "deposit-date", "posted-date"),
    decimals=("total-amount", *(slot.column for slot in _SLOTS)),
    integers=("quantity-purchased",),
    fields=LedgerFields(
        event_time=("posted-date",),
        sku="sku",
        order_id="order-id",
        quantity="quantity-purchased",
        entry_type="transaction-type",
        reference_id="settlement-id",
    ),
    amounts=_SLOTS,
    summary=SummaryRows(
        marker="total-amount",
        amount="total-amount",
        currency="currency",
        event_time=("deposit-date", "settlement-end-date"),
        key=("settlement-id",),
        inherit=("currency",),
    ),
    key=RowHash(
        (
            "settlement-id",
            "transaction-type",
            "order-id",
            "adjustment-id",
            "shipment-id",
            "posted-date",
            "order-item-code",
            "merchant-adjustment-item-id",
            "sku",
            "quantity-purchased",
            *(slot.column for slot in _SLOTS),
            *(slot.description_column for slot in _SLOTS if slot.description_column),
        )
    ),
    marketplace=PER_REQUEST.with_site("marketplace-name"),
    reconcile=True,
)
