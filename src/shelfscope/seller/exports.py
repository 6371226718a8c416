"""CSV exports of the seller feature: the ledger with its filters, streamed from the database.

One filter set serves the ledger's JSON list and its CSV, so both always show the same rows.
The CSV is produced in chunks from a server-side cursor in its own session (it outlives the
request's session), so an export of millions of rows holds one batch in memory, never the
whole result. Text cells that a spreadsheet would run as a formula are quoted with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select

from shelfscope.db import Database
from shelfscope.errors import InvalidInput
from shelfscope.seller.models import LedgerEntry

__all__ = [
    "LEDGER_COLUMNS",
    "CsvColumn",
    "LedgerFilters",
    "csv_filename",
    "ledger_filters",
    "ledger_query",
    "stream_csv",
]

_BATCH = 1000
_ROWS_PER_CHUNK = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class CsvColumn:
    """A CSV column: its header and how to read it from a row."""

    header: str
    read: Callable[[Any], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerFilters:
    source: str | None = None
    marketplace_id: str | None = None
    sku: str | None = None
    order_id: str | None = None
    connection_id: int | None = None
    since: datetime | None = None
    """Event time from (inclusive)."""
    until: datetime | None = None
    """Event time before (exclusive)."""


def ledger_filters(**values: Any) -> LedgerFilters:
    """Filters from user input; times must carry a timezone and ``since`` precede ``until``."""
    filters = LedgerFilters(**values)
    for name in ("since", "until"):
        moment = getattr(filters, name)
        if moment is not None and moment.utcoffset() is None:
            raise InvalidInput(f"{name} needs a timezone, for example 2026-01-01T00:00:00Z", field=name)
    if filters.since is not None and filters.until is not None and filters.since >= filters.until:
        raise InvalidInput("since must be before until", field="since")
    return filters


def ledger_query(*, workspace_id: int, filters: LedgerFilters) -> Select[LedgerEntry]:
    """Ledger entries of one workspace matching ``filters``, newest first."""
    query = select(LedgerEntry).where(LedgerEntry.workspace_id == workspace_id)
    for column, value in (
        (LedgerEntry.source, filters.source),
        (LedgerEntry.marketplace_id, filters.marketplace_id),
        (LedgerEntry.sku, filters.sku),
        (LedgerEntry.order_id, filters.order_id),
        (LedgerEntry.connection_id, filters.connection_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(LedgerEntry.event_time >= filters.since)
    if filters.until is not None:
        query = query.where(LedgerEntry.event_time < filters.until)
    return query.order_by(LedgerEntry.event_time.desc(), LedgerEntry.id.desc())


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 39.9900 from a NUMERIC(18,4) column reads 39.99
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


LEDGER_COLUMNS: tuple[CsvColumn, ...] = tuple(
    CsvColumn(name, lambda entry, name=name: getattr(entry, name))  # type: ignore[misc]
    for name in (
        "id", "connection_id", "source", "report_type", "marketplace_id", "event_time", "sku", "asin",
        "fnsku", "order_id", "quantity", "amount", "currency", "entry_type", "amount_type",
        "reference_id", "raw",
    )
)  # fmt: skip


def stream_csv(
    db: Database,
    query: Select[Any],
    columns: Sequence[CsvColumn],
    *,
    rows_per_chunk: int = _ROWS_PER_CHUNK,
) -> Iterator[str]:
    """The CSV text of ``query`` (one entity per row) in chunks: a header line, then rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    with db.session() as session:
        rows = session.scalars(query.execution_options(yield_per=_BATCH))
        for count, row in enumerate(rows, start=1):
            writer.writerow([_cell(column.read(row)) for column in columns])
            if count % rows_per_chunk == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                session.expunge_all()  # rows already written need not stay in the identity map
    yield buffer.getvalue()


def csv_filename(prefix: str, *, since: datetime | None = None, until: datetime | None = None) -> str:
    """``ledger-2026-01-01-to-2026-02-01.csv``: what the file holds, in its name."""
    parts = [prefix]
    if since is not None:
        parts.append(f"{since:%Y-%m-%d}")
    if until is not None:
        parts.append(f"to-{until:%Y-%m-%d}")
    return "-".join(parts) + ".csv"
