"""The sandbox clock: fast, frozen, re-speeded and advanced time, driven by an injected time source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.clock import SandboxClock

START = datetime(2026, 3, 1, tzinfo=UTC)


class FakeMonotonic:
    """Real time that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_fast_clock_runs_speed_times_real_time() -> None:
    real = FakeMonotonic()
    clock = SandboxClock(start=START, speed=3600, monotonic=real)
    real.seconds += 2.5
    assert clock.now() == START + timedelta(hours=2.5)


def test_changing_speed_keeps_the_time_already_passed() -> None:
    real = FakeMonotonic()
    clock = SandboxClock(start=START, speed=60, monotonic=real)
    real.seconds += 10
    clock.set_speed(1)
    real.seconds += 10
    assert clock.now() == START + timedelta(minutes=10, seconds=10)
    assert clock.speed == 1.0


def test_frozen_clock_moves_only_when_advanced() -> None:
    real = FakeMonotonic()
    clock = SandboxClock(start=START, speed=0, monotonic=real)
    real.seconds += 500
    assert clock.now() == START
    assert clock.advance(timedelta(days=30)) == START + timedelta(days=30)
    assert clock.advance(90) == START + timedelta(days=30, seconds=90)
    assert clock.real_seconds(10) == float("inf")


def test_real_seconds_shrink_with_speed() -> None:
    clock = SandboxClock(start=START, speed=1800, monotonic=FakeMonotonic())
    assert clock.real_seconds(3600) == 2.0


def test_describe_reports_time_and_speed() -> None:
    clock = SandboxClock(start=START, speed=2, monotonic=FakeMonotonic())
    assert clock.describe() == {"now": "2026-03-01T00:00:00+00:00", "speed": 2.0}


def test_default_start_is_now_in_utc() -> None:
    before = datetime.now(UTC)
    now = SandboxClock().now()
    assert now.tzinfo is not None
    assert before <= now <= datetime.now(UTC)


@pytest.mark.parametrize("speed", [-1.0, float("nan"), float("inf")])
def test_invalid_speed_is_invalid_input(speed: float) -> None:
    with pytest.raises(InvalidInput, match="clock speed"):
        SandboxClock(speed=speed)
    clock = SandboxClock(start=START)
    with pytest.raises(InvalidInput):
        clock.set_speed(speed)
    assert clock.speed == 1.0


def test_clock_never_goes_back_and_needs_an_aware_start() -> None:
    clock = SandboxClock(start=START, speed=0, monotonic=FakeMonotonic())
    with pytest.raises(InvalidInput, match="only moves forward"):
        clock.advance(-1)
    assert clock.now() == START
    with pytest.raises(InvalidInput, match="timezone-aware"):
        SandboxClock(start=datetime(2026, 1, 1))
