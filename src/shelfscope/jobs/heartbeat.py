"""A background thread that keeps a running run's ``heartbeat_at`` fresh.

Handlers block in I/O for long stretches, so the proof of life cannot depend on them calling
back. The reconciler treats a heartbeat older than ``stale_after_seconds`` as a dead worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType

from shelfscope.jobs.lease import RunLease
from shelfscope.logs import get_logger

__all__ = ["Heartbeat"]

log = get_logger(__name__)


class Heartbeat:
    """Beat every ``interval`` seconds while the ``with`` block runs; call ``on_lost`` if fenced out."""

    def __init__(self, lease: RunLease, *, interval: float, on_lost: Callable[[], None]) -> None:
        self._lease = lease
        self._interval = interval
        self._on_lost = on_lost
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name=f"heartbeat-run-{lease.claimed.run_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=max(5.0, self._interval))

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                alive = self._lease.heartbeat()
            except Exception as exc:
                # A database blip: try again next beat; the stale threshold is several beats long.
                log.warning("heartbeat_failed", run_id=self._lease.claimed.run_id, error=str(exc))
                continue
            if not alive:
                log.warning("run_claim_lost", run_id=self._lease.claimed.run_id)
                self._on_lost()
                return
