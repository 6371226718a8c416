"""The sandbox's own time, which can run faster than the wall clock.

An 18-month SP-API backfill against real processing delays would take days. The sandbox clock
runs ``speed`` sandbox seconds per real second (and can be frozen or jumped), so simulators that
derive report states, token expiry and rankings from ``clock.now()`` play out in minutes while
keeping their real relative timings.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from shelfscope.clock import utcnow
from shelfscope.errors import InvalidInput

__all__ = ["SandboxClock"]


def _check_speed(speed: float) -> float:
    if not math.isfinite(speed) or speed < 0:
        raise InvalidInput(f"clock speed must be a finite number >= 0, got {speed}", field="speed")
    return float(speed)


class SandboxClock:
    """A controllable clock from ``start``, ``speed`` times as fast as real time; re-speed or advance it.

    Thread-safe: the server's event loop reads it while tests or the CLI move it. ``monotonic`` is
    the real time source (seconds), injectable so tests never sleep.
    """

    def __init__(
        self,
        *,
        start: datetime | None = None,
        speed: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start is not None and start.tzinfo is None:
            raise InvalidInput("the sandbox clock needs a timezone-aware start time", field="start")
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._speed = _check_speed(speed)
        self._anchor_real = monotonic()
        self._anchor_time = start or utcnow()

    def _now_locked(self) -> datetime:
        elapsed = self._monotonic() - self._anchor_real
        return self._anchor_time + timedelta(seconds=elapsed * self._speed)

    def _rebase_locked(self) -> None:
        self._anchor_time = self._now_locked()
        self._anchor_real = self._monotonic()

    def now(self) -> datetime:
        """Current sandbox time, timezone-aware UTC (satisfies :class:`shelfscope.clock.Clock`)."""
        with self._lock:
            return self._now_locked()

    @property
    def speed(self) -> float:
        """Sandbox seconds that pass per real second."""
        with self._lock:
            return self._speed

    def set_speed(self, speed: float) -> None:
        """Change the pace from now on; time already passed is kept."""
        checked = _check_speed(speed)
        with self._lock:
            self._rebase_locked()
            self._speed = checked

    def advance(self, delta: timedelta | float) -> datetime:
        """Jump forward by ``delta`` (seconds or a timedelta); the sandbox never goes back in time."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        if step < timedelta(0):
            raise InvalidInput("the sandbox clock only moves forward", field="advance")
        with self._lock:
            self._rebase_locked()
            self._anchor_time += step
            return self._anchor_time

    def real_seconds(self, sandbox_seconds: float) -> float:
        """Real seconds it takes for ``sandbox_seconds`` to pass (``inf`` when frozen)."""
        speed = self.speed
        return math.inf if speed == 0 else sandbox_seconds / speed

    def describe(self) -> dict[str, Any]:
        """The clock as JSON: current time and speed."""
        with self._lock:
            return {"now": self._now_locked().isoformat(), "speed": self._speed}
