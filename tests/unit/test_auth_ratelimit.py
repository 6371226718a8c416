from __future__ import annotations

import pytest

from shelfscope.auth.ratelimit import InMemoryRateLimiter, RedisRateLimiter, build_rate_limiter
from shelfscope.clock import FakeClock
from shelfscope.errors import RateLimited
from shelfscope.settings import Settings


def test_bucket_allows_a_burst_then_refuses_with_retry_after() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    for _ in range(3):
        limiter.hit("ip:1.2.3.4", per_minute=3)
    with pytest.raises(RateLimited) as caught:
        limiter.hit("ip:1.2.3.4", per_minute=3)
    assert caught.value.retry_after == pytest.approx(20.0)
    assert "ip" in caught.value.message


def test_bucket_refills_with_time_and_keys_are_independent() -> None:
    clock = FakeClock()
    limiter = InMemoryRateLimiter(clock=clock)
    limiter.hit("api_key:1", per_minute=1)
    limiter.hit("api_key:2", per_minute=1)
    with pytest.raises(RateLimited):
        limiter.hit("api_key:1", per_minute=1)
    clock.advance(59)
    with pytest.raises(RateLimited) as caught:
        limiter.hit("api_key:1", per_minute=1)
    assert caught.value.retry_after == pytest.approx(1.0)
    clock.advance(1)
    limiter.hit("api_key:1", per_minute=1)


def test_embedded_settings_build_an_in_memory_limiter(settings: Settings) -> None:
    assert isinstance(build_rate_limiter(settings), InMemoryRateLimiter)


@pytest.mark.redis
def test_redis_buckets_are_shared_between_replicas(redis_url: str, settings: Settings) -> None:
    clock = FakeClock()
    redis_settings = settings.model_copy(update={"queue_url": redis_url})
    first = build_rate_limiter(redis_settings, clock=clock)
    second = build_rate_limiter(redis_settings, clock=clock)
    assert isinstance(first, RedisRateLimiter)
    try:
        first.hit("api_key:9", per_minute=2)
        second.hit("api_key:9", per_minute=2)
        with pytest.raises(RateLimited) as caught:
            first.hit("api_key:9", per_minute=2)
        assert caught.value.retry_after == pytest.approx(30.0)
        clock.advance(30)
        second.hit("api_key:9", per_minute=2)
    finally:
        first.close()
        second.close()


def test_redis_limiter_fails_open_when_redis_is_unreachable(settings: Settings) -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", namespace=settings.instance_name, clock=FakeClock())
    for _ in range(5):
        limiter.hit("ip:1.1.1.1", per_minute=1)
    limiter.close()
