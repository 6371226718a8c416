"""Waiting as an injected dependency, so tests move a clock instead of sleeping.

The throttle and the retry backoff wait through a :data:`Sleep`. Production uses
:func:`real_sleep`; tests and simulations use :class:`ClockSleep`, which records every wait and
advances a :class:`~shelfscope.clock.FakeClock` by it, so a 429 with ``Retry-After: 7`` is
checked by reading ``sleep.calls`` rather than by waiting seven seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from shelfscope.clock import FakeClock

__all__ = ["ClockSleep", "Sleep", "real_sleep"]

Sleep = Callable[[float], Awaitable[None]]


async def real_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class ClockSleep:
    """A sleep that returns at once, recording ``seconds`` and moving ``clock`` forward by it."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(seconds)
        await asyncio.sleep(0)  # still a suspension point, as a real sleep is

    @property
    def total(self) -> float:
        return sum(self.calls)
