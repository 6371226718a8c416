"""A worker's claim on one attempt of a run, and every write it makes while holding it.

The claim is a single ``UPDATE … WHERE id = ? AND status = 'queued' AND available_at <= now``:
when two workers receive the same run id (a duplicate delivery, or a re-enqueue racing the
original), exactly one sees a row count of 1. Each later write is fenced by
``(id, status = 'running', attempts, worker)``; if the reconciler gave the run to someone else
meanwhile, the write matches nothing and the lease reports itself lost instead of clobbering
the new attempt.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Update, select, update

from shelfscope.clock import Clock
from shelfscope.db import Database
from shelfscope.jobs.models import Run, RunStatus

__all__ = ["ClaimedRun", "InFlight", "RunLease", "claim_run"]


@dataclass(frozen=True, slots=True)
class ClaimedRun:
    """What the run looked like the moment it was claimed."""

    run_id: int
    workspace_id: int | None
    kind: str
    subject: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    priority: int
    worker: str


def _rowcount(db: Database, stmt: Update) -> int:
    with db.session() as session:
        result = session.execute(stmt.execution_options(synchronize_session=False))
        return cast("CursorResult[Any]", result).rowcount


def claim_run(db: Database, *, run_id: int, worker: str, now: datetime) -> ClaimedRun | None:
    """Take the run if it is queued and due; None when another worker has it or it is not due."""
    stmt = (
        update(Run)
        .where(Run.id == run_id, Run.status == RunStatus.QUEUED.value, Run.available_at <= now)
        .values(
            status=RunStatus.RUNNING.value,
            attempts=Run.attempts + 1,
            worker=worker,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        if cast("CursorResult[Any]", session.execute(stmt)).rowcount != 1:
            return None
        run = session.execute(select(Run).where(Run.id == run_id)).scalar_one()
        return ClaimedRun(
            run_id=run.id,
            workspace_id=run.workspace_id,
            kind=run.kind,
            subject=run.subject,
            payload=dict(run.payload or {}),
            attempt=run.attempts,
            max_attempts=run.max_attempts,
            priority=run.priority,
            worker=worker,
        )


class RunLease:
    """Fenced writes for one claimed attempt. Each method returns False once the claim is lost."""

    def __init__(self, db: Database, claimed: ClaimedRun, clock: Clock) -> None:
        self.db = db
        self.claimed = claimed
        self.clock = clock

    def _mine(self) -> tuple[ColumnElement[bool], ...]:
        return (
            Run.id == self.claimed.run_id,
            Run.status == RunStatus.RUNNING.value,
            Run.attempts == self.claimed.attempt,
            Run.worker == self.claimed.worker,
        )

    def _update(self, **values: Any) -> bool:
        return _rowcount(self.db, update(Run).where(*self._mine()).values(**values)) == 1

    def heartbeat(self) -> bool:
        return self._update(heartbeat_at=self.clock.now())

    def write_progress(self, *, done: int, total: int | None, message: str | None) -> bool:
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": self.clock.now()}
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["message"] = message[:500]
        return self._update(**values)

    def cancel_requested(self) -> bool | None:
        """Whether someone asked to cancel; None when the claim is lost."""
        with self.db.session() as session:
            flag = session.execute(select(Run.cancel_requested).where(*self._mine())).scalar_one_or_none()
        return None if flag is None else bool(flag)

    def finish(
        self,
        status: RunStatus,
        *,
        result: dict[str, Any] | None,
        error: str | None,
        progress: tuple[int, int | None, str | None] | None = None,
    ) -> bool:
        now = self.clock.now()
        values: dict[str, Any] = {
            "status": status.value,
            "finished_at": now,
            "heartbeat_at": now,
            "result": result,
            "error": error,
        }
        if progress is not None:
            done, total, message = progress
            values["progress_done"] = done
            if total is not None:
                values["progress_total"] = total
            if message is not None:
                values["message"] = message[:500]
        return self._update(**values)

    def retry_later(self, *, available_at: datetime, error: str) -> bool:
        """Back to the queue; the scheduler enqueues it once ``available_at`` has come."""
        return self._update(
            status=RunStatus.QUEUED.value,
            available_at=available_at,
            enqueued_at=None,
            worker=None,
            heartbeat_at=None,
            error=error,
        )

    def release(self) -> bool:
        """Hand the run back unfinished (worker shutdown); the interrupted attempt is not counted."""
        return self._update(
            status=RunStatus.QUEUED.value,
            attempts=Run.attempts - 1,
            available_at=self.clock.now(),
            enqueued_at=None,
            worker=None,
            heartbeat_at=None,
            message="handed back by a stopping worker",
        )


class InFlight:
    """The leases this process holds right now, so a stopping worker can hand them back."""

    def __init__(self) -> None:
        self._leases: dict[int, RunLease] = {}
        self._lock = threading.Lock()

    @contextmanager
    def track(self, lease: RunLease) -> Iterator[RunLease]:
        with self._lock:
            self._leases[lease.claimed.run_id] = lease
        try:
            yield lease
        finally:
            with self._lock:
                self._leases.pop(lease.claimed.run_id, None)

    def run_ids(self) -> list[int]:
        with self._lock:
            return sorted(self._leases)

    def release_all(self) -> list[RunLease]:
        """Release every lease still held; returns those that went back to the queue."""
        with self._lock:
            leases = list(self._leases.values())
        return [lease for lease in leases if lease.release()]
