"""Work through a connection's due windows, with progress events: the body of a backfill run.

The plan in the database says what is left; this only claims due windows one by one and hands
each to :func:`~shelfscope.seller.backfill.fetch.fetch_window`. A run takes each due window at
most once and never waits for Amazon: a report still processing is put back with its poll time,
and the run ends with :attr:`BackfillSummary.next_due_at`, when the scheduler tick (or
:func:`drive_backfill`, for the CLI) should come back. Progress goes out as
``sync_progress`` {current, total, report_type, status, percentage}, then ``sync_completed``;
a window that fails publishes ``sync_error``. A revoked authorization stops the run (the
connection is already marked); transient trouble puts the window back for a later attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from shelfscope.errors import AuthorizationRevoked, NotFound, ShelfscopeError, TransientError
from shelfscope.events.types import Event
from shelfscope.logs import get_logger
from shelfscope.seller.backfill.fetch import fetch_window
from shelfscope.seller.backfill.plan import OPEN_STATUSES, claim_window, due_windows
from shelfscope.seller.backfill.windows import Fetch, kind_plan
from shelfscope.seller.backfill.work import WindowWork
from shelfscope.seller.cases.hooks import detect_after_sync
from shelfscope.seller.ledger import IngestResult
from shelfscope.seller.models import BackfillWindow, ConnectionStatus, SellerConnection, WindowStatus
from shelfscope.seller.ratelimit import BucketWait
from shelfscope.seller.runtime import SellerRuntime

__all__ = ["BackfillSummary", "drive_backfill", "run_backfill"]

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
    open_windows: int = 0
    """Windows not final when the run ended (waiting for a report, a FATAL retry, a lease)."""
    next_due_at: datetime | None = None
    """When the earliest open window is due again; ``None`` when nothing is left."""

    def merge(self, other: BackfillSummary) -> None:
        """Fold a later run of the same connection into this one."""
        self.windows_processed += other.windows_processed
        self.ingested.add(other.ingested)
        self.errors = other.errors
        self.stopped = other.stopped
        self.open_windows, self.next_due_at = other.open_windows, other.next_due_at


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
        except BucketWait as exc:
            # Not trouble: our own rate-limit bucket is empty; the window waits in the plan.
            retry = timedelta(seconds=exc.retry_after or TRANSIENT_RETRY.total_seconds())
            work.save(claimed_until=None, next_attempt_at=platform.clock.now() + retry)
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
    summary.open_windows, summary.next_due_at = _open_windows(runtime, connection_id)
    if summary.stopped is None and summary.open_windows == 0:
        detect_after_sync(platform, connection_id=connection_id)  # reimbursement cases follow the ledger
        _publish(runtime, connection, "sync_completed", {"rows_ingested": summary.ingested.rows_inserted})
    return summary


def drive_backfill(
    runtime: SellerRuntime,
    *,
    connection_id: int,
    wait: Callable[[timedelta], object],
    max_runs: int = 10_000,
    progress: Progress | None = None,
) -> BackfillSummary:
    """Runs until every window is final, calling ``wait`` until the next one is due.

    For a foreground caller (the CLI, tests with an injected clock); workers run
    :func:`run_backfill` once per queued run and leave the waiting to the scheduler. Stops
    early on a revoked authorization or a run with transient errors.
    """
    total = BackfillSummary()
    for _ in range(max_runs):
        summary = run_backfill(runtime, connection_id=connection_id, progress=progress)
        total.merge(summary)
        if summary.stopped is not None or summary.next_due_at is None or summary.errors:
            break  # done, revoked, or transient trouble the caller may want to handle
        wait(max(timedelta(0), summary.next_due_at - runtime.platform.clock.now()))
    return total


def _open_windows(runtime: SellerRuntime, connection_id: int) -> tuple[int, datetime | None]:
    """How many windows are not final, and when the first of them can be taken again."""
    now = runtime.platform.clock.now()
    with runtime.platform.db.session() as session:
        rows = session.execute(
            select(BackfillWindow.next_attempt_at, BackfillWindow.claimed_until).where(
                BackfillWindow.connection_id == connection_id, BackfillWindow.status.in_(OPEN_STATUSES)
            )
        ).all()
    if not rows:
        return 0, None
    due = min(max((t for t in (retry, lease) if t is not None), default=now) for retry, lease in rows)
    return len(rows), due


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
    plan = kind_plan(window.kind)
    report_type = plan.report_type or (
        "listFinancialEventGroups" if plan.fetch is Fetch.EVENT_GROUPS else "listFinancialEvents"
    )
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
