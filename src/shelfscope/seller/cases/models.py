"""Tables of reimbursement cases: one row per case, and the ledger entries that prove it.

A case is keyed by (connection, kind, case_key), where ``case_key`` is the rule's natural key
(the ledger reference of a loss, an order and SKU, a reversal id, a SKU), so detecting again
finds the same row instead of adding one. Evidence points at ledger rows by id; the ledger is
append-only under its own natural key, so those ids are stable.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.auth.audit import Auditable
from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK
from shelfscope.seller.cases.policy import CaseStatus

__all__ = ["CaseEvidence", "ReimbursementCase"]


class ReimbursementCase(Auditable, Base):
    """Money Amazon may owe the seller, with its amount at stake and claim deadline.

    ``history`` is the case's trail: detection, automatic closing, and every status change
    with its note, oldest first (``{"at", "status", "note", "by"}``).
    """

    __tablename__ = "seller_cases"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "case_key"),
        Index("ix_seller_cases_browse", "workspace_id", "status", "eligible_at"),
    )
    __audit_system__ = False  # detection rewrites cases; only people's status changes are logged

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("seller_connections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    case_key: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN.value)
    title: Mapped[str] = mapped_column(String(255))
    marketplace_id: Mapped[str | None] = mapped_column(String(32))
    sku: Mapped[str | None] = mapped_column(String(100))
    fnsku: Mapped[str | None] = mapped_column(String(20))
    asin: Mapped[str | None] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(64))
    reference_id: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[datetime]
    eligible_at: Mapped[datetime]
    claim_deadline: Mapped[datetime]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    currency: Mapped[str | None] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolution: Mapped[str | None] = mapped_column(Text)
    """How the case was closed without the seller: "reimbursed on … (reimbursement …)"."""
    status_note: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[Any]] = mapped_column(default=list)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CaseEvidence(Base):
    """One ledger entry in a case's evidence trail, and what it shows (``role``)."""

    __tablename__ = "seller_case_evidence"

    case_id: Mapped[int] = mapped_column(ForeignKey("seller_cases.id", ondelete="CASCADE"), primary_key=True)
    ledger_entry_id: Mapped[int] = mapped_column(
        ForeignKey("seller_ledger.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
