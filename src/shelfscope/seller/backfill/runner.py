"""Work through a connection's due windows, with progress events: the body of a backfill run.

The plan in the database says what is left; this only claims due windows one by one and hands
each to :func:`~shelfscope.seller.backfill.fetch.fetch_window`. Progress goes out as
``sync_progress`` {current, total, report_type, status, percentage}, then ``sync_completed``;
a window that fails publishes ``sync_error``. A revoked authorization stops the run (the
connection is already marked); transient trouble puts the window back for a later attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import case, func, select

from shelfscope.errors import AuthorizationRevoked, NotFound, ShelfscopeError, TransientError
from shelfscope.events.types import Event
from shelfscope.logs import get_logger
from shelfscope.seller.backfill.fetch import fetch_window
from shelfscope.seller.backfill.plan import claim_window, due_windows
from shelfscope.seller.backfill.windows import kind_plan
from shelfscope.seller.backfill.work import WindowWork
from shelfscope.seller.ledger import IngestResult
from shelfscope.seller.models import BackfillWindow, ConnectionStatus, SellerConnection, WindowStatus
from shelfscope.seller.runtime import SellerRuntime

__all__ = ["BackfillSummary", "run_backfill"]

log = get_logger(__name__)

LEASE = timedelta(hours=1)
TRANSIENT_RETRY = timedelta(minutes=5)

Progress = Callable[[int, int, str], None]


@dataclass
class BackfillSummary:
    windows_processed: int = 0
    ingested: IngestResult = field(default_factory=IngestResult)
    errors: list[str] = field(default_factory=list)
    stopped: str | None = None


def run_backfill(
    runtime: SellerRuntime,
    *,
    connection_id: int,
    max_windows: int | None = None,
    progress: Progress | None = None,
) -> BackfillSummary:
    """Process due windows until none is left (or ``max_windows``, which tests use to "kill" a run)."""
    platform = runtime.platform
    connection = _active_connection(runtime, connection_id)
    client = runtime.client_for(connection)
    summary = BackfillSummary()
    attempted: set[int] = set()  # a window that failed transiently waits for the next run
    while max_windows is None or summary.windows_processed < max_windows:
        window = _claim_next(runtime, connection_id, skip=attempted)
        if window is None:
            break
        attempted.add(window.id)
        work = WindowWork(runtime, client, connection, window, summary.ingested)
        try:
            fetch_window(work)
        except AuthorizationRevoked as exc:
            work.save(claimed_until=None, last_error=exc.message)
            summary.stopped = exc.message
            _publish(runtime, connection, "sync_error", {"error": exc.message, "kind": window.kind})
            break
        except TransientError as exc:
            work.save(
                claimed_until=None,
                last_error=exc.message,
                next_attempt_at=platform.clock.now() + TRANSIENT_RETRY,
            )
            summary.errors.append(exc.message)
        except ShelfscopeError as exc:
            work.save(status=WindowStatus.FAILED.value, claimed_until=None, last_error=exc.message)
            summary.errors.append(exc.message)
            _publish(runtime, connection, "sync_error", {"error": exc.message, "kind": window.kind})
        summary.windows_processed += 1
        _report_progress(runtime, connection, window, progress)
    if summary.stopped is None:
        _publish(runtime, connection, "sync_completed", {"rows_ingested": summary.ingested.rows_inserted})
    return summary


def _active_connection(runtime: SellerRuntime, connection_id: int) -> SellerConnection:
    with runtime.platform.db.session() as session:
        connection = session.get(SellerConnection, connection_id)
        if connection is None:
            raise NotFound(f"seller connection {connection_id} not found")
        if connection.status != ConnectionStatus.ACTIVE:
            raise AuthorizationRevoked(f"the Amazon connection is {connection.status}; nothing is synced")
        session.expunge(connection)
        return connection


def _claim_next(runtime: SellerRuntime, connection_id: int, *, skip: set[int]) -> BackfillWindow | None:
    now = runtime.platform.clock.now()
    with runtime.platform.db.session() as session:
        for window_id in due_windows(session, connection_id=connection_id, now=now, limit=len(skip) + 20):
            if window_id not in skip and claim_window(session, window_id=window_id, now=now, lease=LEASE):
                window = session.get(BackfillWindow, window_id)
                assert window is not None
                session.flush()
                session.expunge(window)
                return window
    return None


def _report_progress(
    runtime: SellerRuntime, connection: SellerConnection, window: BackfillWindow, progress: Progress | None
) -> None:
    with runtime.platform.db.session() as session:
        rows = session.execute(
            select(func.count(), func.sum(case((BackfillWindow.status.in_(_FINAL), 1), else_=0))).where(
                BackfillWindow.connection_id == connection.id
            )
        ).one()
    total, done = int(rows[0] or 0), int(rows[1] or 0)
    report_type = kind_plan(window.kind).report_type or "listFinancialEvents"
    payload = {
        "current": done,
        "total": total,
        "kind": window.kind,
        "report_type": report_type,
        "status": window.status,
        "percentage": round(100.0 * done / total, 1) if total else 100.0,
    }
    _publish(runtime, connection, "sync_progress", payload)
    if progress is not None:
        progress(done, total, f"{window.kind}: {window.status}")


def _publish(
    runtime: SellerRuntime, connection: SellerConnection, kind: str, payload: dict[str, Any]
) -> None:
    event = Event(
        type=kind, workspace_id=connection.workspace_id, payload={"connection_id": connection.id, **payload}
    )
    try:
        runtime.platform.bus.publish(event)
    except ShelfscopeError as exc:  # live updates are best effort; the plan is the record
        log.warning("seller.progress_not_published", error=exc.message)


_FINAL = tuple(s.value for s in WindowStatus if s.is_final)
