"""The per-host circuit breaker steps through closed, open and half-open on an injected clock."""

from __future__ import annotations

import pytest

from shelfscope.clock import FakeClock
from shelfscope.fetch import BreakerState, CircuitBreaker, CircuitOpen


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def breaker(clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker(clock=clock, failure_threshold=3, reset_seconds=30)


def fail(breaker: CircuitBreaker, host: str, times: int) -> None:
    for _ in range(times):
        breaker.before_call(host)
        breaker.record(host, ok=False)


def test_consecutive_failures_open_the_circuit_of_that_host_only(breaker: CircuitBreaker) -> None:
    fail(breaker, "www.amazon.de", 2)
    assert breaker.state("www.amazon.de") is BreakerState.CLOSED
    fail(breaker, "www.amazon.de", 1)
    assert breaker.state("www.amazon.de") is BreakerState.OPEN
    with pytest.raises(CircuitOpen, match="failed 3 times in a row; not contacted for 30 s more") as raised:
        breaker.before_call("www.amazon.de")
    assert raised.value.host == "www.amazon.de"
    assert raised.value.retry_after == 30.0
    breaker.before_call("www.amazon.com")  # other hosts are unaffected


def test_a_success_resets_the_failure_count(breaker: CircuitBreaker) -> None:
    fail(breaker, "h", 2)
    breaker.before_call("h")
    breaker.record("h", ok=True)
    fail(breaker, "h", 2)
    assert breaker.state("h") is BreakerState.CLOSED


def test_after_the_reset_time_one_trial_goes_through_and_success_closes(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    fail(breaker, "h", 3)
    clock.advance(29)
    assert breaker.state("h") is BreakerState.OPEN
    clock.advance(1)
    assert breaker.state("h") is BreakerState.HALF_OPEN
    breaker.before_call("h")  # the trial
    with pytest.raises(CircuitOpen, match="a trial request is under way"):
        breaker.before_call("h")
    breaker.record("h", ok=True)
    assert breaker.state("h") is BreakerState.CLOSED
    breaker.before_call("h")


def test_a_failed_trial_opens_the_circuit_for_another_period(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    fail(breaker, "h", 3)
    clock.advance(30)
    fail(breaker, "h", 1)
    assert breaker.state("h") is BreakerState.OPEN
    clock.advance(29)
    assert breaker.state("h") is BreakerState.OPEN
    clock.advance(1)
    assert breaker.state("h") is BreakerState.HALF_OPEN


def test_a_trial_that_ends_without_an_outcome_frees_the_slot(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    fail(breaker, "h", 3)
    clock.advance(30)
    breaker.before_call("h")  # the trial, then cancelled
    breaker.release("h")
    assert breaker.state("h") is BreakerState.HALF_OPEN
    breaker.before_call("h")  # a new trial may go
