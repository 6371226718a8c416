"""A pool of worker threads consuming the queue, which hands its runs back when it stops."""

from __future__ import annotations

import os
import secrets
import socket
from typing import TYPE_CHECKING

from shelfscope.jobs.dispatch import enqueue_now
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.lease import InFlight
from shelfscope.jobs.queue import ConsumerHandle, RunRunner
from shelfscope.jobs.registry import load_task_modules
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["WorkerPool", "default_worker_id", "make_runner"]

log = get_logger(__name__)


def default_worker_id() -> str:
    """``host:pid:nonce``: unique per pool, and names the process an operator would look for."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


def make_runner(platform: Platform, *, worker: str, in_flight: InFlight) -> RunRunner:
    """What a delivered run id does in this process: claim it, track it, execute it."""

    def run(run_id: int) -> None:
        execute_run(platform, run_id, worker=worker, in_flight=in_flight)

    return run


class WorkerPool:
    """``concurrency`` threads executing runs from the platform's queue."""

    def __init__(
        self,
        platform: Platform,
        *,
        concurrency: int,
        worker: str | None = None,
        shutdown_timeout: float | None = None,
    ) -> None:
        self.platform = platform
        self.concurrency = concurrency
        self.shutdown_timeout = (
            platform.settings.jobs.shutdown_timeout_seconds if shutdown_timeout is None else shutdown_timeout
        )
        self.worker = worker or default_worker_id()
        self.in_flight = InFlight()
        self._consumer: ConsumerHandle | None = None

    def start(self) -> None:
        load_task_modules()
        queue = self.platform.queue
        queue.bind_runner(make_runner(self.platform, worker=self.worker, in_flight=self.in_flight))
        self._consumer = queue.create_consumer(
            workers=self.concurrency, shutdown_timeout=self.shutdown_timeout
        )
        self._consumer.start()
        log.info("worker_started", worker=self.worker, concurrency=self.concurrency)

    def supervise(self) -> None:
        if self._consumer is not None:
            self._consumer.supervise()

    def stop_taking(self) -> None:
        """Take no new runs from now on; running handlers go on until :meth:`stop`."""
        if self._consumer is not None:
            self._consumer.stop_taking()

    def stop(self) -> list[int]:
        """Let running handlers finish (up to the shutdown timeout), then hand back what is left."""
        if self._consumer is None:
            return []
        self._consumer.stop()
        self._consumer = None
        released = self.hand_back()
        self.platform.queue.bind_runner(None)
        log.info("worker_stopped", worker=self.worker, handed_back=released)
        return released

    def hand_back(self) -> list[int]:
        """Put runs still held back in the queue, so they restart now instead of after going stale."""
        try:
            released = self.in_flight.release_all()
        except Exception as exc:
            log.warning("runs_not_handed_back", worker=self.worker, error=str(exc))
            return []
        for lease in released:
            enqueue_now(self.platform, run_id=lease.claimed.run_id, priority=lease.claimed.priority)
        return [lease.claimed.run_id for lease in released]
