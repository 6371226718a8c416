"""What a run handler sees: its payload, the platform, and ways to report back.

Handlers call :meth:`RunContext.progress` as they go (throttled into the database and onto the
event bus), :meth:`RunContext.check_cancelled` between units of work, and
:meth:`RunContext.set_partial` when some units failed but the rest is worth keeping.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from shelfscope.jobs.lease import RunLease
from shelfscope.jobs.run_events import publish_progress
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    import structlog

    from shelfscope.platform import Platform

__all__ = ["RunCancelled", "RunContext", "RunLost"]


class RunCancelled(BaseException):
    """Someone cancelled the run. A BaseException, so ``except Exception`` in handlers lets it through."""


class RunLost(BaseException):
    """Another worker owns the run now (this one was presumed dead); stop without writing."""


class RunContext:
    """One attempt of one run, as its handler sees it."""

    def __init__(self, *, platform: Platform, lease: RunLease, progress_interval: float) -> None:
        claimed = lease.claimed
        self.platform = platform
        self.run_id = claimed.run_id
        self.workspace_id = claimed.workspace_id
        self.kind = claimed.kind
        self.subject = claimed.subject
        self.payload: dict[str, Any] = claimed.payload
        self.attempt = claimed.attempt
        self.worker = claimed.worker
        self.log: structlog.stdlib.BoundLogger = get_logger(
            "shelfscope.jobs.run", run_id=self.run_id, kind=self.kind, workspace_id=self.workspace_id
        )
        self.partial_reason: str | None = None
        self._lease = lease
        self._progress_interval = progress_interval
        self._done = 0
        self._total: int | None = None
        self._message: str | None = None
        self._last_write: float | None = None
        self._lost = threading.Event()

    @property
    def progress_snapshot(self) -> tuple[int, int | None, str | None]:
        return self._done, self._total, self._message

    def mark_lost(self) -> None:
        """Called by the heartbeat thread when the claim moved elsewhere."""
        self._lost.set()

    def _raise_if_lost(self) -> None:
        if self._lost.is_set():
            raise RunLost(f"run {self.run_id} attempt {self.attempt} is no longer held by {self.worker}")

    def progress(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Report ``done`` of ``total`` units; stored and published at most every progress interval."""
        self._raise_if_lost()
        self._done = done
        if total is not None:
            self._total = total
        if message is not None:
            self._message = message
        now = time.monotonic()
        finished = self._total is not None and done >= self._total
        due = self._last_write is None or now - self._last_write >= self._progress_interval
        if not (due or finished):
            return
        self._last_write = now
        if not self._lease.write_progress(done=done, total=self._total, message=self._message):
            self.mark_lost()
            self._raise_if_lost()
        publish_progress(
            self.platform.bus,
            self.workspace_id,
            {
                "run_id": self.run_id,
                "kind": self.kind,
                "subject": self.subject,
                "status": "running",
                "done": self._done,
                "total": self._total,
                "message": self._message,
                "attempts": self.attempt,
            },
        )

    def heartbeat(self) -> None:
        """Prove liveness now (the background thread also does this on its own)."""
        self._raise_if_lost()
        if not self._lease.heartbeat():
            self.mark_lost()
            self._raise_if_lost()

    def check_cancelled(self) -> None:
        """Raise :class:`RunCancelled` if cancellation was requested; call between units of work."""
        self._raise_if_lost()
        requested = self._lease.cancel_requested()
        if requested is None:
            self.mark_lost()
            self._raise_if_lost()
        if requested:
            raise RunCancelled(f"run {self.run_id} was cancelled")

    def set_partial(self, reason: str) -> None:
        """End the run as ``partial`` (with ``reason`` as its error) even if the handler returns."""
        self.partial_reason = reason

    def spawn(
        self,
        kind: str,
        *,
        subject: str = "",
        payload: dict[str, Any] | None = None,
        priority: int | None = None,
    ) -> int:
        """Create a child run (fan-out) in this run's workspace; returns its id."""
        from shelfscope.jobs.service import create_run

        with self.platform.db.session() as session:
            child = create_run(
                session,
                self.platform,
                workspace_id=self.workspace_id,
                kind=kind,
                subject=subject,
                payload=payload,
                priority=self._lease.claimed.priority if priority is None else priority,
                parent_id=self.run_id,
            )
            return child.id
