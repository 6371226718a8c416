"""Where background work runs: inside ``shelfscope serve`` (embedded mode), or as its own processes.

:class:`EmbeddedJobs` starts worker threads and the scheduler loop next to the web server. On
Ctrl-C it stops taking work at once, lets running handlers finish for ``jobs.serve_grace_seconds``
(a person waiting at a terminal should not wait half a minute) and hands the rest back to the
queue; a run it could not hand back is re-queued by the reconciler once its heartbeat is stale.

:func:`run_worker` and :func:`run_scheduler` are the blocking bodies of ``shelfscope worker`` and
``shelfscope scheduler``: SIGTERM or SIGINT stops them gracefully
(a worker lets running handlers finish up to ``shutdown_timeout_seconds``, then hands the rest
back to the queue); a second signal stops at once.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import TYPE_CHECKING

from shelfscope.jobs.scheduler_loop import SchedulerLoop
from shelfscope.jobs.worker import WorkerPool
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["EmbeddedJobs", "EmbeddedWorker", "run_scheduler", "run_worker", "stop_signals"]

log = get_logger(__name__)

_POLL_SECONDS = 0.2
_SUPERVISE_EVERY_SECONDS = 10.0


class EmbeddedJobs:
    """Worker threads and the scheduler loop inside another process (``serve``)."""

    def __init__(
        self,
        platform: Platform,
        *,
        worker: bool = True,
        scheduler: bool = True,
        concurrency: int | None = None,
        grace_seconds: float | None = None,
    ) -> None:
        jobs = platform.settings.jobs
        concurrency = concurrency or jobs.worker_concurrency
        self.grace_seconds = jobs.serve_grace_seconds if grace_seconds is None else grace_seconds
        self.stale_after_seconds = jobs.stale_after_seconds
        grace = self.grace_seconds
        self.pool = WorkerPool(platform, concurrency=concurrency, shutdown_timeout=grace) if worker else None
        self.loop = SchedulerLoop(platform) if scheduler else None
        self._stopped = False

    @classmethod
    def from_platform(cls, platform: Platform) -> EmbeddedJobs:
        """Worker threads and the scheduler, sized by the platform's settings."""
        return cls(platform)

    def start(self) -> None:
        if self.pool is not None:
            self.pool.start()
        if self.loop is not None:
            self.loop.start()

    def stop_now(self) -> list[int]:
        """Stop without a grace period: hand every running run back at once (a second Ctrl-C)."""
        self.stop_taking()
        if self.pool is None or self._stopped:
            return []
        self._stopped = True
        handed_back = self.pool.hand_back()
        log.warning("runs_handed_back", run_ids=handed_back, grace_seconds=0)
        return handed_back

    def stop_taking(self) -> None:
        """Dispatch and take no new work from now on; returns at once (safe to call twice)."""
        if self.loop is not None:
            self.loop.request_stop()
        if self.pool is not None:
            self.pool.stop_taking()

    def stop(self) -> list[int]:
        """Stop taking work, give running handlers the grace period, hand back the rest.

        Returns the ids of the runs handed back. Safe to call again: later calls do nothing.
        """
        self.stop_taking()
        if self.loop is not None:
            self.loop.stop()
        if self.pool is None or self._stopped:
            return []
        self._stopped = True
        handed_back = self.pool.stop()
        if handed_back:
            log.warning("runs_handed_back", run_ids=handed_back, grace_seconds=self.grace_seconds)
        # Still tracked but not handed back: finishing right now, or the database refused.
        stranded = [run_id for run_id in self.pool.in_flight.run_ids() if run_id not in handed_back]
        if stranded:
            log.warning(
                "runs_left_to_reconciler", run_ids=stranded, requeued_after_seconds=self.stale_after_seconds
            )
        return handed_back

    def __enter__(self) -> EmbeddedJobs:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# The name ``shelfscope serve`` uses.
EmbeddedWorker = EmbeddedJobs


class _Signals:
    """Counts SIGTERM/SIGINT. Handlers only bump a counter: locks are not safe in a signal handler."""

    def __init__(self) -> None:
        self.received = 0

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.received += 1
        log.info("signal_received", signal=signal.Signals(signum).name, count=self.received)
        if self.received > 1:
            raise KeyboardInterrupt  # breaks a graceful wait: stop now

    def wait(self, *, every: float | None = None, then: Callable[[], None] | None = None) -> None:
        """Block until the first signal, calling ``then()`` every ``every`` seconds meanwhile."""
        last = time.monotonic()
        while not self.received:
            time.sleep(_POLL_SECONDS)
            if every is not None and then is not None and time.monotonic() - last >= every:
                then()
                last = time.monotonic()


@contextmanager
def stop_signals() -> Iterator[_Signals]:
    """Count SIGTERM/SIGINT in the block: the first asks for a graceful stop, a second stops now."""
    signals = _Signals()
    previous = {sig: signal.signal(sig, signals.handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield signals
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_worker(platform: Platform, concurrency: int | None = None) -> None:
    """Execute runs from the queue until SIGTERM/SIGINT (``shelfscope worker``)."""
    pool = WorkerPool(platform, concurrency=concurrency or platform.settings.jobs.worker_concurrency)
    with stop_signals() as signals:
        pool.start()
        try:
            signals.wait(every=_SUPERVISE_EVERY_SECONDS, then=pool.supervise)
            pool.stop()
        except KeyboardInterrupt:
            log.warning("worker_stopping_now", running=pool.in_flight.run_ids())
            pool.hand_back()


def run_scheduler(platform: Platform) -> None:
    """Tick the scheduler and reconciler until SIGTERM/SIGINT (``shelfscope scheduler``)."""
    loop = SchedulerLoop(platform)
    with stop_signals() as signals:
        loop.start()
        try:
            signals.wait()
        except KeyboardInterrupt:
            log.info("scheduler_stopping_now")
        loop.stop()
