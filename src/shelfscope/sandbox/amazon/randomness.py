"""Seeded, order-free randomness: every value is a function of its name, never of call order.

The storefronts must serve the same page for the same (seed, marketplace, keyword, page, day)
whichever requests came before, in whatever process. So nothing here keeps a generator running
across requests: values are derived from a hash of their coordinates, and day-to-day drift is a
random walk summed over a window of per-day steps (each step a hash of its own date), which makes
the walk's value on any day computable on its own and cheap to cache.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from functools import lru_cache
from typing import TypeVar

__all__ = ["STEP_CLAMP", "WALK_WINDOW_DAYS", "digest", "pick", "unit", "walk", "walks"]

_T = TypeVar("_T")

WALK_WINDOW_DAYS = 30
"""Days of steps a walk sums: its value wanders, yet a day's value needs only 30 steps."""
STEP_CLAMP = 3.0
"""Steps are standard normal draws cut at ±3, so one day can move a walk by at most 6."""


def digest(*parts: object) -> int:
    """A 64-bit integer fixed by ``parts`` (their ``str``), the same in every process."""
    key = "\x1f".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """A number in [0, 1) fixed by ``parts``."""
    return digest(*parts) / 2**64


def pick(options: tuple[_T, ...] | list[_T], *parts: object) -> _T:
    """One of ``options``, fixed by ``parts``."""
    return options[digest(*parts) % len(options)]


@lru_cache(maxsize=8192)
def _steps(key: str, day: date, size: int) -> tuple[float, ...]:
    generator = random.Random(f"{key}|{day.isoformat()}")  # noqa: S311 - simulation, not security
    return tuple(max(-STEP_CLAMP, min(STEP_CLAMP, generator.gauss(0.0, 1.0))) for _ in range(size))


@lru_cache(maxsize=2048)
def walks(key: str, day: date, size: int) -> tuple[float, ...]:
    """``size`` independent walks named ``key`` on ``day``: each the sum of its last 30 daily steps.

    Consecutive days share 29 steps, so a walk moves by (new step - dropped step), at most
    ``2 * STEP_CLAMP``, and has a standard deviation of about 5.5 on any day.
    """
    totals = [0.0] * size
    for back in range(WALK_WINDOW_DAYS):
        for index, step in enumerate(_steps(key, day - timedelta(days=back), size)):
            totals[index] += step
    return tuple(totals)


def walk(key: str, day: date) -> float:
    """One walk named ``key`` on ``day`` (see :func:`walks`)."""
    return walks(key, day, 1)[0]
