"""Seeded draws for the history generator: moments, delays, codes and weighted choices."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

__all__ = ["Draw"]

T = TypeVar("T")

_ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


class Draw:
    """A ``random.Random`` with the draws the generator needs, and unique-id bookkeeping."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._issued: set[str] = set()

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def count(self, mean: float) -> int:
        """A Poisson-distributed count (Knuth's method: means here are small)."""
        limit, product, found = math.exp(-mean), self.rng.random(), 0
        while product > limit:
            found += 1
            product *= self.rng.random()
        return found

    def moment(self, start: datetime, end: datetime) -> datetime:
        """A whole second in ``[start, end)``."""
        span = max(1, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randrange(span))

    def after(self, base: datetime, *, min_hours: float, max_hours: float) -> datetime:
        seconds = self.rng.uniform(min_hours * 3600, max_hours * 3600)
        return base + timedelta(seconds=int(seconds))

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def weighted(self, options: Sequence[tuple[T, float]]) -> T:
        values = [value for value, _ in options]
        weights = [weight for _, weight in options]
        return self.rng.choices(values, weights=weights)[0]

    def digits(self, length: int) -> str:
        return str(self.rng.randrange(10 ** (length - 1), 10**length))

    def code(self, prefix: str, length: int) -> str:
        return prefix + "".join(self.rng.choice(_ALPHANUMERIC) for _ in range(length - len(prefix)))

    def unique_digits(self, length: int) -> str:
        """A number of ``length`` digits never issued before by this draw."""
        return self._unique(lambda: self.digits(length))

    def unique_code(self, prefix: str, length: int) -> str:
        """A ``code`` never issued before by this draw."""
        return self._unique(lambda: self.code(prefix, length))

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            candidate = make()
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate
