"""Amounts at stake per case status, for the cases list and the overview card.

Amounts are summed per currency and never across currencies: 10 USD and 10 EUR are two
figures, not 20 of anything.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from shelfscope.seller.cases import CaseStatus, CaseTotal

__all__ = ["STATUSES", "StatusStake", "stakes_by_status"]

STATUSES = [status.value for status in CaseStatus]


@dataclass(frozen=True)
class StatusStake:
    """How many cases have one status, and their amount at stake per currency."""

    cases: int
    amounts: dict[str, Decimal]


def stakes_by_status(totals: list[CaseTotal]) -> dict[str, StatusStake]:
    """Every status (zero when none) from the service's per (status, kind, currency) totals."""
    summary: dict[str, StatusStake] = {}
    for status in STATUSES:
        rows = [total for total in totals if total.status == status]
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        for row in rows:
            if row.currency:
                amounts[row.currency] += row.amount
        summary[status] = StatusStake(
            cases=sum(row.cases for row in rows), amounts=dict(sorted(amounts.items()))
        )
    return summary
