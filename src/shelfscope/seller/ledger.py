"""Ingest parsed rows into the one ledger: streamed, in batches, idempotent on the natural key.

Rows arrive from a parser iterator while the document is still being read; at most one batch
is held in memory. Each batch is one multi-row insert-or-ignore on (connection, source,
entry_key) with ``RETURNING id`` (on PostgreSQL through COPY and a staging table,
:mod:`~shelfscope.seller.ledger_copy`), so a document ingested twice, or overlapping windows, never
double-count, and the rows actually inserted are known without counting the ledger (a count
per batch would make a million-row report quadratic). Rows already present are reported as
``duplicates``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shelfscope.clock import utcnow
from shelfscope.seller.ledger_copy import copy_insert
from shelfscope.seller.ledger_rows import LedgerRow
from shelfscope.seller.models import LedgerEntry

__all__ = ["BATCH_SIZE", "IngestResult", "batched", "ingest_rows", "ledger_count"]

BATCH_SIZE = 1000
_KEY = ("connection_id", "source", "entry_key")


@dataclass
class IngestResult:
    rows_seen: int = 0
    rows_inserted: int = 0
    reconciliation_keys: set[str] = field(default_factory=set, repr=False)
    """Keys of the money rows just inserted: what reconciliation has to look at."""

    @property
    def duplicates(self) -> int:
        return self.rows_seen - self.rows_inserted

    def add(self, other: IngestResult) -> None:
        self.rows_seen += other.rows_seen
        self.rows_inserted += other.rows_inserted
        self.reconciliation_keys |= other.reconciliation_keys


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


def _raw_json(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The raw row as JSON. Flat-file rows are all text: copied as they are (the hot path of a
    million-row report); API events are walked for Decimals and datetimes."""
    if all(type(value) is str for value in raw.values()):
        return dict(raw)
    return {str(key): _json_safe(value) for key, value in raw.items()}


def _record(
    row: LedgerRow, *, workspace_id: int, connection_id: int, window_id: int | None, ingested_at: datetime
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
        "raw": _raw_json(row.raw),
        "window_id": window_id,
        "ingested_at": ingested_at,
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
    table = LedgerEntry.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=list(_KEY))
        .returning(table.c.id, table.c.reconciliation_key)
    )
    for batch in batched(rows, batch_size):
        now = utcnow()
        records = [
            _record(
                r,
                workspace_id=workspace_id,
                connection_id=connection_id,
                window_id=window_id,
                ingested_at=now,
            )
            for r in batch
        ]
        if dialect == "postgresql":
            inserted = copy_insert(session, table, records, key=_KEY)
        else:
            inserted = [(row[0], row[1]) for row in session.execute(statement, records)]
        result.rows_seen += len(batch)
        result.rows_inserted += len(inserted)
        result.reconciliation_keys.update(key for _id, key in inserted if key)
    return result
