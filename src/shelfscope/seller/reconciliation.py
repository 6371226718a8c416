"""The reconciliation key: how a settlement line and a financial event are known to be one sum.

Settlement reports (last ~90 days) and Finances events (the 18-month backfill) describe the same
money, so the ledger must recognise a pair and count it once. Neither side has an id the other
knows, so the key is built from what both state:

    order id | posted date (UTC calendar day) | canonical amount type | amount | currency

- The order id is ``-`` for money without an order (fees, subscriptions, adjustments).
- The posted date is the UTC day of the posting time (settlement ``posted-date-time``, event
  ``PostedDate``), not the settlement's local ``posted-date``, so both sides land on the same day.
- The amount is written canonically (``12.1`` and ``12.10`` agree); the sign is kept.
- The canonical amount type is the settlement file's ``amount-type/amount-description``
  (``ItemPrice/Principal``, ``ItemFees/Commission``, ``ItemWithheldTax/MarketplaceFacilitatorTax-
  Principal``). A financial event's component list maps onto the settlement's amount-type
  (``ItemFeeList`` → ``ItemFees``) and its ``FeeType``/``ChargeType`` is the description.
  Promotions keep only ``Promotion``: the settlement writes ``Principal``/``Shipping`` where the
  event writes a ``PromotionType``, and the two vocabularies do not match.

Inventory reimbursements are spelled differently on the two sides: the settlement file writes
``FBA Inventory Reimbursement/WAREHOUSE_LOST`` (and sometimes the order of a returned unit), the
AdjustmentEvent only its ``AdjustmentType`` under the generic category. In the key both become
``other-transaction/WAREHOUSE_LOST`` with no order id.

The key does not make pairs unique: two units of one SKU shipped in one order carry the same
Principal on the same day. Matching must therefore be a multiset match (count per key on each
side), never a dictionary lookup. Events without a posted date (ServiceFee events) have no key;
they can only be matched within their financial event group.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shelfscope.seller.row_identity import canonical_text

__all__ = ["EVENT_LIST_AMOUNT_TYPES", "PROMOTION", "amount_type", "reconciliation_key"]

PROMOTION = "Promotion"
_ADJUSTMENT_CATEGORY = "other-transaction"
_REIMBURSEMENT_CATEGORIES = frozenset({"FBA Inventory Reimbursement", _ADJUSTMENT_CATEGORY})

EVENT_LIST_AMOUNT_TYPES = {
    "ItemChargeList": "ItemPrice",
    "ItemChargeAdjustmentList": "ItemPrice",
    "ItemFeeList": "ItemFees",
    "ItemFeeAdjustmentList": "ItemFees",
    "TaxesWithheld": "ItemWithheldTax",
    "PromotionList": PROMOTION,
    "PromotionAdjustmentList": PROMOTION,
    "ShipmentFeeList": "ShipmentFees",
    "ShipmentFeeAdjustmentList": "ShipmentFees",
    "OrderFeeList": "OrderFees",
    "OrderFeeAdjustmentList": "OrderFees",
    "OrderChargeList": "OrderPrice",
    "OrderChargeAdjustmentList": "OrderPrice",
    "DirectPaymentList": "DirectPayment",
}
"""Finance component lists → settlement ``amount-type``. The Item*, Promotion and withheld-tax
rows are verified against the paired fixtures (synthetic settlement V2 and financial events);
the order- and shipment-level names follow the settlement V1 column names."""


def amount_type(category: str | None, description: str | None) -> str | None:
    """``category/description`` (``ItemFees/Commission``), or the category alone for promotions."""
    if not category:
        return description or None
    if category == PROMOTION or not description:
        return category
    return f"{category}/{description}"


def reconciliation_key(
    *,
    order_id: str | None,
    posted_at: datetime | None,
    amount_type: str | None,
    amount: Decimal | None,
    currency: str | None,
) -> str | None:
    """The key (module docstring) or ``None`` when a part other than the order id is missing."""
    if posted_at is None or amount_type is None or amount is None or currency is None:
        return None
    day = posted_at.date().isoformat()
    category, _, description = amount_type.partition("/")
    if category in _REIMBURSEMENT_CATEGORIES and description:
        amount_type, order_id = f"{_ADJUSTMENT_CATEGORY}/{description}", None
    return "|".join((order_id or "-", day, amount_type, canonical_text(amount) or "0", currency.upper()))
