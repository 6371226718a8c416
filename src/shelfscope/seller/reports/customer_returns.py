"""FBA customer returns: units customers sent back, with disposition and reason.

Region-wide like reimbursements (it ignores ``marketplaceIds``). Files are often Windows-1252
(selling-partner-api#809), which the decoder handles. The licence plate number identifies the
returned unit; the disposition is left out of the key because Amazon may re-grade a unit.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import REGION_WIDE, FlatFileSpec, LedgerFields, NaturalKey

SPEC = FlatFileSpec(
    report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
    source=SourceKind.CUSTOMER_RETURNS,
    required=("return-date", "order-id", "fnsku", "quantity", "detailed-disposition"),
    optional=("product-name", "fulfillment-center-id", "customer-comments"),
    dates=("return-date",),
    integers=("quantity",),
    fields=LedgerFields(
        event_time=("return-date",),
        sku="sku",
        asin="asin",
        fnsku="fnsku",
        order_id="order-id",
        quantity="quantity",
        entry_type="status",
        reason="reason",
        disposition="detailed-disposition",
        reference_id="license-plate-number",
    ),
    key=NaturalKey(("order-id", "fnsku", "license-plate-number", "return-date")),
    marketplace=REGION_WIDE,
)
