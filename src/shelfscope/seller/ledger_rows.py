"""The normalised ledger row every seller parser produces, whatever the report or API said.

One ledger holds inventory movements, reimbursements, returns, orders, fee estimates, settlement
lines and financial events, so that the reimbursement-case rules can join them. A row's identity
follows ARCHITECTURE §3: a ledger entry is keyed by (connection, source, external id or a
deterministic row hash). The parser supplies the last two parts as :attr:`LedgerRow.entry_key`:

- ``external_id`` when the source has a real key (reimbursement id + item, a return's licence
  plate, a fee-preview SKU on a snapshot day, a finance transaction id);
- otherwise ``row_hash``: a digest of the row's *identity columns* after normalisation (see
  :mod:`shelfscope.seller.row_identity`), stable across runs and header spellings;
- plus ``occurrence``: 0 for the first row with that key in one document, 1 for the next
  identical one, and so on. True duplicates inside a report are kept; re-ingesting the same
  document produces the same keys, so an upsert never double-counts.

The connection is not part of the row: parsers are pure and know nothing of who asked.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

__all__ = ["LedgerRow", "SourceKind", "Value"]

Value = str | int | Decimal | datetime | date | None
"""A typed cell of a normalised row."""


class SourceKind(enum.StrEnum):
    """What a ledger row came from. Part of the entry's natural key, so two report types that
    describe the same rows (all orders by order date / by last update) share one kind."""

    INVENTORY_LEDGER = "inventory_ledger"
    INVENTORY_SUMMARY = "inventory_summary"
    REIMBURSEMENTS = "reimbursements"
    CUSTOMER_RETURNS = "customer_returns"
    ORDERS = "orders"
    FEE_PREVIEW = "fee_preview"
    SETTLEMENT = "settlement"
    FINANCIAL_EVENTS = "financial_events"
    FINANCIAL_TRANSACTIONS = "financial_transactions"


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerRow:
    """One ledger entry, ready to upsert under ``(connection, source, entry_key)``.

    Money and quantity rules the consumers rely on:

    - ``amount`` is a ``Decimal`` with its ``currency``; a row never has one without the other.
    - ``summary`` rows (a settlement's header line) carry the payout total, which equals the sum
      of that settlement's detail rows: never add them to the details.
    - On settlement and financial-event rows ``quantity`` repeats the item's quantity on every
      money line of that item; it is descriptive there, not something to sum.
    - ``event_time_inferred`` marks rows whose source had no date (Amazon's ServiceFee events):
      their time is the end of the window or group they were fetched in.
    """

    source: SourceKind
    report_type: str
    event_time: datetime
    row_hash: str
    occurrence: int
    external_id: str | None = None
    marketplace_id: str | None = None
    sku: str | None = None
    asin: str | None = None
    fnsku: str | None = None
    order_id: str | None = None
    quantity: int | None = None
    amount: Decimal | None = None
    currency: str | None = None
    entry_type: str | None = None
    """What happened: ledger EventType, settlement transaction-type, order status, event kind."""
    amount_type: str | None = None
    """Canonical money type (``ItemFees/Commission``) on settlement and finance rows."""
    reason: str | None = None
    status: str | None = None
    disposition: str | None = None
    reference_id: str | None = None
    """The source's own reference: ledger ReferenceID, reimbursement id, settlement id, group id."""
    reconciliation_key: str | None = None
    summary: bool = False
    event_time_inferred: bool = False
    line_number: int | None = None
    values: Mapping[str, Value] = field(default_factory=dict, repr=False, compare=False)
    """The row's declared columns, typed, under their canonical names."""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The row as found: original header → text, or the API event object."""

    def __post_init__(self) -> None:
        if self.event_time.utcoffset() != timedelta(0):
            raise ValueError("LedgerRow.event_time must be an aware UTC datetime")
        if (self.amount is None) != (self.currency is None):
            raise ValueError("LedgerRow.amount and currency come together")

    @property
    def entry_key(self) -> str:
        """The per-source natural key: external id (or row hash) and occurrence index."""
        return f"{self.external_id if self.external_id is not None else self.row_hash}#{self.occurrence}"
