"""Tables of the seller feature: connections, consent states, the backfill plan and the ledger.

The backfill plan (:class:`BackfillWindow`) is the source of truth for the sync (ARCHITECTURE
§1): queue tasks only trigger it, and a window remembers its report id as soon as Amazon gave
one, so a restarted worker polls that report instead of requesting it again. The ledger is keyed
by (connection, source, entry_key), so re-ingesting a document never double-counts.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.auth.vault import register_encrypted_column
from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK

__all__ = [
    "BackfillWindow",
    "ConnectionStatus",
    "LedgerEntry",
    "OAuthState",
    "SellerConnection",
    "WindowStatus",
]


class ConnectionStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    REAUTH_NEEDED = "reauth_needed"
    DISCONNECTED = "disconnected"


class WindowStatus(enum.StrEnum):
    PLANNED = "planned"
    REQUESTED = "requested"
    PROCESSING = "processing"
    DONE = "done"
    FATAL_RETRY = "fatal_retry"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (WindowStatus.DONE, WindowStatus.CANCELLED, WindowStatus.FAILED)


class SellerConnection(Base):
    """One seller's authorisation of shelfscope in one region (a consent covers the region).

    ``refresh_token`` holds vault ciphertext and is never returned by the API; disconnecting
    clears it.
    """

    __tablename__ = "seller_connections"
    __table_args__ = (UniqueConstraint("workspace_id", "region", "selling_partner_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(2))
    selling_partner_id: Mapped[str] = mapped_column(String(64))
    refresh_token: Mapped[str | None] = mapped_column(Text)
    marketplace_ids: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default=ConnectionStatus.ACTIVE.value)
    last_error: Mapped[str | None] = mapped_column(Text)
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


register_encrypted_column(SellerConnection, "refresh_token")


class OAuthState(Base):
    """A consent attempt's nonce: the callback consumes it once, before it expires."""

    __tablename__ = "seller_oauth_states"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    region: Mapped[str] = mapped_column(String(2))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class BackfillWindow(Base):
    """One unit of sync work: a data kind over one time window, in a marketplace or a region."""

    __tablename__ = "seller_backfill_windows"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "scope", "window_start", "window_end"),
        Index("ix_seller_backfill_windows_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("seller_connections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(32))
    """A marketplace id, or the region code for region-wide reports."""
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=WindowStatus.PLANNED.value)
    report_id: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[str | None] = mapped_column(String(255))
    generated_at: Mapped[datetime | None]
    """The report's processingEndTime: the moment its data is as of (the ledger's 18 months
    reach back from there)."""
    archive_keys: Mapped[list[Any]] = mapped_column(default=list)
    """Raw-archive keys (``spapi-reports``) of the documents this window ingested, in order."""
    rows_ingested: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LedgerEntry(Base):
    """One ledger row from any source, under its natural key (connection, source, entry_key)."""

    __tablename__ = "seller_ledger"
    __table_args__ = (
        UniqueConstraint("connection_id", "source", "entry_key"),
        Index("ix_seller_ledger_browse", "workspace_id", "source", "event_time"),
        Index("ix_seller_ledger_reconciliation", "connection_id", "reconciliation_key"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    connection_id: Mapped[int] = mapped_column(ForeignKey("seller_connections.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    entry_key: Mapped[str] = mapped_column(String(255))
    report_type: Mapped[str] = mapped_column(String(80))
    marketplace_id: Mapped[str | None] = mapped_column(String(32))
    event_time: Mapped[datetime]
    sku: Mapped[str | None] = mapped_column(String(100))
    asin: Mapped[str | None] = mapped_column(String(20))
    fnsku: Mapped[str | None] = mapped_column(String(20))
    order_id: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int | None]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    currency: Mapped[str | None] = mapped_column(String(3))
    entry_type: Mapped[str | None] = mapped_column(String(100))
    amount_type: Mapped[str | None] = mapped_column(String(100))
    reference_id: Mapped[str | None] = mapped_column(String(100))
    reconciliation_key: Mapped[str | None] = mapped_column(String(200))
    reconciled_entry_id: Mapped[int | None] = mapped_column(index=True)
    """On a settlement line: the financial-event row for the same money (counted there, once)."""
    summary: Mapped[bool] = mapped_column(default=False)
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    window_id: Mapped[int | None]
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
