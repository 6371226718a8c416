"""The per-host throttle: random pauses per profile, queued reservations, latency-aware backoff."""

from __future__ import annotations

import asyncio
import random

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import InvalidInput
from shelfscope.fetch import AttemptFinished, AttemptRecord, ClockSleep, DelayRange, Request, Throttle

HOST = "www.amazon.de"


def throttle(clock: FakeClock, sleep: ClockSleep, **options: object) -> Throttle:
    delays = {"default": DelayRange(2.0, 8.0), "keyword": DelayRange(20.0, 30.0)}
    return Throttle(delays=delays, clock=clock, sleep=sleep, rng=random.Random(5), **options)  # type: ignore[arg-type]


def attempt(*, elapsed: float, error: str | None) -> AttemptFinished:
    record = AttemptRecord(
        number=1,
        status=200 if error is None else 429,
        elapsed=elapsed,
        bytes_in=0,
        bytes_out=0,
        identity_id=None,
        session_id=None,
        proxy_id=None,
        error=error,
        block_kind=None,
        action="accept",
    )
    return AttemptFinished(request=Request(url=f"https://{HOST}/s?k=x"), record=record)


async def test_the_first_request_goes_at_once_and_later_ones_wait_within_the_range() -> None:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    limiter = throttle(clock, sleep)
    assert await limiter.wait(slot=HOST) == 0.0
    for _ in range(20):
        await limiter.wait(slot=HOST)
    assert len(sleep.calls) == 20
    assert all(2.0 <= call <= 8.0 for call in sleep.calls)
    assert len({round(call, 3) for call in sleep.calls}) > 10  # random, not fixed


async def test_each_profile_has_its_own_range_and_unknown_profiles_use_the_default() -> None:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    limiter = throttle(clock, sleep)
    await limiter.wait(slot=HOST, profile="keyword")
    await limiter.wait(slot=HOST, profile="keyword")
    await limiter.wait(slot=HOST, profile="no-such-profile")
    assert 20.0 <= sleep.calls[0] <= 30.0
    assert 2.0 <= sleep.calls[1] <= 8.0


async def test_slots_are_per_host() -> None:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    limiter = throttle(clock, sleep)
    await limiter.wait(slot="www.amazon.de")
    assert await limiter.wait(slot="www.amazon.com") == 0.0
    assert sleep.calls == []


async def test_time_already_passed_counts_towards_the_pause() -> None:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    limiter = throttle(clock, sleep)
    await limiter.wait(slot=HOST)
    clock.advance(60)
    assert await limiter.wait(slot=HOST) == 0.0


async def test_concurrent_requests_to_one_host_queue_one_pause_apart() -> None:
    clock = FakeClock()
    limiter = Throttle(
        delays={"default": DelayRange(5.0, 5.0)},
        clock=clock,
        sleep=lambda _s: asyncio.sleep(0),
        rng=random.Random(),
    )
    waits = await asyncio.gather(*(limiter.wait(slot=HOST) for _ in range(4)))
    assert waits == [0.0, 5.0, 10.0, 15.0]


async def test_disabled_throttle_never_waits_nor_penalises() -> None:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    limiter = throttle(clock, sleep, enabled=False)
    for _ in range(5):
        assert await limiter.wait(slot=HOST) == 0.0
        limiter.observe(attempt(elapsed=0.01, error="rate_limited"))
    assert sleep.calls == []
    assert limiter.penalty(HOST) == 0.0


def test_errors_faster_than_pages_double_the_penalty_up_to_the_cap() -> None:
    clock = FakeClock()
    limiter = throttle(clock, ClockSleep(clock), backoff_step=5.0, backoff_max=30.0)
    limiter.observe(attempt(elapsed=1.2, error=None))
    penalties = []
    for _ in range(4):
        limiter.observe(attempt(elapsed=0.05, error="blocked"))
        penalties.append(limiter.penalty(HOST))
    assert penalties == [5.0, 10.0, 20.0, 30.0]


def test_slow_errors_never_lower_the_penalty_and_successes_halve_it() -> None:
    clock = FakeClock()
    limiter = throttle(clock, ClockSleep(clock), backoff_step=5.0, backoff_max=60.0)
    limiter.observe(attempt(elapsed=0.5, error=None))
    limiter.observe(attempt(elapsed=0.1, error="rate_limited"))
    limiter.observe(attempt(elapsed=0.1, error="rate_limited"))
    assert limiter.penalty(HOST) == 10.0
    limiter.observe(attempt(elapsed=9.0, error="timeout"))  # slower than pages: held, not lowered
    assert limiter.penalty(HOST) == 10.0
    limiter.observe(attempt(elapsed=0.5, error=None))
    assert limiter.penalty(HOST) == 5.0


async def test_the_penalty_lengthens_the_next_pause() -> None:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    limiter = throttle(clock, sleep, backoff_step=5.0)
    await limiter.wait(slot=HOST)
    limiter.observe(attempt(elapsed=0.05, error="blocked"))
    await limiter.wait(slot=HOST)
    assert 7.0 <= sleep.calls[0] <= 13.0


def test_a_throttle_needs_a_default_profile_and_ordered_ranges() -> None:
    clock = FakeClock()
    with pytest.raises(InvalidInput, match="default"):
        Throttle(
            delays={"keyword": DelayRange(1, 2)}, clock=clock, sleep=ClockSleep(clock), rng=random.Random()
        )
    with pytest.raises(InvalidInput, match="low <= high"):
        DelayRange(3.0, 1.0)
