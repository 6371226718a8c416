"""FBA reimbursements: what Amazon paid (or took back) for lost, damaged and returned units.

The report ignores ``marketplaceIds`` and returns the whole region's reimbursements
(selling-partner-api-docs#1385), so it is requested once per region and its rows carry no
marketplace. A reimbursement id can span several item rows, and a reversal is its own row with
negative amounts and ``original-reimbursement-id`` pointing back.
"""

from __future__ import annotations

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.reports.spec import REGION_WIDE, AmountSlot, FlatFileSpec, LedgerFields, NaturalKey

SPEC = FlatFileSpec(
    report_type="GET_FBA_REIMBURSEMENTS_DATA",
    source=SourceKind.REIMBURSEMENTS,
    required=("approval-date", "reimbursement-id", "reason", "fnsku", "currency-unit", "amount-total"),
    optional=("case-id", "product-name", "condition", "original-reimbursement-type"),
    dates=("approval-date",),
    decimals=("amount-per-unit", "amount-total"),
    integers=("quantity-reimbursed-cash", "quantity-reimbursed-inventory", "quantity-reimbursed-total"),
    fields=LedgerFields(
        event_time=("approval-date",),
        sku="sku",
        asin="asin",
        fnsku="fnsku",
        order_id="amazon-order-id",
        quantity="quantity-reimbursed-total",
        entry_type="reason",
        reason="original-reimbursement-type",
        reference_id="reimbursement-id",
    ),
    amounts=(AmountSlot(column="amount-total", currency="currency-unit"),),
    key=NaturalKey(("reimbursement-id", "fnsku", "sku", "original-reimbursement-id")),
    marketplace=REGION_WIDE,
)
