"""A circuit breaker per host: stop hammering a host that keeps failing, then probe it.

Retries help with a flaky request; they hurt when the host is down (every request burns its
attempts, proxy bandwidth and time). After ``failure_threshold`` consecutive host failures
(connection errors, timeouts, 5xx: see :data:`shelfscope.fetch.policy.HOST_FAILURES`) the
circuit *opens* and requests fail at once with :class:`CircuitOpen`. After ``reset_seconds`` it
is *half-open*: one trial request goes through; success closes the circuit, failure re-opens it
for another period. Time comes from the injected clock, so tests step through the states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shelfscope.clock import Clock
from shelfscope.fetch.failures import CircuitOpen
from shelfscope.logs import get_logger

__all__ = ["BreakerState", "CircuitBreaker"]

log = get_logger(__name__)


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: datetime | None = None
    trial_running: bool = False


class CircuitBreaker:
    def __init__(self, *, clock: Clock, failure_threshold: int = 5, reset_seconds: float = 30.0) -> None:
        self._clock = clock
        self._threshold = failure_threshold
        self._reset = timedelta(seconds=reset_seconds)
        self._circuits: dict[str, _Circuit] = {}

    def state(self, host: str) -> BreakerState:
        circuit = self._circuits.get(host)
        if circuit is None or circuit.opened_at is None:
            return BreakerState.CLOSED
        if self._clock.now() - circuit.opened_at >= self._reset:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def before_call(self, host: str) -> None:
        """Raise :class:`CircuitOpen` unless a request to ``host`` may go out now."""
        state = self.state(host)
        if state is BreakerState.CLOSED:
            return
        circuit = self._circuits[host]
        if state is BreakerState.HALF_OPEN and not circuit.trial_running:
            circuit.trial_running = True
            return
        assert circuit.opened_at is not None
        wait = max(0.0, (circuit.opened_at + self._reset - self._clock.now()).total_seconds())
        pending = f"not contacted for {wait:.0f} s more" if wait else "a trial request is under way"
        raise CircuitOpen(
            f"{host} failed {circuit.failures} times in a row; {pending}", host=host, retry_after=wait
        )

    def release(self, host: str) -> None:
        """Forget a request that ended without an outcome (cancelled): a trial slot frees up."""
        circuit = self._circuits.get(host)
        if circuit is not None:
            circuit.trial_running = False

    def record(self, host: str, *, ok: bool) -> None:
        """The outcome of a request :meth:`before_call` let through."""
        circuit = self._circuits.setdefault(host, _Circuit())
        half_open = circuit.trial_running
        circuit.trial_running = False
        if ok:
            if circuit.opened_at is not None:
                log.info("circuit closed", host=host)
            self._circuits.pop(host, None)
            return
        circuit.failures += 1
        if half_open or (circuit.opened_at is None and circuit.failures >= self._threshold):
            circuit.opened_at = self._clock.now()
            log.warning("circuit opened", host=host, failures=circuit.failures)
