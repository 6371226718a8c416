"""Where background work runs: inside ``serve`` (embedded mode), or as its own processes.

:class:`EmbeddedJobs` starts worker threads and the scheduler loop next to the web server and
stops them gracefully. :func:`run_worker` and :func:`run_scheduler` are the blocking bodies of
``shelfscope worker`` and ``shelfscope scheduler``: SIGTERM or SIGINT stops them gracefully
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

__all__ = ["EmbeddedJobs", "EmbeddedWorker", "run_scheduler", "run_worker"]

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
    ) -> None:
        concurrency = concurrency or platform.settings.jobs.worker_concurrency
        self.pool = WorkerPool(platform, concurrency=concurrency) if worker else None
        self.loop = SchedulerLoop(platform) if scheduler else None

    @classmethod
    def from_platform(cls, platform: Platform) -> EmbeddedJobs:
        """Worker threads and the scheduler, sized by the platform's settings."""
        return cls(platform)

    def start(self) -> None:
        if self.pool is not None:
            self.pool.start()
        if self.loop is not None:
            self.loop.start()

    def stop(self) -> None:
        """Stop the scheduler, then let running handlers finish and hand back the rest."""
        if self.loop is not None:
            self.loop.stop()
        if self.pool is not None:
            self.pool.stop()

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
def _stop_signals() -> Iterator[_Signals]:
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
    with _stop_signals() as signals:
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
    with _stop_signals() as signals:
        loop.start()
        try:
            signals.wait()
        except KeyboardInterrupt:
            log.info("scheduler_stopping_now")
        loop.stop()
