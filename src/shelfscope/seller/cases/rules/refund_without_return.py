"""Rule: a customer was refunded, and the unit neither came back nor was paid for in 45 days.

Evidence is the refund's principal line (``ItemPrice/Principal`` of a ``Refund``), from the
Finances events or, where those are missing, from a settlement report; both describe the same
money, so only one source is used per order item. The refund is put right, for the same order
and SKU, by a customer-returns row or a ``CustomerReturns`` inventory movement (the unit is back
in stock), or by a reimbursement naming the order, dated up to 45 days after the refund. A refund
from before the synced returns history is not judged: its unit may have come back unseen.

The amount at stake is the refunded principal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from shelfscope.seller.cases.facts import Evidence, Finding, LateResolution, LedgerFact, LedgerView, Selection
from shelfscope.seller.cases.policy import CaseKind, policy_for
from shelfscope.seller.cases.rules import Rule
from shelfscope.seller.cases.rules.matching import date_of
from shelfscope.seller.ledger_rows import SourceKind

__all__ = ["PRINCIPAL", "RULE", "find"]

PRINCIPAL = "ItemPrice/Principal"
_POLICY = policy_for(CaseKind.REFUND_WITHOUT_RETURN)
_Item = tuple[str, str]  # (order id, SKU)


def _refunds(ledger: LedgerView) -> dict[_Item, list[LedgerFact]]:
    """Principal refund lines per order item, from the one source that has them (events first)."""
    by_source: dict[str, dict[_Item, list[LedgerFact]]] = {}
    for source in (SourceKind.FINANCIAL_EVENTS, SourceKind.SETTLEMENT):
        items: dict[_Item, list[LedgerFact]] = defaultdict(list)
        for fact in ledger.source(source):
            if fact.order_id and fact.sku and fact.amount is not None:
                items[(fact.order_id, fact.sku)].append(fact)
        by_source[source.value] = items
    events, settled = by_source[SourceKind.FINANCIAL_EVENTS.value], by_source[SourceKind.SETTLEMENT.value]
    return {**settled, **events}


def _comebacks(ledger: LedgerView) -> tuple[dict[_Item, list[LedgerFact]], dict[_Item, list[LedgerFact]]]:
    returned: dict[_Item, list[LedgerFact]] = defaultdict(list)
    for fact in ledger.source(SourceKind.CUSTOMER_RETURNS):
        if fact.order_id and fact.sku:
            returned[(fact.order_id, fact.sku)].append(fact)
    for fact in ledger.source(SourceKind.INVENTORY_LEDGER):
        if fact.reference_id and fact.sku and (fact.quantity or 0) > 0:
            returned[(fact.reference_id, fact.sku)].append(fact)
    paid: dict[_Item, list[LedgerFact]] = defaultdict(list)
    for fact in ledger.source(SourceKind.REIMBURSEMENTS):
        if fact.order_id and fact.sku and (fact.quantity or 0) > 0:
            paid[(fact.order_id, fact.sku)].append(fact)
    return returned, paid


def find(ledger: LedgerView, now: datetime) -> Iterator[Finding]:
    returned, paid = _comebacks(ledger)
    covered = ledger.covered_from(SourceKind.CUSTOMER_RETURNS, SourceKind.REIMBURSEMENTS)
    for (order_id, sku), lines in sorted(_refunds(ledger).items(), key=lambda kv: kv[1][0].event_time):
        refunded_at = lines[0].event_time
        if covered is not None and refunded_at < covered:
            continue  # the unit may have come back before the synced returns begin
        due = _POLICY.eligible_at(refunded_at)
        comebacks = returned.get((order_id, sku), []) + paid.get((order_id, sku), [])
        if now < due or any(fact.event_time <= due for fact in comebacks):
            continue
        first = lines[0]
        amount = -sum((line.amount or Decimal(0) for line in lines), Decimal(0))
        yield Finding(
            kind=CaseKind.REFUND_WITHOUT_RETURN,
            key=f"{order_id}:{sku}",
            title=f"Order {order_id}: {sku} refunded on {date_of(refunded_at)}, not returned within 45 days",
            occurred_at=refunded_at,
            evidence=tuple(Evidence(line.id, "refund") for line in lines),
            amount=amount,
            currency=first.currency,
            marketplace_id=first.marketplace_id,
            sku=sku,
            order_id=order_id,
            details={"units": str(first.quantity or 1), "refund_source": first.source},
            late=_late(returned.get((order_id, sku), []), paid.get((order_id, sku), []), now=now),
        )


def _late(returned: list[LedgerFact], paid: list[LedgerFact], *, now: datetime) -> LateResolution | None:
    """Everything here is already past the wait (the caller checked); a payment closes the case."""
    cash = [fact for fact in paid if fact.event_time <= now]
    if cash:
        return LateResolution(
            at=cash[-1].event_time,
            note=f"Amazon reimbursed the unit on {date_of(cash[-1].event_time)} "
            f"(reimbursement {cash[-1].reference_id or '?'}), after the 45-day wait",
            closes=True,
            evidence=tuple(Evidence(fact.id, "reimbursement") for fact in cash),
        )
    back = [fact for fact in returned if fact.event_time <= now]
    if back:
        return LateResolution(
            at=back[0].event_time,
            note=f"The unit came back on {date_of(back[0].event_time)}, after the 45-day wait: "
            "check its condition before dismissing",
            closes=False,
            evidence=tuple(Evidence(fact.id, "return") for fact in back),
        )
    return None


RULE = Rule(
    kind=CaseKind.REFUND_WITHOUT_RETURN,
    reads=(
        Selection(SourceKind.FINANCIAL_EVENTS, entry_types=("Refund",), amount_types=(PRINCIPAL,)),
        Selection(SourceKind.SETTLEMENT, entry_types=("Refund",), amount_types=(PRINCIPAL,)),
        Selection(SourceKind.CUSTOMER_RETURNS),
        Selection(SourceKind.INVENTORY_LEDGER, entry_types=("CustomerReturns",)),
        Selection(SourceKind.REIMBURSEMENTS),
    ),
    find=find,
)
