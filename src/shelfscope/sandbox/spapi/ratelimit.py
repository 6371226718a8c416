"""Token buckets per (application, seller, region, operation), on the sandbox clock.

"All usage plans are specific to application-Selling Partner pairs": one app's traffic for one
seller never drains another's bucket. Buckets refill at the operation's rate in sandbox time,
so a fast clock speeds them up with everything else and a frozen clock never refills them.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

from shelfscope.sandbox.spapi.operations import Operation

__all__ = ["RateLimiter"]


@dataclass
class _Bucket:
    tokens: float
    updated_at: datetime


class RateLimiter:
    """Takes one token per request; refuses when the bucket holds less than one."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[Hashable, ...], _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple[Hashable, ...], operation: Operation, *, now: datetime) -> bool:
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(float(operation.burst), now))
            elapsed = max(0.0, (now - bucket.updated_at).total_seconds())
            bucket.tokens = min(float(operation.burst), bucket.tokens + elapsed * operation.rate)
            bucket.updated_at = max(now, bucket.updated_at)
            if bucket.tokens < 1:
                return False
            bucket.tokens -= 1
            return True

    def reset(self) -> None:
        """Full buckets for everyone (a control action between test scenarios)."""
        with self._lock:
            self._buckets.clear()
