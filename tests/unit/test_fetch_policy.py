"""The retry policy tables: statuses to errors, errors to actions, backoff and Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from shelfscope.errors import (
    Blocked,
    ConfigError,
    NotFound,
    ParseError,
    RateLimited,
    ShelfscopeError,
    Timeout,
    UpstreamUnavailable,
)
from shelfscope.fetch import (
    Action,
    CircuitOpen,
    ConnectionFailed,
    IncompleteBody,
    ProxyFailed,
    RequestRejected,
    Response,
    ResponseTooLarge,
    RetryPolicy,
    ServerError,
)
from shelfscope.fetch.policy import full_jitter, parse_retry_after

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def response(status: int, **headers: str) -> Response:
    pairs = tuple((name.replace("_", "-"), value) for name, value in headers.items())
    return Response(url="https://www.amazon.com/s?k=x", status=status, headers=pairs, body=b"")


@pytest.mark.parametrize(
    ("status", "error_type", "action"),
    [
        (403, Blocked, Action.ROTATE),
        (404, NotFound, Action.FAIL),
        (407, ProxyFailed, Action.ROTATE),
        (408, Timeout, Action.RETRY),
        (410, NotFound, Action.FAIL),
        (429, RateLimited, Action.WAIT),
        (400, RequestRejected, Action.FAIL),
        (500, ServerError, Action.RETRY),
        (502, ServerError, Action.RETRY),
        (503, ServerError, Action.RETRY),
    ],
)
def test_statuses_become_the_error_they_mean_and_its_action(
    status: int, error_type: type[ShelfscopeError], action: Action
) -> None:
    error = RetryPolicy.error_for(response(status), now=NOW)
    assert type(error) is error_type
    assert RetryPolicy.action_for(error) is action


@pytest.mark.parametrize("status", [200, 204, 301, 304])
def test_success_and_redirect_statuses_are_accepted(status: int) -> None:
    assert RetryPolicy.error_for(response(status), now=NOW) is None


def test_a_503_with_retry_after_is_a_rate_limit() -> None:
    error = RetryPolicy.error_for(response(503, retry_after="12"), now=NOW)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 12.0


def test_a_403_is_a_block_of_its_own_kind() -> None:
    error = RetryPolicy.error_for(response(403), now=NOW)
    assert isinstance(error, Blocked)
    assert error.kind == "http_403"


@pytest.mark.parametrize(
    ("error", "action"),
    [
        (Blocked("captcha", kind="captcha"), Action.ROTATE),
        (RateLimited("slow down", retry_after=3), Action.WAIT),
        (ConnectionFailed("reset"), Action.ROTATE),
        (ProxyFailed("proxy down"), Action.ROTATE),
        (Timeout("slow"), Action.RETRY),
        (IncompleteBody("truncated"), Action.RETRY),
        (UpstreamUnavailable("down"), Action.RETRY),
        (CircuitOpen("open", host="h", retry_after=5), Action.FAIL),
        (ResponseTooLarge("big", limit=10), Action.FAIL),
        (ParseError("bad"), Action.FAIL),
        (ConfigError("no proxy"), Action.FAIL),
        (ValueError("a bug"), Action.FAIL),
    ],
)
def test_every_error_type_maps_to_one_action(error: BaseException, action: Action) -> None:
    assert RetryPolicy.action_for(error) is action


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Sun, 22 Nov 2026 12:00:30 GMT", 30.0),
        ("Sun, 22 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_full_jitter_stays_within_the_exponential_envelope() -> None:
    rng = random.Random(1)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (10, 30.0)):
        draws = [full_jitter(attempt, base=1.0, cap=30.0, rng=rng) for _ in range(300)]
        assert all(0.0 <= draw <= ceiling for draw in draws)
        assert max(draws) > ceiling * 0.9  # the whole range is used, not just its top
        assert min(draws) < ceiling * 0.1


def test_decisions_retry_until_the_attempts_run_out() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_cap=30.0, rng=random.Random(3))
    first = policy.decide(Timeout("slow"), attempt=1)
    assert first.retry and first.action is Action.RETRY and 0 <= first.delay <= 1.0
    assert policy.decide(Blocked("x", kind="captcha"), attempt=2).retry
    last = policy.decide(Blocked("x", kind="captcha"), attempt=3)
    assert (last.retry, last.action) == (False, Action.ROTATE)
    assert not policy.decide(NotFound("gone"), attempt=1).retry


def test_retry_after_is_waited_exactly_unless_it_is_too_long() -> None:
    policy = RetryPolicy(max_retry_after=60.0, rng=random.Random(3))
    assert policy.decide(RateLimited("x", retry_after=7.0), attempt=1).delay == 7.0
    too_long = policy.decide(RateLimited("x", retry_after=3600.0), attempt=1)
    assert not too_long.retry
    without = policy.decide(RateLimited("x"), attempt=2)
    assert without.retry and 0 <= without.delay <= 2.0
