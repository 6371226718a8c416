"""Settlement report V2 flat file: every sum in one settlement period, one line per amount.

It cannot be requested: Amazon generates it when a period closes, getReports lists it for about
90 days, and older periods come from Finances event groups. The first data line is the summary
(settlement id, dates, ``total-amount``, ``currency``); detail lines leave those blank, so the
currency is carried down from it. Detail money is ``amount-type``/``amount-description``/
``amount``. ``promotion-id`` is optional (seen in real files, not on Amazon's attribute page).

A settlement file never changes once generated, so every identifying column goes into the hash.
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

SPEC = FlatFileSpec(
    report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
    source=SourceKind.SETTLEMENT,
    required=(
        "settlement-id",
        "total-amount",
        "currency",
        "transaction-type",
        "amount-type",
        "amount",
        "posted-date",
    ),
    optional=("merchant-order-id", "fulfillment-id", "merchant-order-item-id", "merchant-adjustment-item-id"),
    dates=("settlement-start-date", "settlement-end-date", "deposit-date", "posted-date", "posted-date-time"),
    decimals=("total-amount", "amount"),
    integers=("quantity-purchased",),
    fields=LedgerFields(
        event_time=("posted-date-time", "posted-date"),
        sku="sku",
        order_id="order-id",
        quantity="quantity-purchased",
        entry_type="transaction-type",
        reference_id="settlement-id",
    ),
    amounts=(
        AmountSlot(
            column="amount",
            currency="currency",
            type_column="amount-type",
            description_column="amount-description",
        ),
    ),
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
            "amount-type",
            "amount-description",
            "amount",
            "posted-date-time",
            "posted-date",
            "order-item-code",
            "sku",
            "quantity-purchased",
            "promotion-id",
        )
    ),
    marketplace=PER_REQUEST.with_site("marketplace-name"),
    reconcile=True,
)
