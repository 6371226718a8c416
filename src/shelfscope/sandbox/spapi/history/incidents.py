"""Units lost or damaged in Amazon's warehouses, and how each incident ends.

A lost unit (ledger adjustment ``M``) is either found again within days (``F``), reimbursed
within 5 to 25 days, or never reimbursed. A reimbursed unit that turns up later is found and the
reimbursement reversed. A unit damaged in the warehouse (``E`` out of sellable, ``6`` into
WAREHOUSE_DAMAGED, the codes of the ledger's adjustment reasons) is reimbursed in cash or with a
replacement unit, or never. Incidents of one FNSKU are at least 60 days apart, so every
reimbursement within 30 days belongs to exactly one incident: the planted cases are unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shelfscope.sandbox.spapi.history.catalog import money
from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.model import CaseKind, LedgerEvent, PlantedCase, Product, Reimbursement
from shelfscope.sandbox.spapi.history.orders import FULFILLMENT_CENTERS
from shelfscope.sandbox.spapi.history.parts import HistoryParts

__all__ = ["generate_incidents"]

REIMBURSEMENT_WINDOW = timedelta(days=30)
_SPACING = timedelta(days=60)
_MEAN_DAYS_BETWEEN = {"US": 8, "CA": 30, "UK": 15, "DE": 15, "FR": 25, "IT": 40, "ES": 40, "JP": 15}
_LOST, _DAMAGED = "Lost_Warehouse", "Damaged_Warehouse"


@dataclass(frozen=True)
class _Incident:
    product: Product
    at: datetime
    reason: str
    reference_id: str
    centre: str


def _ledger(incident: _Incident, *, at: datetime, code: str, quantity: int, disposition: str,
            resolved_at: datetime | None = None) -> LedgerEvent:  # fmt: skip
    return LedgerEvent(
        at=at,
        product=incident.product,
        event_type="Adjustments",
        reference_id=incident.reference_id,
        quantity=quantity,
        fulfillment_center=incident.centre,
        disposition=disposition,
        reason=code,
        resolved_at=resolved_at,
    )


def _reimburse(draw: Draw, incident: _Incident, *, cash: bool) -> Reimbursement:
    product = incident.product
    return Reimbursement(
        approved_at=draw.after(incident.at, min_hours=5 * 24, max_hours=25 * 24),
        reimbursement_id=draw.unique_digits(10),
        case_id=draw.unique_digits(11) if draw.chance(0.3) else "",
        order_id="",
        reason=incident.reason,
        product=product,
        condition="New",
        amount_per_unit=money(
            product.price * Decimal(str(round(draw.rng.uniform(0.55, 0.8), 2))), product.currency
        )
        if cash
        else Decimal(0),
        quantity_cash=1 if cash else 0,
        quantity_inventory=0 if cash else 1,
    )


def _reversal(draw: Draw, original: Reimbursement, found_at: datetime) -> Reimbursement:
    return Reimbursement(
        approved_at=draw.after(found_at, min_hours=2, max_hours=72),
        reimbursement_id=draw.unique_digits(10),
        case_id="",
        order_id="",
        reason="Reimbursement_Reversal",
        product=original.product,
        condition=original.condition,
        amount_per_unit=original.amount_per_unit,
        quantity_cash=-1,
        quantity_inventory=0,
        original_reimbursement_id=original.reimbursement_id,
        original_reimbursement_type=original.reason,
    )


def _unreimbursed(incident: _Incident) -> PlantedCase:
    product = incident.product
    return PlantedCase(
        kind=CaseKind.LOST_OR_DAMAGED_NOT_REIMBURSED,
        marketplace_id=product.marketplace_id,
        sku=product.sku,
        fnsku=product.fnsku,
        occurred_at=incident.at,
        due_at=incident.at + REIMBURSEMENT_WINDOW,
        amount=product.price,
        currency=product.currency,
        ids=(("reference_id", incident.reference_id), ("reason", incident.reason)),
    )


def _reversed(reversal: Reimbursement, incident: _Incident) -> PlantedCase:
    product = incident.product
    return PlantedCase(
        kind=CaseKind.REIMBURSEMENT_REVERSED,
        marketplace_id=product.marketplace_id,
        sku=product.sku,
        fnsku=product.fnsku,
        occurred_at=reversal.approved_at,
        due_at=reversal.approved_at,
        amount=-reversal.amount_total,
        currency=product.currency,
        ids=(
            ("reimbursement_id", reversal.reimbursement_id),
            ("original_reimbursement_id", reversal.original_reimbursement_id),
            ("reference_id", incident.reference_id),
        ),
    )


def _lost(draw: Draw, incident: _Incident, parts: HistoryParts) -> None:
    outcome = draw.weighted((("found", 0.35), ("reimbursed", 0.5), ("planted", 0.15)))
    if outcome == "planted":
        parts.ledger.append(_ledger(incident, at=incident.at, code="M", quantity=-1, disposition="SELLABLE"))
        parts.cases.append(_unreimbursed(incident))
        return
    found_at: datetime | None
    if outcome == "found":
        found_at = draw.after(incident.at, min_hours=2 * 24, max_hours=10 * 24)
        resolved_at = found_at
    else:
        paid = _reimburse(draw, incident, cash=True)
        parts.reimbursements.append(paid)
        resolved_at = paid.approved_at
        found_at = (
            draw.after(paid.approved_at, min_hours=5 * 24, max_hours=40 * 24) if draw.chance(0.33) else None
        )
        if found_at is not None:
            reversal = _reversal(draw, paid, found_at)
            parts.reimbursements.append(reversal)
            parts.cases.append(_reversed(reversal, incident))
    parts.ledger.append(
        _ledger(
            incident, at=incident.at, code="M", quantity=-1, disposition="SELLABLE", resolved_at=resolved_at
        )
    )
    if found_at is not None:
        parts.ledger.append(_ledger(incident, at=found_at, code="F", quantity=1, disposition="SELLABLE"))


def _damaged(draw: Draw, incident: _Incident, parts: HistoryParts) -> None:
    outcome = draw.weighted((("cash", 0.7), ("replacement", 0.15), ("planted", 0.15)))
    resolved = None
    if outcome == "planted":
        parts.cases.append(_unreimbursed(incident))
    else:
        paid = _reimburse(draw, incident, cash=outcome == "cash")
        parts.reimbursements.append(paid)
        resolved = paid.approved_at
    parts.ledger.append(
        _ledger(incident, at=incident.at, code="E", quantity=-1, disposition="SELLABLE", resolved_at=resolved)
    )
    parts.ledger.append(
        _ledger(incident, at=incident.at, code="6", quantity=1, disposition="WAREHOUSE_DAMAGED")
    )


def generate_incidents(
    draw: Draw, products: tuple[Product, ...], parts: HistoryParts, *, start: datetime, end: datetime
) -> None:
    """Warehouse incidents of one marketplace over ``[start, end)``."""
    code = products[0].marketplace
    last: dict[str, datetime] = {}
    moment = draw.after(start, min_hours=24, max_hours=_MEAN_DAYS_BETWEEN[code] * 24)
    while moment < end:
        ready = [
            product for product in products if moment - last.get(product.fnsku, start - _SPACING) >= _SPACING
        ]
        if ready:
            product = draw.pick(ready)
            last[product.fnsku] = moment
            incident = _Incident(
                product=product,
                at=moment,
                reason=_LOST if draw.chance(0.6) else _DAMAGED,
                reference_id=draw.unique_digits(10),
                centre=draw.pick(FULFILLMENT_CENTERS[code]),
            )
            (_lost if incident.reason == _LOST else _damaged)(draw, incident, parts)
        moment = draw.after(moment, min_hours=12, max_hours=_MEAN_DAYS_BETWEEN[code] * 48)
