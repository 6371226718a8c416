"""Client-side token buckets per (connection, operation), from SP-API's published usage plans.

Amazon meters every operation per application and selling partner with a token bucket (rate =
tokens per second, burst = bucket size; spapi.md §1). Waiting for our own bucket is far cheaper
than earning a 429: createReport refills one token a minute. ``x-amzn-RateLimit-Limit`` carries
the rate actually applied (sellers may have higher plans), so a bucket adopts it when sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from shelfscope.errors import RateLimited

__all__ = ["USAGE_PLANS", "BucketWait", "RateLimiter", "TokenBucket", "UsagePlan"]


class BucketWait(RateLimited):
    """Our own bucket for an operation is empty for longer than a worker should sleep; the
    request did not go out. ``retry_after`` is in clock seconds."""

    code = "rate_limit_wait"


@dataclass(frozen=True)
class UsagePlan:
    rate: float
    burst: int


# Default usage plans from the model JSONs' "Usage Plan" tables.
USAGE_PLANS: dict[str, UsagePlan] = {
    "createReport": UsagePlan(0.0167, 15),
    "getReport": UsagePlan(2.0, 15),
    "getReports": UsagePlan(0.0222, 10),
    "getReportDocument": UsagePlan(0.0167, 15),
    "cancelReport": UsagePlan(0.0222, 10),
    "listFinancialEvents": UsagePlan(0.5, 30),
    "listFinancialEventGroups": UsagePlan(0.5, 30),
    "listFinancialEventsByGroupId": UsagePlan(0.5, 30),
    "getMarketplaceParticipations": UsagePlan(0.016, 15),
}
_FALLBACK = UsagePlan(0.5, 1)


class TokenBucket:
    """A bucket that starts full; :meth:`reserve` takes a token and says how long to wait for it."""

    def __init__(self, plan: UsagePlan, *, now: float) -> None:
        self.rate = plan.rate
        self.burst = float(plan.burst)
        self._tokens = float(plan.burst)
        self._at = now

    def reserve(self, now: float) -> float:
        self._refill(now)
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def wait(self, now: float) -> float:
        """How long :meth:`reserve` would make the caller wait, without taking a token."""
        self._refill(now)
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now

    def drain(self) -> None:
        """Amazon said 429: whatever we believed, the bucket is empty now."""
        self._tokens = min(self._tokens, 0.0)


class RateLimiter:
    """Buckets keyed by (connection id, operation name), shared by every client of a process.

    ``speed`` scales every rate; the sandbox's fast clock refills Amazon's buckets that much
    faster, so a demo backfill is not held back by real-time minutes.
    """

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic, speed: float = 1.0) -> None:
        self._monotonic = monotonic
        self._speed = speed
        self._buckets: dict[tuple[int, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def _bucket(self, key: tuple[int, str], now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            plan = USAGE_PLANS.get(key[1], _FALLBACK)
            bucket = self._buckets[key] = TokenBucket(UsagePlan(plan.rate * self._speed, plan.burst), now=now)
        return bucket

    @property
    def speed(self) -> float:
        """How many clock seconds one limiter second is (the sandbox's fast clock)."""
        return self._speed

    def reserve(self, connection_id: int, operation: str, *, max_wait: float | None = None) -> float:
        """Take a token; the seconds to wait before the call may go out (0 when one was there).

        With ``max_wait``, a longer wait takes no token and raises :class:`BucketWait` whose
        ``retry_after`` (in clock seconds) says when to come back: a worker thread should not
        sit out createReport's one-token-a-minute refill for a whole backlog.
        """
        with self._lock:
            now = self._monotonic()
            bucket = self._bucket((connection_id, operation), now)
            if max_wait is not None:
                wait = bucket.wait(now)
                if wait > max_wait:
                    raise BucketWait(
                        f"{operation}: our bucket for it refills in {wait:.0f} s; the work waits in the plan",
                        retry_after=wait * self._speed,
                    )
            return bucket.reserve(now)

    def observed_rate(self, connection_id: int, operation: str, header: str | None) -> None:
        """Adopt the ``x-amzn-RateLimit-Limit`` rate Amazon applied, when it sent one."""
        try:
            rate = float(header) if header else 0.0
        except ValueError:
            return  # "must not depend on the presence" (or the form) of the header
        if rate > 0:
            with self._lock:
                self._bucket((connection_id, operation), self._monotonic()).rate = rate * self._speed

    def throttled(self, connection_id: int, operation: str) -> None:
        with self._lock:
            self._bucket((connection_id, operation), self._monotonic()).drain()
