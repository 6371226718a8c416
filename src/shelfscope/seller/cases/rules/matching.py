"""Shared by the rules: units that put a loss or a refund right, each usable once.

A reimbursement of one unit settles one lost unit, not every loss of that FNSKU, so the rules
draw from a pool of units per candidate entry, oldest first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from shelfscope.seller.cases.facts import LedgerFact

__all__ = ["UnitPool", "date_of", "units"]


def units(fact: LedgerFact) -> int:
    """How many units an entry moves or pays for (at least one)."""
    return max(1, abs(fact.quantity or 0))


def date_of(moment: datetime) -> str:
    return moment.date().isoformat()


class UnitPool:
    """Candidate entries (reimbursements, returns, found units) and the units left in each."""

    def __init__(self, candidates: Iterable[LedgerFact]) -> None:
        self._candidates = sorted(candidates, key=lambda fact: (fact.event_time, fact.id))
        self._left = {fact.id: units(fact) for fact in self._candidates}

    def take(
        self,
        wanted: int,
        *,
        accepts: Callable[[LedgerFact], bool],
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[list[LedgerFact], int]:
        """Use up to ``wanted`` units of matching entries dated in ``[since, until]``.

        Returns the entries drawn from and how many units they covered.
        """
        drawn: list[LedgerFact] = []
        covered = 0
        for fact in self._candidates:
            if wanted <= 0:
                break
            if since is not None and fact.event_time < since:
                continue
            if until is not None and fact.event_time > until:
                break
            if self._left[fact.id] <= 0 or not accepts(fact):
                continue
            used = min(wanted, self._left[fact.id])
            self._left[fact.id] -= used
            wanted -= used
            covered += used
            drawn.append(fact)
        return drawn, covered
