"""Finances v0 events into ledger rows: one row per sum of money an event moved.

An event is a tree: a ShipmentEvent holds items, each item holds charge, fee, withheld-tax and
promotion lists, each entry holds a Currency. The walker visits the tree once and books every
Currency it meets, with the identifiers of the item it sits in (SKU, FNSKU, ASIN, quantity).
A Currency inside a typed component (``{"FeeType": "Commission", "FeeAmount": …}``) takes its
description from the type and its category from the list (``ItemFeeList`` → ``ItemFees``), which
is what makes it reconcilable with the settlement line for the same money
(:mod:`shelfscope.seller.reconciliation`). Per-list differences live in
:mod:`shelfscope.seller.finances.event_specs`.

Row identity: the event's id fields, posting time, the path of the sum inside the event
(``ShipmentItemList[0].ItemFeeList[1].FeeAmount``), the amount and currency, plus the occurrence
index for identical events. New fields Amazon adds to an event do not change it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shelfscope.errors import ParseError
from shelfscope.seller.finances.event_specs import EventListSpec
from shelfscope.seller.ledger_rows import LedgerRow, SourceKind, Value
from shelfscope.seller.marketplaces import by_country, by_id, by_site
from shelfscope.seller.money import Money, is_money, money_from_json
from shelfscope.seller.reconciliation import EVENT_LIST_AMOUNT_TYPES, amount_type, reconciliation_key
from shelfscope.seller.row_identity import OccurrenceCounter, identity_hash
from shelfscope.seller.values import parse_datetime

__all__ = ["FinanceContext", "flatten_event"]

_POSTED_FIELDS = ("PostedDate", "postedDate", "TransactionPostedDate", "TransactionCreationDate")
_ORDER_FIELDS = (
    "AmazonOrderId",
    "OrderId",
    "SellerOrderId",
    "MerchantOrderId",
    "TDSOrderId",
    "OriginalRemovalOrderId",
)
_EVENT_ID_FIELDS = (
    *_ORDER_FIELDS,
    "AdjustmentEventId",
    "SAFETClaimId",
    "NetCoTransactionID",
    "TransactionId",
    "invoiceId",
    "dealId",
    "CouponId",
    "PaymentEventId",
    "EnrollmentId",
    "ImagingRequestBillingItemID",
    "TransferId",
    "DisbursementId",
    "FinancialEventGroupId",
)
_COMPONENT_TYPE_KEYS = ("ChargeType", "FeeType", "PromotionType", "DirectPaymentType")
_ITEM_FIELDS = {
    "SellerSKU": "sku",
    "SKU": "sku",
    "FnSKU": "fnsku",
    "FulfillmentNetworkSKU": "fnsku",
    "ASIN": "asin",
    "ParentASIN": "asin",
    "QuantityShipped": "quantity",
    "Quantity": "quantity",
    "AdjustedQuantity": "quantity",
    "quantity": "quantity",
    "OrderItemId": "order_item_id",
    "OrderAdjustmentItemId": "order_adjustment_item_id",
    "RemovalShipmentItemId": "removal_item_id",
    "TransactionNumber": "transaction_number",
}


@dataclass(frozen=True, kw_only=True)
class FinanceContext:
    """Where a page of events came from.

    ``window_end`` (the request's PostedBefore, or the group's end) dates events Amazon sends
    without a PostedDate; ``group_id`` is set when the page came from
    listFinancialEventsByGroupId and is then the scope of those undated events' identity.
    """

    operation: str = "listFinancialEvents"
    window_start: datetime | None = None
    window_end: datetime | None = None
    group_id: str | None = None
    marketplace_id: str | None = None

    @property
    def scope(self) -> str:
        if self.group_id:
            return f"group:{self.group_id}"
        start = self.window_start.isoformat() if self.window_start else ""
        end = self.window_end.isoformat() if self.window_end else ""
        return f"window:{start}/{end}"


@dataclass(frozen=True)
class _Sum:
    path: str
    field: str
    top_level: bool
    money: Money
    category: str
    component_type: str | None
    identifiers: Mapping[str, str]


def flatten_event(
    event: Mapping[str, Any], *, spec: EventListSpec, context: FinanceContext, occurrences: OccurrenceCounter
) -> Iterator[LedgerRow]:
    """The ledger rows of one event of ``spec.list_name``."""
    where = f"{spec.list_name} event"
    sums = list(_walk(event, path="", container=spec.list_name, identifiers={}, spec=spec, where=where))
    booked = [s for s in sums if not (s.top_level and s.field in spec.totals)]
    posted = _posted_at(event, where=where)
    event_time = posted or context.window_end
    if event_time is None:
        raise ParseError(f"{where} has no posted date and the page has no window end to date it by")
    reason = _text(event.get(spec.reason_field)) if spec.reason_field else None
    order_id = next((_text(event.get(name)) for name in _ORDER_FIELDS if _text(event.get(name))), None)
    event_ids = {name: _text(event.get(name)) for name in _EVENT_ID_FIELDS if _text(event.get(name))}
    for found in booked or sums:
        yield _row(
            found,
            event=event,
            spec=spec,
            context=context,
            occurrences=occurrences,
            posted=posted,
            event_time=event_time,
            order_id=order_id,
            reason=reason,
            event_ids=event_ids,
        )


def _row(
    found: _Sum,
    *,
    event: Mapping[str, Any],
    spec: EventListSpec,
    context: FinanceContext,
    occurrences: OccurrenceCounter,
    posted: datetime | None,
    event_time: datetime,
    order_id: str | None,
    reason: str | None,
    event_ids: Mapping[str, str | None],
) -> LedgerRow:
    # A typed component names itself (FeeType); a bare sum is named by its field, or for
    # adjustments by the event's subtype (AdjustmentType).
    bare_name = reason if spec.describe_by_reason and reason else found.field
    money_type = amount_type(found.category, found.component_type or bare_name)
    identity: dict[str, Value] = {
        "list": spec.list_name,
        "posted": posted,
        "path": found.path,
        "reason": reason,
        "amount": found.money.amount,
        "currency": found.money.currency,
        **event_ids,
        **{f"item.{key}": value for key, value in found.identifiers.items() if key != "quantity"},
    }
    if posted is None:
        identity["scope"] = context.scope
    row_hash = identity_hash(SourceKind.FINANCIAL_EVENTS, identity)
    quantity = found.identifiers.get("quantity")
    return LedgerRow(
        source=SourceKind.FINANCIAL_EVENTS,
        report_type=context.operation,
        event_time=event_time,
        event_time_inferred=posted is None,
        row_hash=row_hash,
        occurrence=occurrences.next_index(row_hash),
        marketplace_id=_marketplace(event) or context.marketplace_id,
        sku=found.identifiers.get("sku"),
        asin=found.identifiers.get("asin"),
        fnsku=found.identifiers.get("fnsku"),
        order_id=order_id,
        quantity=int(quantity) if quantity and quantity.lstrip("-").isdigit() else None,
        amount=found.money.amount,
        currency=found.money.currency,
        entry_type=spec.kind,
        amount_type=money_type,
        reason=reason,
        reference_id=context.group_id or _text(event.get("FinancialEventGroupId")),
        reconciliation_key=reconciliation_key(
            order_id=order_id,
            posted_at=posted,
            amount_type=money_type,
            amount=found.money.amount,
            currency=found.money.currency,
        ),
        values={"list": spec.list_name, "path": found.path, "field": found.field, **found.identifiers},
        raw=event,
    )


def _walk(
    node: Mapping[str, Any],
    *,
    path: str,
    container: str,
    identifiers: Mapping[str, str],
    spec: EventListSpec,
    where: str,
) -> Iterator[_Sum]:
    here = {**identifiers, **_identifiers(node)}
    component_type = next((node[key] for key in _COMPONENT_TYPE_KEYS if isinstance(node.get(key), str)), None)
    for key, value in node.items():
        if key in spec.informational:
            continue
        child = f"{path}.{key}" if path else key
        if is_money(value):
            money = money_from_json(value, where=f"{where} {child}")
            if money is None:
                continue
            category = (
                EVENT_LIST_AMOUNT_TYPES.get(container, spec.category) if component_type else spec.category
            )
            yield _Sum(child, key, not path, money, category, component_type, here)
        elif isinstance(value, Mapping):
            yield from _walk(value, path=child, container=key, identifiers=here, spec=spec, where=where)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from _walk(
                        item,
                        path=f"{child}[{index}]",
                        container=key,
                        identifiers=here,
                        spec=spec,
                        where=where,
                    )


def _identifiers(node: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for key, name in _ITEM_FIELDS.items():
        value = node.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            found[name] = str(value).strip()
    return found


def _posted_at(event: Mapping[str, Any], *, where: str) -> datetime | None:
    for name in _POSTED_FIELDS:
        text = _text(event.get(name))
        if text:
            try:
                return parse_datetime(text)
            except ValueError as exc:
                raise ParseError(f"{where}: {name}: {exc}") from exc
    return None


def _marketplace(event: Mapping[str, Any]) -> str | None:
    found = (
        by_id(_text(event.get("MarketplaceId")))
        or by_site(_text(event.get("MarketplaceName")))
        or by_country(_text(event.get("MarketplaceCountryCode")))
    )
    return found.marketplace_id if found else None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
