"""Rule: units lost or damaged in a fulfilment centre and not put right within 30 days.

Evidence is an inventory-ledger ``Adjustments`` row taking units out with one of Amazon's
adjustment reasons for warehouse trouble: ``M`` (misplaced, i.e. lost) or ``E`` (damaged at an
Amazon fulfilment centre). The loss is put right, for the same FNSKU, by a reimbursement for
warehouse loss or damage (cash or a replacement unit) or a ``F`` (found) adjustment dated within
the policy wait; each reimbursed or found unit settles one lost unit, oldest loss first. Rows
with the loss's reference id (the ``6`` move into WAREHOUSE_DAMAGED) join its evidence. A loss
from before the synced reimbursements history is not judged: its payment may predate it.

The amount at stake is the seller's listed price per unit (fee-preview ``your-price``), which is
what Amazon's reimbursement is based on before its own adjustments; for a SKU no longer in the
fee preview, what Amazon last paid per unit of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shelfscope.seller.cases.facts import Evidence, Finding, LateResolution, LedgerFact, LedgerView, Selection
from shelfscope.seller.cases.policy import CaseKind, policy_for
from shelfscope.seller.cases.rules import Rule
from shelfscope.seller.cases.rules.matching import UnitPool, date_of, units
from shelfscope.seller.ledger_rows import SourceKind

__all__ = ["FOUND_REASONS", "LOSS_REASONS", "REIMBURSEMENT_REASONS", "RULE", "find"]

LOSS_REASONS = {"M": "lost", "E": "damaged"}
FOUND_REASONS = frozenset({"F"})
REIMBURSEMENT_REASONS = frozenset({"Lost_Warehouse", "Damaged_Warehouse"})
_POLICY = policy_for(CaseKind.LOST_OR_DAMAGED)


def _reason(fact: LedgerFact) -> str:
    return fact.text("Reason", "reason")


def _same_item(loss: LedgerFact, reserved: frozenset[str]) -> Callable[[LedgerFact], bool]:
    """Entries of the loss's FNSKU (or SKU); a found row naming another loss's reference is that loss's."""

    def accepts(fact: LedgerFact) -> bool:
        if fact.reference_id in reserved and fact.reference_id != loss.reference_id:
            return False
        if loss.fnsku and fact.fnsku:
            return fact.fnsku == loss.fnsku
        return bool(loss.sku) and fact.sku == loss.sku

    return accepts


@dataclass(frozen=True, slots=True)
class _Open:
    loss: LedgerFact
    missing: int
    until: datetime
    """Late news counts up to the next loss of the same item (after that it is the next one's)."""


def _unresolved(ledger: LedgerView, paid: UnitPool, found: UnitPool, now: datetime) -> list[_Open]:
    """Losses past their wait with units neither reimbursed nor found in time, oldest first."""
    adjustments = ledger.source(SourceKind.INVENTORY_LEDGER)
    covered = ledger.covered_from(SourceKind.REIMBURSEMENTS)
    losses = [
        f
        for f in adjustments
        if (f.quantity or 0) < 0
        and _reason(f) in LOSS_REASONS
        and (covered is None or f.event_time >= covered)
    ]
    reserved = frozenset(f.reference_id for f in losses if f.reference_id)
    result: list[_Open] = []
    for index, loss in enumerate(losses):
        due = _POLICY.eligible_at(loss.event_time)
        accepts = _same_item(loss, reserved)
        wanted = units(loss)
        _, by_money = paid.take(wanted, accepts=accepts, since=loss.event_time, until=due)
        _, by_finding = found.take(wanted - by_money, accepts=accepts, since=loss.event_time, until=due)
        missing = wanted - by_money - by_finding
        if missing > 0 and due <= now:
            same = _same_item(loss, frozenset())
            later = [f.event_time for f in losses[index + 1 :] if same(f)]
            result.append(_Open(loss, missing, min([now, *later])))
    return result


def find(ledger: LedgerView, now: datetime) -> Iterator[Finding]:
    adjustments = ledger.source(SourceKind.INVENTORY_LEDGER)
    paid = UnitPool(
        f
        for f in ledger.source(SourceKind.REIMBURSEMENTS)
        if f.entry_type in REIMBURSEMENT_REASONS and (f.quantity or 0) > 0
    )
    found = UnitPool(f for f in adjustments if (f.quantity or 0) > 0 and _reason(f) in FOUND_REASONS)
    # The damaged units' move into an unsellable disposition, under the same reference.
    related = {
        f.reference_id: f
        for f in adjustments
        if f.reference_id
        and (f.quantity or 0) > 0
        and f.text("Disposition", "disposition") not in ("", "SELLABLE")
    }
    prices = ledger.unit_prices()
    paid_per_unit = _paid_per_unit(ledger)
    # Every loss takes what settled it in time first; only leftovers can be late news.
    for item in _unresolved(ledger, paid, found, now):
        loss, missing = item.loss, item.missing
        evidence = [Evidence(loss.id, "loss")]
        twin = related.get(loss.reference_id or "")
        if twin is not None:
            evidence.append(Evidence(twin.id, "damaged_stock"))
        price = prices.get((loss.marketplace_id, loss.sku or "")) or paid_per_unit.get(loss.sku or "")
        what = LOSS_REASONS[_reason(loss)]
        yield Finding(
            kind=CaseKind.LOST_OR_DAMAGED,
            key=f"{loss.fnsku or loss.sku}:{loss.reference_id}:{loss.event_time:%Y%m%dT%H%M%S}",
            title=f"{missing} unit(s) of {loss.sku} {what} on {date_of(loss.event_time)}, "
            "not reimbursed within 30 days",
            occurred_at=loss.event_time,
            evidence=tuple(evidence),
            amount=price[0] * missing if price else None,
            currency=price[1] if price else None,
            marketplace_id=loss.marketplace_id,
            sku=loss.sku,
            fnsku=loss.fnsku,
            asin=loss.asin,
            reference_id=loss.reference_id,
            details={
                "reason": _reason(loss),
                "units": str(missing),
                "fulfillment_center": loss.text("Fulfillment Center", "fulfillment-center"),
            },
            late=_late(item, paid, found, accepts=_same_item(loss, frozenset())),
        )


def _paid_per_unit(ledger: LedgerView) -> dict[str, tuple[Decimal, str]]:
    """SKU → what Amazon last paid per unit for it: the estimate when no listed price is known."""
    paid: dict[str, tuple[Decimal, str]] = {}
    for fact in ledger.source(SourceKind.REIMBURSEMENTS):
        per_unit = fact.decimal("amount-per-unit")
        if fact.sku and fact.currency and per_unit is not None and per_unit > 0:
            paid[fact.sku] = (per_unit, fact.currency)
    return paid


def _late(
    item: _Open, paid: UnitPool, found: UnitPool, *, accepts: Callable[[LedgerFact], bool]
) -> LateResolution | None:
    """A reimbursement (closes the case) or a found unit (noted) that came after the wait."""
    since = _POLICY.eligible_at(item.loss.event_time)
    drawn, covered = paid.take(item.missing, accepts=accepts, since=since, until=item.until)
    if drawn:
        last = drawn[-1]
        return LateResolution(
            at=last.event_time,
            note=f"Amazon reimbursed {covered} unit(s) on {date_of(last.event_time)} "
            f"(reimbursement {', '.join(f.reference_id or '?' for f in drawn)}), after the 30-day wait",
            closes=covered >= item.missing,
            evidence=tuple(Evidence(f.id, "reimbursement") for f in drawn),
        )
    drawn, covered = found.take(item.missing, accepts=accepts, since=since, until=item.until)
    if drawn:
        last = drawn[-1]
        return LateResolution(
            at=last.event_time,
            note=f"{covered} unit(s) found again on {date_of(last.event_time)}, after the 30-day wait: "
            "check they are sellable before dismissing",
            closes=False,
            evidence=tuple(Evidence(f.id, "found") for f in drawn),
        )
    return None


RULE = Rule(
    kind=CaseKind.LOST_OR_DAMAGED,
    reads=(
        Selection(SourceKind.INVENTORY_LEDGER, entry_types=("Adjustments",)),
        Selection(SourceKind.REIMBURSEMENTS),
        Selection(SourceKind.FEE_PREVIEW),
    ),
    find=find,
)
