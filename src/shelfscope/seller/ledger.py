"""Ingest parsed rows into the one ledger: streamed, in batches, idempotent on the natural key.

Rows arrive from a parser iterator while the document is still downloading; at most one batch
is held in memory. Each batch is an insert-or-ignore on (connection, source, entry_key), so a
document ingested twice, or overlapping windows, never double-count. The count of rows already
present is reported as ``duplicates``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfscope.db import upsert
from shelfscope.seller.ledger_rows import LedgerRow
from shelfscope.seller.models import LedgerEntry

__all__ = ["BATCH_SIZE", "IngestResult", "batched", "ingest_rows", "ledger_count"]

BATCH_SIZE = 1000


@dataclass
class IngestResult:
    rows_seen: int = 0
    rows_inserted: int = 0

    @property
    def duplicates(self) -> int:
        return self.rows_seen - self.rows_inserted

    def add(self, other: IngestResult) -> None:
        self.rows_seen += other.rows_seen
        self.rows_inserted += other.rows_inserted


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _record(
    row: LedgerRow, *, workspace_id: int, connection_id: int, window_id: int | None
) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "connection_id": connection_id,
        "source": row.source.value,
        "entry_key": row.entry_key[:255],
        "report_type": row.report_type,
        "marketplace_id": row.marketplace_id,
        "event_time": row.event_time,
        "sku": row.sku,
        "asin": row.asin,
        "fnsku": row.fnsku,
        "order_id": row.order_id,
        "quantity": row.quantity,
        "amount": row.amount,
        "currency": row.currency,
        "entry_type": row.entry_type,
        "amount_type": row.amount_type,
        "reference_id": row.reference_id,
        "reconciliation_key": row.reconciliation_key,
        "summary": row.summary,
        "raw": json.loads(json.dumps(_json_safe(dict(row.raw)))),
        "window_id": window_id,
    }


def ledger_count(session: Session, *, connection_id: int, source: str | None = None) -> int:
    query = select(func.count()).select_from(LedgerEntry).where(LedgerEntry.connection_id == connection_id)
    if source is not None:
        query = query.where(LedgerEntry.source == source)
    return int(session.scalar(query) or 0)


def batched(rows: Iterable[LedgerRow], size: int = BATCH_SIZE) -> Iterator[list[LedgerRow]]:
    """At most ``size`` rows at a time, pulled lazily from a streaming parser."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def ingest_rows(
    session: Session,
    rows: Iterable[LedgerRow],
    *,
    workspace_id: int,
    connection_id: int,
    window_id: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestResult:
    """Insert rows not yet in the ledger; existing keys are left untouched (counted as duplicates)."""
    result = IngestResult()
    for batch in batched(rows, batch_size):
        before = ledger_count(session, connection_id=connection_id)
        upsert(
            session,
            LedgerEntry,
            [
                _record(r, workspace_id=workspace_id, connection_id=connection_id, window_id=window_id)
                for r in batch
            ],
            key=("connection_id", "source", "entry_key"),
            update=(),
        )
        result.rows_seen += len(batch)
        result.rows_inserted += ledger_count(session, connection_id=connection_id) - before
    return result
