"""Politeness per host: a random pause between requests, longer when the host starts refusing.

Each host is a *slot*. A request waits until the previous request to the slot started plus a
delay drawn from its profile's :class:`DelayRange` (default 2-8 s). Reservations are taken
without awaiting, so concurrent requests to one host queue up one delay apart instead of
bursting together.

On top of the drawn delay sits a *penalty* that follows how the host answers (Scrapy's
AutoThrottle idea). The trap it avoids: errors come back faster than pages (a 429 or a CAPTCHA
is small and instant), so a limiter that paces by latency speeds up exactly when it should slow
down. Here a failed attempt never lowers the penalty; one that failed *faster* than the slot's
typical successful page doubles it (at least ``backoff_step``, at most ``backoff_max``); a
success halves it. Observations arrive as :class:`AttemptFinished` events, so blocks detected
later in the chain count as failures too.

With delays disabled (tests, the sandbox) nothing waits and no penalty accrues. Time and waiting
are injected (:mod:`shelfscope.fetch.timing`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from shelfscope.clock import Clock
from shelfscope.errors import InvalidInput
from shelfscope.fetch.signals import AttemptFinished, FetchEvent
from shelfscope.fetch.timing import Sleep

__all__ = ["DelayRange", "Throttle"]

_EWMA = 0.3  # weight of the newest successful latency in the slot's typical latency


@dataclass(frozen=True)
class DelayRange:
    """Seconds between two requests to one host: uniformly random in ``[low, high]``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise InvalidInput(f"a delay range needs 0 <= low <= high, got {self.low}-{self.high}")

    def draw(self, rng: random.Random) -> float:
        return self.low if self.low == self.high else rng.uniform(self.low, self.high)


ZERO = DelayRange(0.0, 0.0)


@dataclass
class _Slot:
    last_start: datetime | None = None
    penalty: float = 0.0
    ok_latency: float | None = None


class Throttle:
    def __init__(
        self,
        *,
        delays: Mapping[str, DelayRange],
        clock: Clock,
        sleep: Sleep,
        rng: random.Random,
        backoff_step: float = 5.0,
        backoff_max: float = 120.0,
        enabled: bool = True,
    ) -> None:
        if "default" not in delays:
            raise InvalidInput("the throttle needs a 'default' delay profile", field="delays")
        self._delays = dict(delays)
        self._clock, self._sleep, self._rng = clock, sleep, rng
        self._step, self._max = backoff_step, backoff_max
        self.enabled = enabled
        self._slots: dict[str, _Slot] = {}

    def penalty(self, slot: str) -> float:
        """The current extra delay of ``slot`` in seconds."""
        return self._slots.get(slot, _Slot()).penalty

    def delay_range(self, profile: str) -> DelayRange:
        if not self.enabled:
            return ZERO
        return self._delays.get(profile, self._delays["default"])

    async def wait(self, *, slot: str, profile: str = "default") -> float:
        """Wait for ``slot``'s turn; returns the seconds waited."""
        if not self.enabled:
            return 0.0
        state = self._slots.setdefault(slot, _Slot())
        now = self._clock.now()
        start = now
        if state.last_start is not None:
            gap = self.delay_range(profile).draw(self._rng) + state.penalty
            start = max(now, state.last_start + timedelta(seconds=gap))
        state.last_start = start  # reserved before awaiting: the next caller queues behind us
        waited = (start - now).total_seconds()
        if waited > 0:
            await self._sleep(waited)
        return waited

    def observe(self, event: FetchEvent) -> None:
        """Adapt the slot's penalty to how its last attempt went."""
        if not self.enabled or not isinstance(event, AttemptFinished):
            return
        state = self._slots.setdefault(event.request.host, _Slot())
        record = event.record
        if record.error is None:
            previous = state.ok_latency
            state.ok_latency = (
                record.elapsed if previous is None else previous + _EWMA * (record.elapsed - previous)
            )
            state.penalty = 0.0 if state.penalty < 0.1 else state.penalty / 2
            return
        faster_than_pages = state.ok_latency is None or record.elapsed <= state.ok_latency
        grown = max(self._step, state.penalty * 2) if faster_than_pages else max(self._step, state.penalty)
        state.penalty = min(self._max, grown)
