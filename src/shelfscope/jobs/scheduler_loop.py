"""The loop that runs the scheduler tick and the reconciler every few seconds.

It runs as a thread inside ``serve`` (embedded mode) or as the ``shelfscope scheduler``
process. An unreachable database or queue is logged and retried on the next tick; the loop
never dies of it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from shelfscope.errors import ShelfscopeError
from shelfscope.jobs.reconciler import reconcile
from shelfscope.jobs.registry import load_task_modules
from shelfscope.jobs.scheduler import tick
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["SchedulerLoop"]

log = get_logger(__name__)


class SchedulerLoop:
    def __init__(self, platform: Platform, *, interval: float | None = None) -> None:
        self.platform = platform
        self.interval = interval or platform.settings.jobs.scheduler_interval_seconds
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """One tick and one reconciliation; failures are logged, never raised."""
        try:
            report = tick(self.platform)
            recovered = reconcile(self.platform)
        except ShelfscopeError as exc:
            log.warning("scheduler_tick_failed", error=exc.message)
        except Exception as exc:
            log.exception("scheduler_tick_crashed", error=str(exc))
        else:
            if report.schedules_fired or report.dispatched or recovered.requeued or recovered.failed:
                log.info(
                    "scheduler_tick",
                    schedules_fired=report.schedules_fired,
                    dispatched=len(report.dispatched),
                    stale_requeued=recovered.requeued,
                    stale_failed=recovered.failed,
                )
        self.ticks += 1

    def run_forever(self) -> None:
        """Tick until :meth:`stop` is called."""
        load_task_modules()
        log.info("scheduler_started", interval_seconds=self.interval)
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)
        log.info("scheduler_stopped")

    def start(self) -> None:
        """Run the loop in a daemon thread."""
        self._thread = threading.Thread(target=self.run_forever, name="shelfscope-scheduler", daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        """Ask the loop to stop after its current tick, without waiting for it."""
        self._stop.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
