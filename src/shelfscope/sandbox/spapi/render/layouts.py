"""Column layouts of the report documents, exactly as Amazon's files spell their headers.

Sources (recorded in ``shared/fixtures/spapi/headers``): Amazon's "reports attributes" pages for
the official layouts, Airbyte's production schema for the spaced inventory-ledger header with
``Date and Time``, MWS-era parsers for the per-marketplace fee-preview variants, and observed
settlement files with ``promotion-id``. Which layout a marketplace gets is chosen so that every
variant a parser must tolerate is served somewhere.
"""

from __future__ import annotations

__all__ = ["layout_for"]


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


LEDGER_DETAIL_SPACED = _columns(
    "Date|FNSKU|ASIN|MSKU|Title|Event Type|Reference ID|Quantity|Fulfillment Center|Disposition|Reason"
    "|Country|Reconciled Quantity|Unreconciled Quantity|Date and Time"
)
LEDGER_DETAIL_OFFICIAL = _columns(
    "Date|FNSKU|ASIN|MSKU|Title|EventType|ReferenceID|Quantity|FulfillmentCenter|Disposition|Reason|Country"
    "|ReconciledQuantity|UnreconciledQuantity"
)
REIMBURSEMENTS = _columns(
    "approval-date|reimbursement-id|case-id|amazon-order-id|reason|sku|fnsku|asin|product-name|condition"
    "|currency-unit|amount-per-unit|amount-total|quantity-reimbursed-cash|quantity-reimbursed-inventory"
    "|quantity-reimbursed-total|original-reimbursement-id|original-reimbursement-type"
)
CUSTOMER_RETURNS = _columns(
    "return-date|order-id|sku|asin|fnsku|product-name|quantity|fulfillment-center-id|detailed-disposition"
    "|reason|status|license-plate-number|customer-comments"
)
_ORDERS_HEAD = (
    "amazon-order-id|merchant-order-id|purchase-date|last-updated-date|order-status|fulfillment-channel"
    "|sales-channel|order-channel|ship-service-level|product-name|sku|asin|item-status|quantity|currency"
    "|item-price|item-tax|shipping-price|shipping-tax|gift-wrap-price|gift-wrap-tax|item-promotion-discount"
    "|ship-promotion-discount|ship-city|ship-state|ship-postal-code|ship-country|promotion-ids"
)
ORDERS_BY_ORDER_DATE = _columns(
    _ORDERS_HEAD + "|cpf|is-business-order|purchase-order-number|price-designation"
)
ORDERS_BY_LAST_UPDATE = _columns(_ORDERS_HEAD + "|is-business-order|purchase-order-number|price-designation")
_FEES_HEAD = "sku|fnsku|asin|product-name|product-group|brand|fulfilled-by"
_FEES_SIZES = (
    "your-price|sales-price|longest-side|median-side|shortest-side|length-and-girth|unit-of-dimension"
    "|item-package-weight|unit-of-weight"
)
_EFN = (
    "expected-efn-fulfilment-fee-per-unit-uk|expected-efn-fulfilment-fee-per-unit-de"
    "|expected-efn-fulfilment-fee-per-unit-fr|expected-efn-fulfilment-fee-per-unit-it"
    "|expected-efn-fulfilment-fee-per-unit-es"
)
FEES_US = _columns(
    f"{_FEES_HEAD}|{_FEES_SIZES}|product-size-tier|currency|estimated-fee-total|estimated-referral-fee-per-unit"
    "|estimated-variable-closing-fee|estimated-order-handling-fee-per-order|estimated-pick-pack-fee-per-unit"
    "|estimated-weight-handling-fee-per-unit|expected-fulfillment-fee-per-unit"
)
FEES_CA = _columns(
    f"{_FEES_HEAD}|{_FEES_SIZES}|currency|estimated-fee-total|estimated-referral-fee-per-unit"
    "|estimated-variable-closing-fee|estimated-pick-pack-fee-per-unit|estimated-weight-handling-fee-per-unit"
)
FEES_UK = _columns(
    f"{_FEES_HEAD}|has-local-inventory|{_FEES_SIZES}|product-size-weight-band|currency|estimated-fee-total"
    "|estimated-referral-fee-per-unit|estimated-variable-closing-fee|estimated-order-handling-fee-per-order"
    f"|expected-domestic-fulfilment-fee-per-unit|{_EFN}"
)
FEES_EU = _columns(
    f"{_FEES_HEAD}|has-local-inventory|{_FEES_SIZES}|product-size-weight-band|currency|estimated-fee-total"
    "|estimated-referral-fee-per-unit|estimated-variable-closing-fee|expected-domestic-fulfilment-fee-per-unit"
    f"|{_EFN}|expected-efn-fulfilment-fee-per-unit-se"
)
SETTLEMENT_OFFICIAL = _columns(
    "settlement-id|settlement-start-date|settlement-end-date|deposit-date|total-amount|currency"
    "|transaction-type|order-id|merchant-order-id|adjustment-id|shipment-id|marketplace-name|amount-type"
    "|amount-description|amount|fulfillment-id|posted-date|posted-date-time|order-item-code"
    "|merchant-order-item-id|merchant-adjustment-item-id|sku|quantity-purchased"
)
SETTLEMENT_WITH_PROMOTION = (*SETTLEMENT_OFFICIAL, "promotion-id")

_BY_TYPE: dict[str, dict[str, tuple[str, ...]]] = {
    "GET_LEDGER_DETAIL_VIEW_DATA": {"NA": LEDGER_DETAIL_SPACED, "*": LEDGER_DETAIL_OFFICIAL},
    "GET_FBA_REIMBURSEMENTS_DATA": {"*": REIMBURSEMENTS},
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": {"*": CUSTOMER_RETURNS},
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": {"*": ORDERS_BY_ORDER_DATE},
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": {"*": ORDERS_BY_LAST_UPDATE},
    # Japan has no published fee-preview layout; it gets the core columns of the Canadian one.
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA": {
        "US": FEES_US,
        "CA": FEES_CA,
        "JP": FEES_CA,
        "UK": FEES_UK,
        "*": FEES_EU,
    },
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2": {"NA": SETTLEMENT_WITH_PROMOTION, "*": SETTLEMENT_OFFICIAL},
}


def layout_for(report_type: str, *, region: str, marketplace: str) -> tuple[str, ...]:
    """The header of ``report_type`` as served for ``marketplace`` (a code) in ``region``."""
    variants = _BY_TYPE[report_type]
    return variants.get(marketplace) or variants.get(region) or variants["*"]
