"""The case rules, one small module each, and what every rule declares.

A rule names its kind, the ledger rows it reads (:class:`~shelfscope.seller.cases.facts.Selection`)
and a pure ``find(ledger, now)`` that yields findings due at ``now``. Adding a rule means adding
a module and one line to :data:`RULES`; the detection service needs no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from shelfscope.seller.cases.facts import Finding, LedgerView, Selection
from shelfscope.seller.cases.policy import CaseKind

__all__ = ["RULES", "Rule", "rule_for"]


@dataclass(frozen=True, slots=True)
class Rule:
    kind: CaseKind
    reads: tuple[Selection, ...]
    find: Callable[[LedgerView, datetime], Iterable[Finding]]


def _rules() -> tuple[Rule, ...]:
    from shelfscope.seller.cases.rules import (
        fee_overcharge,
        lost_or_damaged,
        refund_without_return,
        reimbursement_reversed,
    )

    return (
        lost_or_damaged.RULE,
        refund_without_return.RULE,
        reimbursement_reversed.RULE,
        fee_overcharge.RULE,
    )


RULES: tuple[Rule, ...] = _rules()


def rule_for(kind: CaseKind) -> Rule:
    return next(rule for rule in RULES if rule.kind is kind)
