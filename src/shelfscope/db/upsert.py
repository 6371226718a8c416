"""Idempotent writes on natural keys, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

__all__ = ["upsert"]

# SQLite limits bound parameters per statement (32766 in modern builds); stay well below.
_MAX_PARAMS = 30_000


def upsert(
    session: Session,
    model: type[DeclarativeBase] | Table,
    rows: Iterable[Mapping[str, Any]],
    *,
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> int:
    """Insert ``rows``; where the natural ``key`` exists, update ``update`` columns (or do nothing).

    ``update=None`` updates every non-key column given; ``update=()`` keeps the existing row
    untouched, which is what "count it once" writes want. Returns the number of rows sent.
    """
    table: Table = model if isinstance(model, Table) else model.__table__  # type: ignore[assignment]
    batch = [dict(row) for row in rows]
    if not batch:
        return 0
    columns = list(batch[0].keys())
    update_cols = [c for c in columns if c not in key] if update is None else list(update)
    insert_fn = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    chunk = max(1, _MAX_PARAMS // max(1, len(columns)))
    for start in range(0, len(batch), chunk):
        stmt = insert_fn(table).values(batch[start : start + chunk])
        if update_cols:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(key), set_={c: stmt.excluded[c] for c in update_cols}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
        session.execute(stmt)
    return len(batch)
