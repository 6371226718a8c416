"""What to do after an attempt fails: tables, not nested ifs.

Two tables decide everything (after Airbyte's ``default_error_mapping``):

* :data:`STATUS_ERRORS` turns an HTTP status the caller should not receive into the typed error
  it means (429 → ``RateLimited`` with its ``Retry-After``, 403 → ``Blocked``, 5xx →
  ``ServerError``…). Statuses not listed fall back by class: 2xx/3xx are accepted, other 4xx are
  ``RequestRejected``, other 5xx ``ServerError``.
* :data:`ACTIONS` maps every error type to an :class:`Action`. The first matching row wins, so
  subclasses come before their bases.

So a status and an exception with the same meaning are handled identically. Backoff is
exponential with *full jitter* (``uniform(0, min(cap, base·2^(n-1)))``, the AWS architecture
blog's recommendation: it spreads synchronized clients best). ``Retry-After`` is honoured in
seconds or as an HTTP date; a wait longer than ``max_retry_after`` is not sat out inside a fetch:
the ``RateLimited`` error goes to the caller, whose job is rescheduled instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

from shelfscope.errors import (
    Blocked,
    ConfigError,
    NotFound,
    PermanentError,
    RateLimited,
    ShelfscopeError,
    Timeout,
    TransientError,
    UpstreamUnavailable,
)
from shelfscope.fetch.failures import (
    CircuitOpen,
    ConnectionFailed,
    IncompleteBody,
    ProxyFailed,
    RequestRejected,
    ResponseTooLarge,
    ServerError,
)
from shelfscope.fetch.models import Response

__all__ = [
    "ACTIONS",
    "HOST_FAILURES",
    "STATUS_ERRORS",
    "Action",
    "Decision",
    "RetryPolicy",
    "full_jitter",
    "parse_retry_after",
]


class Action(StrEnum):
    ACCEPT = "accept"  # hand the response to the caller
    RETRY = "retry"  # same session, after a backoff
    ROTATE = "rotate"  # retire the session with its identity and proxy, then retry after a backoff
    WAIT = "wait"  # wait Retry-After (or a backoff without one), then retry
    FAIL = "fail"  # raise to the caller now


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if absent/bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        return None
    return max(0.0, (when - now).total_seconds())


def _where(response: Response) -> str:
    return f"HTTP {response.status} from {response.url}"


ErrorFactory = Callable[[Response, datetime], ShelfscopeError]


def _rate_limited(response: Response, now: datetime) -> ShelfscopeError:
    retry_after = parse_retry_after(response.header("retry-after"), now=now)
    return RateLimited(f"{_where(response)}: rate limited", retry_after=retry_after)


def _unavailable(response: Response, now: datetime) -> ShelfscopeError:
    # A 503 that says when to come back is a rate limit in all but name.
    if response.header("retry-after") is not None:
        return _rate_limited(response, now)
    return ServerError(f"{_where(response)}: server error", status=response.status)


#: Statuses that are errors, as the typed error each one means.
STATUS_ERRORS: Mapping[int, ErrorFactory] = {
    403: lambda r, _: Blocked(f"{_where(r)}: access forbidden", kind="http_403"),
    404: lambda r, _: NotFound(f"{_where(r)}: not found"),
    407: lambda r, _: ProxyFailed(f"{_where(r)}: the proxy wants credentials"),
    408: lambda r, _: Timeout(f"{_where(r)}: the server timed out waiting for the request"),
    410: lambda r, _: NotFound(f"{_where(r)}: gone"),
    429: _rate_limited,
    503: _unavailable,
}

#: Error type → action. First match wins: subclasses before their bases.
ACTIONS: tuple[tuple[type[BaseException], Action], ...] = (
    (CircuitOpen, Action.FAIL),
    (ResponseTooLarge, Action.FAIL),
    (Blocked, Action.ROTATE),
    (RateLimited, Action.WAIT),
    (ConnectionFailed, Action.ROTATE),  # includes ProxyFailed: a new session gets a new proxy
    (Timeout, Action.RETRY),
    (IncompleteBody, Action.RETRY),
    (UpstreamUnavailable, Action.RETRY),
    (TransientError, Action.RETRY),
    (ConfigError, Action.FAIL),
    (PermanentError, Action.FAIL),
)

#: Errors that say the *host* is unwell; only these count towards its circuit breaker.
HOST_FAILURES: tuple[type[BaseException], ...] = (ConnectionFailed, Timeout, IncompleteBody, ServerError)


def full_jitter(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """A delay drawn uniformly from ``[0, min(cap, base * 2**(attempt-1))]``."""
    return rng.uniform(0.0, min(cap, base * 2.0 ** max(0, attempt - 1)))


@dataclass(frozen=True, kw_only=True)
class Decision:
    action: Action
    retry: bool
    delay: float = 0.0


class RetryPolicy:
    """Applies the tables with the engine's limits (attempts, backoff, longest Retry-After)."""

    def __init__(
        self,
        *,
        max_attempts: int = 3,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        max_retry_after: float = 120.0,
        rng: random.Random,
    ) -> None:
        self.max_attempts = max_attempts
        self._base, self._cap, self._max_retry_after = backoff_base, backoff_cap, max_retry_after
        self._rng = rng

    @staticmethod
    def error_for(response: Response, *, now: datetime) -> ShelfscopeError | None:
        """The error a response's status means, or None when the caller should get it."""
        factory = STATUS_ERRORS.get(response.status)
        if factory is not None:
            return factory(response, now)
        if response.status < 400:
            return None
        if response.status < 500:
            return RequestRejected(f"{_where(response)}: request rejected", status=response.status)
        return ServerError(f"{_where(response)}: server error", status=response.status)

    @staticmethod
    def action_for(error: BaseException) -> Action:
        for error_type, action in ACTIONS:
            if isinstance(error, error_type):
                return action
        return Action.FAIL

    def decide(self, error: BaseException, *, attempt: int) -> Decision:
        """What to do after attempt number ``attempt`` failed with ``error``."""
        action = self.action_for(error)
        if action is Action.FAIL or attempt >= self.max_attempts:
            return Decision(action=action, retry=False)
        backoff = full_jitter(attempt, base=self._base, cap=self._cap, rng=self._rng)
        if action is Action.WAIT and isinstance(error, RateLimited) and error.retry_after is not None:
            if error.retry_after > self._max_retry_after:
                return Decision(action=action, retry=False)
            return Decision(action=action, retry=True, delay=error.retry_after)
        return Decision(action=action, retry=True, delay=backoff)
