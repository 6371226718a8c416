"""History records as report rows: one ``{column: text}`` mapping per row.

A mapping may name columns a layout lacks (both spellings of the ledger columns, the fee
columns of every marketplace); the writer keeps what the layout asks for and leaves the rest
empty, so one builder serves every layout variant of a report type.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shelfscope.sandbox.spapi.history.model import (
    CustomerReturn,
    LedgerEvent,
    MoneyLine,
    OrderItem,
    Product,
    Reimbursement,
    SettlementPeriod,
)
from shelfscope.sandbox.spapi.render.formats import (
    amount,
    iso,
    ledger_country,
    ledger_date,
    settlement_date,
    settlement_time,
    site_name,
)

__all__ = [
    "fee_preview_row",
    "ledger_row",
    "order_row",
    "reimbursement_row",
    "return_row",
    "settlement_line_row",
    "settlement_summary_row",
]

Row = dict[str, str]
_LOSS_REASONS = frozenset({"M", "E"})


def _reconciled(event: LedgerEvent, as_of: datetime) -> tuple[int, int]:
    # Amazon keeps a loss unreconciled until the unit is found or reimbursed.
    if event.reason in _LOSS_REASONS and (event.resolved_at is None or event.resolved_at > as_of):
        return 0, event.quantity
    return event.quantity, 0


def ledger_row(event: LedgerEvent, *, as_of: datetime) -> Row:
    product = event.product
    reconciled, unreconciled = _reconciled(event, as_of)
    return {
        "Date": ledger_date(event.at),
        "FNSKU": product.fnsku,
        "ASIN": product.asin,
        "MSKU": product.sku,
        "Title": product.title,
        "Event Type": event.event_type,
        "EventType": event.event_type,
        "Reference ID": event.reference_id,
        "ReferenceID": event.reference_id,
        "Quantity": str(event.quantity),
        "Fulfillment Center": event.fulfillment_center,
        "FulfillmentCenter": event.fulfillment_center,
        "Disposition": event.disposition,
        "Reason": event.reason,
        "Country": ledger_country(product.marketplace),
        "Reconciled Quantity": str(reconciled),
        "ReconciledQuantity": str(reconciled),
        "Unreconciled Quantity": str(unreconciled),
        "UnreconciledQuantity": str(unreconciled),
        "Date and Time": iso(event.at),
    }


def reimbursement_row(paid: Reimbursement) -> Row:
    product = paid.product
    # A reversal shows its per-unit amount negative, like its total.
    per_unit = -paid.amount_per_unit if paid.quantity_cash < 0 else paid.amount_per_unit
    return {
        "approval-date": iso(paid.approved_at),
        "reimbursement-id": paid.reimbursement_id,
        "case-id": paid.case_id,
        "amazon-order-id": paid.order_id,
        "reason": paid.reason,
        "sku": product.sku,
        "fnsku": product.fnsku,
        "asin": product.asin,
        "product-name": product.title,
        "condition": paid.condition,
        "currency-unit": product.currency,
        "amount-per-unit": amount(per_unit, product.currency),
        "amount-total": amount(paid.amount_total, product.currency),
        "quantity-reimbursed-cash": str(paid.quantity_cash),
        "quantity-reimbursed-inventory": str(paid.quantity_inventory),
        "quantity-reimbursed-total": str(paid.quantity_total),
        "original-reimbursement-id": paid.original_reimbursement_id,
        "original-reimbursement-type": paid.original_reimbursement_type,
    }


def return_row(returned: CustomerReturn) -> Row:
    product = returned.product
    return {
        "return-date": iso(returned.returned_at),
        "order-id": returned.order_id,
        "sku": product.sku,
        "asin": product.asin,
        "fnsku": product.fnsku,
        "product-name": product.title,
        "quantity": str(returned.quantity),
        "fulfillment-center-id": returned.fulfillment_center,
        "detailed-disposition": returned.disposition,
        "reason": returned.reason,
        "status": returned.status,
        "license-plate-number": returned.license_plate_number,
        "customer-comments": returned.customer_comments,
    }


def _order_money(item: OrderItem) -> Row:
    currency = item.product.currency
    return {
        "currency": currency,
        "item-price": amount(item.principal, currency),
        "item-tax": amount(item.item_tax, currency),
        "shipping-price": amount(Decimal(0), currency),
        "shipping-tax": amount(Decimal(0), currency),
        "item-promotion-discount": amount(-item.promotion, currency) if item.promotion else "",
    }


def order_row(item: OrderItem, *, as_of: datetime) -> Row:
    product = item.product
    order_status, item_status = item.status_at(as_of)
    row = {
        "amazon-order-id": item.order_id,
        "merchant-order-id": item.order_id,
        "purchase-date": iso(item.purchased_at),
        "last-updated-date": iso(item.last_updated_at(as_of)),
        "order-status": order_status,
        "fulfillment-channel": "Amazon",
        "sales-channel": site_name(product.marketplace),
        "ship-service-level": item.ship_service_level,
        "product-name": product.title,
        "sku": product.sku,
        "asin": product.asin,
        "item-status": item_status,
        # Cancelled lines show quantity 0; pending ones have no prices yet (not zero prices).
        "quantity": "0" if order_status == "Cancelled" else str(item.quantity),
        "ship-city": item.ship_city,
        "ship-state": item.ship_state,
        "ship-postal-code": item.ship_postal_code,
        "ship-country": item.ship_country,
        "promotion-ids": item.promotion_id,
        "is-business-order": "true" if item.is_business_order else "false",
        "price-designation": "BusinessPrice" if item.is_business_order else "",
    }
    if order_status == "Shipped":
        row |= _order_money(item)
    return row


def fee_preview_row(product: Product) -> Row:
    currency = product.currency
    referral = product.price * product.referral_rate
    fee = amount(product.fulfillment_fee, currency)
    girth = product.longest_side + 2 * (product.median_side + product.shortest_side)
    row = {
        "sku": product.sku,
        "fnsku": product.fnsku,
        "asin": product.asin,
        "product-name": product.title,
        "product-group": product.product_group,
        "brand": product.brand,
        "fulfilled-by": "Amazon",
        "has-local-inventory": "Yes",
        "your-price": amount(product.price, currency),
        "sales-price": amount(product.price, currency),
        "longest-side": f"{product.longest_side:.2f}",
        "median-side": f"{product.median_side:.2f}",
        "shortest-side": f"{product.shortest_side:.2f}",
        "length-and-girth": f"{girth:.2f}",
        "unit-of-dimension": product.dimension_unit,
        "item-package-weight": f"{product.weight:.2f}",
        "unit-of-weight": product.weight_unit,
        "product-size-tier": product.reported_tier,
        "product-size-weight-band": product.reported_tier,
        "currency": currency,
        "estimated-fee-total": amount(referral + product.fulfillment_fee, currency),
        "estimated-referral-fee-per-unit": amount(referral, currency),
        "estimated-variable-closing-fee": amount(Decimal(0), currency),
        "expected-fulfillment-fee-per-unit": fee,
        "expected-domestic-fulfilment-fee-per-unit": fee,
    }
    if product.marketplace in ("CA", "JP"):
        row |= {
            "estimated-pick-pack-fee-per-unit": fee,
            "estimated-weight-handling-fee-per-unit": amount(Decimal(0), currency),
        }
    for country in ("uk", "de", "fr", "it", "es", "se"):
        if country != product.marketplace.lower():
            row[f"expected-efn-fulfilment-fee-per-unit-{country}"] = amount(
                product.fulfillment_fee + 1, currency
            )
    return row


def settlement_summary_row(period: SettlementPeriod) -> Row:
    """The first data line: the settlement's dates, payout total and currency, nothing else."""
    return {
        "settlement-id": period.settlement_id,
        "settlement-start-date": settlement_time(period.start),
        "settlement-end-date": settlement_time(period.end),
        "deposit-date": settlement_time(period.deposit_at),
        "total-amount": amount(period.total, period.currency),
        "currency": period.currency,
    }


def settlement_line_row(period: SettlementPeriod, line: MoneyLine) -> Row:
    is_order = line.transaction_type in ("Order", "Refund")
    return {
        "settlement-id": period.settlement_id,
        "transaction-type": line.transaction_type,
        "order-id": line.order_id,
        "adjustment-id": line.adjustment_id if line.transaction_type == "Refund" else "",
        "shipment-id": line.shipment_id,
        "marketplace-name": site_name(line.marketplace),
        "amount-type": line.amount_type,
        "amount-description": line.amount_description,
        "amount": amount(line.amount, line.currency),
        "fulfillment-id": "AFN" if is_order else "",
        "posted-date": settlement_date(line.posted_at),
        "posted-date-time": settlement_time(line.posted_at),
        "order-item-code": line.order_item_code,
        "sku": line.sku,
        "quantity-purchased": str(line.quantity) if line.transaction_type == "Order" else "",
        "promotion-id": line.promotion_id,
    }
