"""Case kinds, statuses, and the Amazon policy windows the case rules assume.

Amazon publishes these windows in Seller Central help ("FBA inventory reimbursement policy",
revised for claims from 23 October 2024); they are assumptions written down once, here, so a
policy change is a one-line edit:

=========================  ==========================  =======================================
kind                       a case from (``eligible``)  claim deadline
=========================  ==========================  =======================================
lost_or_damaged            30 days after the ledger    60 days after the loss or damage
                           adjustment: Amazon finds    (claims for warehouse inventory must be
                           or reimburses most units    filed within 60 days of the event)
                           on its own by then
refund_without_return      45 days after the refund:   120 days after the refund (claims open
                           the customer had that long  once the return window has passed and
                           to send the unit back       stay open 60 days beyond Amazon's own
                                                       60-day reconciliation)
reimbursement_reversed     at the reversal             60 days after the reversal (a reversal
                                                       is disputed like the reimbursement it
                                                       takes back)
fee_overcharge             at the fee-preview snapshot 90 days after the snapshot (FBA fee
                                                       disputes and re-measurement requests
                                                       cover fees charged in the last 90 days)
=========================  ==========================  =======================================

Amounts at stake: the listed price per lost unit, the refunded principal, the amount taken
back, and for fees the overcharge per unit (each unit shipped since was charged it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["CaseKind", "CasePolicy", "CaseStatus", "policy_for"]


class CaseKind(enum.StrEnum):
    """What Amazon may owe the seller."""

    LOST_OR_DAMAGED = "lost_or_damaged"
    REFUND_WITHOUT_RETURN = "refund_without_return"
    REIMBURSEMENT_REVERSED = "reimbursement_reversed"
    FEE_OVERCHARGE = "fee_overcharge"

    @property
    def label(self) -> str:
        return policy_for(self).label


class CaseStatus(enum.StrEnum):
    """Where the seller is with a case. ``paid`` and ``dismissed`` are final: detection never
    reopens them."""

    OPEN = "open"
    FILED = "filed"
    PAID = "paid"
    DISMISSED = "dismissed"

    @property
    def is_final(self) -> bool:
        return self in (CaseStatus.PAID, CaseStatus.DISMISSED)


@dataclass(frozen=True, slots=True)
class CasePolicy:
    """The windows of one kind: when evidence becomes a case, and until when it can be claimed."""

    kind: CaseKind
    label: str
    wait: timedelta
    """How long Amazon has to put things right on its own before a case opens."""
    claim_window: timedelta
    """From the event to the last day a claim is accepted."""

    def eligible_at(self, occurred_at: datetime) -> datetime:
        return occurred_at + self.wait

    def claim_deadline(self, occurred_at: datetime) -> datetime:
        return occurred_at + self.claim_window


_POLICIES = {
    policy.kind: policy
    for policy in (
        CasePolicy(
            CaseKind.LOST_OR_DAMAGED,
            "lost or damaged in the warehouse, not reimbursed within 30 days",
            timedelta(days=30),
            timedelta(days=60),
        ),
        CasePolicy(
            CaseKind.REFUND_WITHOUT_RETURN,
            "refunded but not returned to inventory within 45 days",
            timedelta(days=45),
            timedelta(days=120),
        ),
        CasePolicy(
            CaseKind.REIMBURSEMENT_REVERSED,
            "reimbursement reversed",
            timedelta(0),
            timedelta(days=60),
        ),
        CasePolicy(
            CaseKind.FEE_OVERCHARGE,
            "fulfilment fee out of line with the size tier",
            timedelta(0),
            timedelta(days=90),
        ),
    )
}


def policy_for(kind: CaseKind) -> CasePolicy:
    return _POLICIES[kind]
