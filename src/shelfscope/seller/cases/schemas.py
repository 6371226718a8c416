"""API models of reimbursement cases."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shelfscope.seller.cases.policy import CaseKind, CaseStatus
from shelfscope.seller.cases.service import MAX_NOTE, CaseDetail
from shelfscope.seller.schemas import LedgerEntryOut

__all__ = ["CaseDetailOut", "CaseHistoryOut", "CaseOut", "CaseStatusChange", "EvidenceOut"]


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    connection_id: int
    kind: CaseKind
    status: CaseStatus
    title: str
    marketplace_id: str | None
    sku: str | None
    fnsku: str | None
    asin: str | None
    order_id: str | None
    reference_id: str | None
    occurred_at: datetime = Field(description="When the loss, refund, reversal or fee snapshot happened.")
    eligible_at: datetime = Field(description="When Amazon's own window ran out and the case opened.")
    claim_deadline: datetime = Field(description="The last day Amazon accepts a claim (assumed policy).")
    amount: Decimal | None = Field(
        description="Amount at stake (a fee case: the overcharge per unit); null when it cannot be estimated."
    )
    currency: str | None
    details: dict[str, Any]
    resolution: str | None = Field(description="How the case closed without the seller, if it did.")
    status_note: str | None
    detected_at: datetime
    status_changed_at: datetime | None


class EvidenceOut(BaseModel):
    role: str = Field(description="What the entry shows: loss, refund, reimbursement, reversal, fee_preview…")
    entry: LedgerEntryOut


class CaseHistoryOut(BaseModel):
    at: datetime
    status: CaseStatus
    note: str
    by: int | None = Field(None, description="User who made the change; null for detection.")


class CaseDetailOut(CaseOut):
    evidence: list[EvidenceOut]
    history: list[CaseHistoryOut]

    @classmethod
    def from_detail(cls, detail: CaseDetail) -> CaseDetailOut:
        base = CaseOut.model_validate(detail.case).model_dump()
        return cls(
            **base,
            evidence=[
                EvidenceOut(role=item.role, entry=LedgerEntryOut.model_validate(item.entry))
                for item in detail.evidence
            ],
            history=[CaseHistoryOut.model_validate(line) for line in detail.case.history],
        )


class CaseStatusChange(BaseModel):
    status: CaseStatus
    note: str | None = Field(None, max_length=MAX_NOTE, description="Why; kept in the case's history.")
