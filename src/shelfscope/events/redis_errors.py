"""Translation of redis-py exceptions into the shelfscope error tree, once, at the bus boundary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis import exceptions as redis_exc

from shelfscope.errors import ConfigError, ShelfscopeError, UpstreamUnavailable

__all__ = ["translate_redis_errors"]

# First match wins, so narrower classes come first (AuthenticationError is a ConnectionError).
_ERROR_TABLE: tuple[tuple[type[redis_exc.RedisError], type[ShelfscopeError], str], ...] = (
    (redis_exc.AuthenticationError, ConfigError, "Redis rejected the credentials in the bus URL"),
    (redis_exc.NoPermissionError, ConfigError, "the Redis user of the bus URL lacks a permission"),
    (redis_exc.ConnectionError, UpstreamUnavailable, "cannot reach Redis"),
    (redis_exc.TimeoutError, UpstreamUnavailable, "Redis did not answer in time"),
    (redis_exc.BusyLoadingError, UpstreamUnavailable, "Redis is loading its data set"),
    (redis_exc.RedisError, UpstreamUnavailable, "Redis failed"),
)


@contextmanager
def translate_redis_errors(action: str) -> Iterator[None]:
    """Re-raise any redis-py error inside the block as the matching shelfscope error."""
    try:
        yield
    except redis_exc.RedisError as exc:
        for redis_type, error_type, meaning in _ERROR_TABLE:
            if isinstance(exc, redis_type):
                raise error_type(f"event bus: {meaning} while trying to {action}: {exc}") from exc
        raise  # pragma: no cover - the table ends with RedisError
