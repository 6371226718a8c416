"""PostgreSQL bulk path of the ledger ingest: COPY into a staging table, then insert-or-ignore.

A multi-row ``INSERT ... VALUES`` of 1,000 ledger rows carries 24,000 placeholders, and psycopg
re-parses that statement text for every batch (it is too long to cache): on a million-row
report that parsing, not the database, is the cost. COPY sends the batch as one stream with no
placeholders; a single ``INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING`` then moves it
into the ledger, so the natural-key semantics and the "rows actually inserted" answer are the
same as on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

__all__ = ["copy_insert"]

_STAGE = "seller_ledger_stage"


def copy_insert(
    session: Session, table: Table, records: Sequence[Mapping[str, Any]], *, key: Sequence[str]
) -> list[tuple[int, str | None]]:
    """Insert ``records`` (all with the same columns) unless their ``key`` exists; returns
    ``(id, reconciliation_key)`` of the rows inserted."""
    if not records:
        return []
    columns = list(records[0].keys())
    names = ", ".join(f'"{name}"' for name in columns)
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ in ("JSON", "JSONB")}
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        # Only the columns sent, typed like the ledger's, with no constraints or defaults.
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS {_STAGE} AS SELECT {names} FROM "{table.name}" WITH NO DATA'  # noqa: S608 - our own table and column names
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
        with cursor.copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy:
            for record in records:
                copy.write_row([json.dumps(record[c]) if c in json_columns else record[c] for c in columns])
        conflict = ", ".join(f'"{name}"' for name in key)
        cursor.execute(
            f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {_STAGE} '  # noqa: S608 - our own names
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING id, reconciliation_key"
        )
        inserted = [(int(row[0]), row[1]) for row in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {_STAGE}")
        return inserted
    finally:
        cursor.close()
