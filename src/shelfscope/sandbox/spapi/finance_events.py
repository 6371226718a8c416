"""Money lines as Finances v0 JSON: financial events and financial event groups.

Lines that share an ``event_key`` form one event. Shipments and refunds nest their sums per
item in typed component lists; an adjustment carries its total and one item; a service fee has
only its fee list and, as in Amazon's responses, no ``PostedDate`` (selling-partner-api-docs
#1131). Every response carries all event lists of the model, empty ones included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from shelfscope.sandbox.spapi.history.model import FinancialEventKind, MoneyLine, SettlementPeriod
from shelfscope.sandbox.spapi.render.formats import site_name
from shelfscope.sandbox.spapi.timefmt import finance_time

__all__ = ["EVENT_LISTS", "events_json", "group_events", "group_json"]

EVENT_LISTS = (
    "ShipmentEventList",
    "ShipmentSettleEventList",
    "RefundEventList",
    "GuaranteeClaimEventList",
    "EBTRefundReimbursementOnlyEventList",
    "ChargebackEventList",
    "PayWithAmazonEventList",
    "ServiceProviderCreditEventList",
    "RetrochargeEventList",
    "RentalTransactionEventList",
    "ProductAdsPaymentEventList",
    "ServiceFeeEventList",
    "SellerDealPaymentEventList",
    "DebtRecoveryEventList",
    "LoanServicingEventList",
    "AdjustmentEventList",
    "SAFETReimbursementEventList",
    "SellerReviewEnrollmentPaymentEventList",
    "FBALiquidationEventList",
    "CouponPaymentEventList",
    "ImagingServicesFeeEventList",
    "NetworkComminglingTransactionEventList",
    "AffordabilityExpenseEventList",
    "AffordabilityExpenseReversalEventList",
    "RemovalShipmentEventList",
    "RemovalShipmentAdjustmentEventList",
    "TrialShipmentEventList",
    "TDSReimbursementEventList",
    "AdhocDisbursementEventList",
    "TaxWithholdingEventList",
    "ChargeRefundEventList",
    "FailedAdhocDisbursementEventList",
    "ValueAddedServiceChargeEventList",
    "CapacityReservationBillingEventList",
)
"""The properties of ``FinancialEvents`` in financesV0.json, in the model's order."""

_TYPE_KEYS = {"FeeList": "Fee", "ItemFeeList": "Fee", "ItemFeeAdjustmentList": "Fee"}


def _currency(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"CurrencyCode": currency, "CurrencyAmount": float(amount)}


def _component(line: MoneyLine) -> dict[str, Any]:
    money = _currency(line.amount, line.currency)
    if line.component in ("PromotionList", "PromotionAdjustmentList"):
        return {
            "PromotionType": "PromotionMetaDataDefinitionValue",
            "PromotionId": line.promotion_id,
            "PromotionAmount": money,
        }
    if _TYPE_KEYS.get(line.component) == "Fee":
        return {"FeeType": line.type_code or line.amount_description, "FeeAmount": money}
    return {"ChargeType": line.amount_description, "ChargeAmount": money}


def _item(lines: list[MoneyLine], *, refund: bool) -> dict[str, Any]:
    first = lines[0]
    item: dict[str, Any] = {
        "SellerSKU": first.sku,
        "OrderAdjustmentItemId" if refund else "OrderItemId": first.order_item_code,
    }
    if first.quantity is not None:
        item["QuantityShipped"] = first.quantity
    for line in lines:
        if line.component == "ItemTaxWithheldList":
            withheld = {"TaxCollectionModel": "MarketplaceFacilitator", "TaxesWithheld": [_component(line)]}
            item.setdefault("ItemTaxWithheldList", []).append(withheld)
        else:
            item.setdefault(line.component, []).append(_component(line))
    return item


def _order_event(lines: list[MoneyLine]) -> dict[str, Any]:
    first = lines[0]
    refund = first.event_kind is FinancialEventKind.REFUND
    items: dict[str, list[MoneyLine]] = {}
    for line in lines:
        items.setdefault(line.order_item_code, []).append(line)
    return {
        "AmazonOrderId": first.order_id,
        "SellerOrderId": first.order_id,
        "MarketplaceName": site_name(first.marketplace),
        "PostedDate": finance_time(first.posted_at),
        "ShipmentItemAdjustmentList" if refund else "ShipmentItemList": [
            _item(group, refund=refund) for group in items.values()
        ],
    }


def _adjustment_event(lines: list[MoneyLine]) -> dict[str, Any]:
    line = lines[0]
    quantity = line.quantity or 1
    return {
        "AdjustmentType": line.type_code,
        "PostedDate": finance_time(line.posted_at),
        "AdjustmentAmount": _currency(line.amount, line.currency),
        "AdjustmentItemList": [
            {
                "Quantity": str(quantity),
                "PerUnitAmount": _currency(line.amount / quantity, line.currency),
                "TotalAmount": _currency(line.amount, line.currency),
                "SellerSKU": line.sku,
                "FnSKU": line.fnsku,
                "ProductDescription": line.title,
                "ASIN": line.asin,
            }
        ],
    }


def _service_fee_event(lines: list[MoneyLine]) -> dict[str, Any]:
    return {"FeeList": [_component(line) for line in lines]}


_BUILDERS = {
    FinancialEventKind.SHIPMENT: _order_event,
    FinancialEventKind.REFUND: _order_event,
    FinancialEventKind.ADJUSTMENT: _adjustment_event,
    FinancialEventKind.SERVICE_FEE: _service_fee_event,
}


def group_events(lines: Iterable[MoneyLine]) -> list[list[MoneyLine]]:
    """Lines gathered into events, in the order their first line appears."""
    events: dict[str, list[MoneyLine]] = {}
    for line in lines:
        events.setdefault(line.event_key, []).append(line)
    return list(events.values())


def events_json(events: list[list[MoneyLine]]) -> dict[str, list[dict[str, Any]]]:
    """A ``FinancialEvents`` object holding ``events``."""
    body: dict[str, list[dict[str, Any]]] = {name: [] for name in EVENT_LISTS}
    for lines in events:
        kind = lines[0].event_kind
        body[kind.value].append(_BUILDERS[kind](lines))
    return body


def group_json(period: SettlementPeriod, *, now: datetime) -> dict[str, Any]:
    """A ``FinancialEventGroup`` as it stands at ``now``: Open until the period ends."""
    posted = [line for line in period.lines if line.posted_at <= now]
    total = _currency(sum((line.amount for line in posted), Decimal(0)), period.currency)
    group: dict[str, Any] = {
        "FinancialEventGroupId": period.group_id,
        "ProcessingStatus": "Open" if now < period.end else "Closed",
        "FundTransferStatus": "Unknown",
        "OriginalTotal": total,
        "BeginningBalance": _currency(Decimal(0), period.currency),
        "FinancialEventGroupStart": finance_time(period.start),
    }
    if now >= period.end:
        group |= {
            "FinancialEventGroupEnd": finance_time(period.end),
            "ConvertedTotal": total,
            "TraceId": period.trace_id,
        }
        group["FundTransferStatus"] = "Processing"
    if now >= period.deposit_at:
        group |= {
            "FundTransferStatus": "Succeeded",
            "FundTransferDate": finance_time(period.deposit_at),
            "AccountTail": "042",
        }
    return group
