"""Fee preview: Amazon's current fee estimate per SKU. A snapshot, not history.

Amazon refreshes it at least every 72 hours and only serves the present, so there is nothing to
backfill: one request (dataStartTime ≥ 72 h before now) stored as the snapshot of
``ReportContext.data_end_time``. The key is the SKU on that snapshot day. The layout differs by
marketplace (US 25 columns with ``product-size-tier``, EU 28 or 29 with
``product-size-weight-band`` and per-country EFN fees, CA 22); all numeric columns are decimals.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import PER_REQUEST, AmountSlot, FlatFileSpec, LedgerFields, NaturalKey

_EFN_COUNTRIES = ("uk", "de", "fr", "it", "es", "se")

SPEC = FlatFileSpec(
    report_type="GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA",
    source=SourceKind.FEE_PREVIEW,
    required=("sku", "asin", "currency", "estimated-fee-total"),
    optional=(
        "product-name",
        "product-group",
        "brand",
        "fulfilled-by",
        "has-local-inventory",
        "unit-of-dimension",
        "unit-of-weight",
        "product-size-tier",
        "product-size-weight-band",
    ),
    decimals=(
        "your-price",
        "sales-price",
        "longest-side",
        "median-side",
        "shortest-side",
        "length-and-girth",
        "item-package-weight",
        "estimated-fee-total",
        "estimated-referral-fee-per-unit",
        "estimated-variable-closing-fee",
        "estimated-order-handling-fee-per-order",
        "estimated-pick-pack-fee-per-unit",
        "estimated-weight-handling-fee-per-unit",
        "expected-fulfillment-fee-per-unit",
        "expected-domestic-fulfilment-fee-per-unit",
        *(f"expected-efn-fulfilment-fee-per-unit-{country}" for country in _EFN_COUNTRIES),
    ),
    fields=LedgerFields(sku="sku", asin="asin", fnsku="fnsku"),
    amounts=(AmountSlot(column="estimated-fee-total", currency="currency"),),
    key=NaturalKey(("sku", "asin")),
    marketplace=PER_REQUEST,
    snapshot=True,
)
