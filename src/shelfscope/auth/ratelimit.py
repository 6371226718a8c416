"""API rate limits: a token bucket per key (API key, client IP), in memory or in Redis.

Embedded mode has one web process, so a dict suffices. With a ``redis://`` queue URL there may
be many web replicas, and the buckets live in Redis so the limit holds across them; the bucket
update is one Lua script, atomic on the server.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Protocol

from shelfscope.clock import Clock, SystemClock
from shelfscope.errors import RateLimited
from shelfscope.logs import get_logger
from shelfscope.settings import Settings

__all__ = ["InMemoryRateLimiter", "RateLimiter", "RedisRateLimiter", "build_rate_limiter"]

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Limit:
    """``per_minute`` requests sustained, bursting up to the same number."""

    per_minute: int

    @property
    def refill_per_second(self) -> float:
        return self.per_minute / 60.0


class RateLimiter(Protocol):
    def hit(self, key: str, *, per_minute: int) -> None:
        """Take one token from ``key``'s bucket; raise RateLimited(retry_after=…) when empty."""
        ...

    def close(self) -> None: ...


def _refused(key: str, retry_after: float) -> RateLimited:
    kind = key.split(":", 1)[0]
    return RateLimited(
        f"too many requests for this {kind.replace('_', ' ')}; retry in {max(1, round(retry_after))} seconds",
        retry_after=retry_after,
    )


class InMemoryRateLimiter:
    """Buckets in a dict, for one process. Idle full buckets are dropped so memory stays bounded."""

    MAX_BUCKETS = 100_000

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, per_minute: int) -> None:
        limit = Limit(per_minute)
        now = self._clock.now().timestamp()
        with self._lock:
            tokens, updated = self._buckets.get(key, (float(per_minute), now))
            tokens = min(float(per_minute), tokens + (now - updated) * limit.refill_per_second)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise _refused(key, (1.0 - tokens) / limit.refill_per_second)
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.MAX_BUCKETS:
                self._prune(now)

    def _prune(self, now: float) -> None:
        # A bucket untouched for a minute has refilled completely: forgetting it changes nothing.
        stale = [key for key, (_, updated) in self._buckets.items() if now - updated > 60.0]
        for key in stale:
            del self._buckets[key]

    def close(self) -> None:
        self._buckets.clear()


# KEYS[1] bucket hash; ARGV: capacity, refill per second, now (seconds). Returns {allowed, retry_after}.
_BUCKET_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then tokens = math.min(capacity, tokens + (now - ts) * rate) end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(math.max(now, ts)))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return {allowed, tostring(retry)}
"""


class RedisRateLimiter:
    """Buckets in Redis hashes ``<instance_name>:ratelimit:<key>``, shared by every web replica."""

    def __init__(self, url: str, *, namespace: str, clock: Clock | None = None) -> None:
        import redis

        self._redis: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._redis.register_script(_BUCKET_SCRIPT)
        self._namespace = namespace
        self._clock = clock or SystemClock()

    def hit(self, key: str, *, per_minute: int) -> None:
        import redis

        limit = Limit(per_minute)
        now = self._clock.now().timestamp()
        try:
            allowed, retry = self._script(
                keys=[f"{self._namespace}:ratelimit:{key}"], args=[per_minute, limit.refill_per_second, now]
            )
        except redis.RedisError as exc:
            # Fail open: a Redis hiccup must not turn into an API outage; it is logged loudly.
            log.warning("rate_limiter_unavailable", error=str(exc))
            return
        if int(allowed) != 1:
            raise _refused(key, float(retry))

    def close(self) -> None:
        self._redis.close()


def build_rate_limiter(settings: Settings, *, clock: Clock | None = None) -> RateLimiter:
    """Redis-backed when the queue is Redis (several web replicas), in memory otherwise."""
    url = settings.resolved_queue_url
    if url.startswith(("redis://", "rediss://")):
        return RedisRateLimiter(url, namespace=settings.instance_name, clock=clock)
    return InMemoryRateLimiter(clock=clock)
