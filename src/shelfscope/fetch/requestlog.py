"""The request log writer: one row per fetch, from the engine's ``RequestFinished`` signal.

Subscribed as a fetch-signal listener, it never sits in the request path: a finished fetch only
appends a row to a buffer, and rows are inserted ``batch_size`` at a time in one transaction
(one ``executemany``), plus a final :meth:`flush` when the caller is done. So a batch of
thousands of fetches costs a handful of commits, and every fetch still gets exactly one row.
Retention (:func:`delete_expired`) runs as the ``fetch.requestlog.cleanup`` job kind.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, insert, select

from shelfscope.db import Database
from shelfscope.fetch.models_db import RequestLogEntry
from shelfscope.fetch.signals import FetchEvent, RequestFinished, RequestRecord
from shelfscope.logs import get_logger

__all__ = ["RequestLogWriter", "delete_expired", "log_query", "log_row"]

log = get_logger(__name__)

ProviderLookup = Callable[[str | None], str | None]


def log_row(record: RequestRecord, *, workspace_id: int | None, provider: str | None) -> dict[str, Any]:
    """The table row of one request record."""
    return {
        "workspace_id": workspace_id,
        "at": record.at,
        "run_id": record.run_id,
        "site": record.site,
        "method": record.method,
        "host": record.host[:255],
        "path": record.path[:1000],
        "status": record.status,
        "latency_ms": round(record.latency * 1000),
        "bytes_in": record.bytes_in,
        "bytes_out": record.bytes_out,
        "attempts": record.attempts,
        "proxy_id": record.proxy_id,
        "provider": provider,
        "session_id": record.session_id,
        "blocked": record.blocked,
        "block_kind": record.block_kind,
        "outcome": str(record.outcome),
        "error": record.error,
    }


class RequestLogWriter:
    """Buffers request records and inserts them in batches; ``written`` counts stored rows."""

    def __init__(
        self,
        *,
        db: Database,
        workspace_id: int | None = None,
        provider_of: ProviderLookup | None = None,
        batch_size: int = 200,
    ) -> None:
        self._db, self._workspace_id = db, workspace_id
        self._provider_of = provider_of or (lambda _proxy_id: None)
        self._batch_size = max(1, batch_size)
        self._buffer: list[dict[str, Any]] = []
        self.written = 0

    def observe(self, event: FetchEvent) -> None:
        """A fetch-signal listener: buffers ``RequestFinished`` records."""
        if not isinstance(event, RequestFinished):
            return
        record = event.record
        provider = self._provider_of(record.proxy_id)
        self._buffer.append(log_row(record, workspace_id=self._workspace_id, provider=provider))
        if len(self._buffer) >= self._batch_size:
            self.flush()

    def flush(self) -> int:
        """Insert what is buffered in one transaction; returns the number of rows written."""
        rows, self._buffer = self._buffer, []
        if not rows:
            return 0
        with self._db.session() as session:
            session.execute(insert(RequestLogEntry), rows)
        self.written += len(rows)
        return len(rows)


def delete_expired(db: Database, *, now: datetime, retention_days: int) -> int:
    """Delete log rows older than ``retention_days``; returns how many went."""
    cutoff = now - timedelta(days=retention_days)
    with db.session() as session:
        result = session.execute(delete(RequestLogEntry).where(RequestLogEntry.at < cutoff))
        count = int(getattr(result, "rowcount", 0) or 0)
    log.info("fetch request log pruned", rows=count, cutoff=cutoff.isoformat())
    return count


def log_query(
    *,
    workspace_id: int,
    outcome: str | None = None,
    blocked: bool | None = None,
    provider: str | None = None,
    host: str | None = None,
    run_id: str | None = None,
    status: int | None = None,
    proxy_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Any]:
    """The workspace's log rows matching every given filter, newest first."""
    query = select(RequestLogEntry).where(RequestLogEntry.workspace_id == workspace_id)
    filters = {
        RequestLogEntry.outcome: outcome,
        RequestLogEntry.blocked: blocked,
        RequestLogEntry.provider: provider,
        RequestLogEntry.host: host,
        RequestLogEntry.run_id: run_id,
        RequestLogEntry.status: status,
        RequestLogEntry.proxy_id: proxy_id,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(RequestLogEntry.at >= since)
    if until is not None:
        query = query.where(RequestLogEntry.at < until)
    return query.order_by(RequestLogEntry.at.desc(), RequestLogEntry.id.desc())
