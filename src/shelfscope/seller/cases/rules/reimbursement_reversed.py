"""Rule: Amazon took back a reimbursement it had paid.

Evidence is a reimbursements-report row with negative quantity or amount (reason
``Reimbursement_Reversal``, naming ``original-reimbursement-id``), together with the original
reimbursement and any found units of the same FNSKU between the two: a reversal is right only if
the unit really came back to sellable stock, which the seller checks before dismissing.

The amount at stake is the amount taken back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from shelfscope.seller.cases.facts import Evidence, Finding, LedgerFact, LedgerView, Selection
from shelfscope.seller.cases.policy import CaseKind
from shelfscope.seller.cases.rules import Rule
from shelfscope.seller.cases.rules.matching import date_of
from shelfscope.seller.ledger_rows import SourceKind

__all__ = ["REVERSAL_REASON", "RULE", "find"]

REVERSAL_REASON = "Reimbursement_Reversal"


def _is_reversal(fact: LedgerFact) -> bool:
    return fact.entry_type == REVERSAL_REASON or (fact.amount is not None and fact.amount < 0)


def find(ledger: LedgerView, now: datetime) -> Iterator[Finding]:
    reimbursements = ledger.source(SourceKind.REIMBURSEMENTS)
    originals = {fact.reference_id: fact for fact in reimbursements if not _is_reversal(fact)}
    found = [
        fact
        for fact in ledger.source(SourceKind.INVENTORY_LEDGER)
        if (fact.quantity or 0) > 0 and fact.text("Reason", "reason") == "F"
    ]
    marketplaces = ledger.marketplaces_by_sku()
    for reversal in reimbursements:
        if not _is_reversal(reversal) or reversal.event_time > now:
            continue
        original_id = reversal.text("original-reimbursement-id")
        original = originals.get(original_id)
        evidence = [Evidence(reversal.id, "reversal")]
        if original is not None:
            evidence.append(Evidence(original.id, "original_reimbursement"))
            evidence.extend(
                Evidence(fact.id, "found")
                for fact in found
                if fact.fnsku == reversal.fnsku
                and original.event_time <= fact.event_time <= reversal.event_time
            )
        taken_back = -reversal.amount if reversal.amount is not None else None
        yield Finding(
            kind=CaseKind.REIMBURSEMENT_REVERSED,
            key=f"{reversal.reference_id}:{reversal.sku or reversal.fnsku}",
            title=f"Reimbursement {original_id or '?'} for {reversal.sku} reversed on "
            f"{date_of(reversal.event_time)}",
            occurred_at=reversal.event_time,
            evidence=tuple(evidence),
            amount=taken_back,
            currency=reversal.currency,
            marketplace_id=reversal.marketplace_id or marketplaces.get(reversal.sku or ""),
            sku=reversal.sku,
            fnsku=reversal.fnsku,
            asin=reversal.asin,
            reference_id=reversal.reference_id,
            details={
                "original_reimbursement_id": original_id,
                "original_reason": reversal.text("original-reimbursement-type"),
            },
        )


RULE = Rule(
    kind=CaseKind.REIMBURSEMENT_REVERSED,
    reads=(
        Selection(SourceKind.REIMBURSEMENTS),
        Selection(SourceKind.INVENTORY_LEDGER, entry_types=("Adjustments",)),
    ),
    find=find,
)
