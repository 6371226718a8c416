"""What a handler's exception does to its run, and how long retries wait."""

from __future__ import annotations

import random

import pytest

from shelfscope.errors import (
    AuthorizationRevoked,
    Blocked,
    ContractChanged,
    InvalidInput,
    ParseError,
    RateLimited,
    Timeout,
    UpstreamUnavailable,
)
from shelfscope.jobs.context import RunCancelled, RunLost
from shelfscope.jobs.policy import Outcome, backoff_seconds, classify, describe_error


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (RateLimited("slow down", retry_after=3), Outcome.RETRY),
        (Blocked("captcha", kind="captcha"), Outcome.RETRY),
        (UpstreamUnavailable("503"), Outcome.RETRY),
        (Timeout("read timed out"), Outcome.RETRY),
        (InvalidInput("bad asin"), Outcome.FAIL),
        (AuthorizationRevoked("reconnect the seller account"), Outcome.FAIL),
        (ParseError("no results block"), Outcome.FAIL),
        (ContractChanged("new field"), Outcome.FAIL),
        (KeyError("bug"), Outcome.FAIL),
        (RunCancelled("stop"), Outcome.CANCEL),
        (RunLost("moved"), Outcome.ABANDON),
    ],
)
def test_errors_map_to_outcomes_by_class(exc: BaseException, outcome: Outcome) -> None:
    assert classify(exc) is outcome


def test_interpreter_exits_are_not_swallowed() -> None:
    with pytest.raises(KeyboardInterrupt):
        classify(KeyboardInterrupt())


def test_error_descriptions_carry_code_and_message() -> None:
    assert describe_error(Blocked("robot check on amazon.de")) == "blocked: robot check on amazon.de"
    assert describe_error(ZeroDivisionError("division by zero")) == (
        "internal error: ZeroDivisionError: division by zero"
    )


def test_backoff_doubles_per_attempt_with_half_of_it_jittered() -> None:
    rng = random.Random(7)
    for attempt, full in ((1, 30), (2, 60), (3, 120), (4, 240)):
        delays = [backoff_seconds(attempt, Timeout("t"), base=30, cap=3600, rng=rng) for _ in range(200)]
        assert full / 2 <= min(delays) < full * 0.6
        assert full * 0.9 < max(delays) <= full


def test_backoff_is_capped() -> None:
    delays = [backoff_seconds(30, Timeout("t"), base=30, cap=100, rng=random.Random(i)) for i in range(50)]
    assert max(delays) <= 100
    assert min(delays) >= 50


def test_retry_after_is_a_floor() -> None:
    assert backoff_seconds(1, RateLimited("quota", retry_after=900), base=30, cap=3600) == 900
