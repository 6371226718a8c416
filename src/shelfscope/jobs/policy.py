"""What happens to a run when its handler raises: a table from exception type to outcome.

Classified by :mod:`shelfscope.errors`: transient failures retry with exponential backoff and
jitter until the attempts run out; configuration and permanent failures fail at once with the
error's message; anything unclassified is a bug and fails loudly (traceback in the log).
"""

from __future__ import annotations

import enum
import random

from shelfscope.errors import ConfigError, PermanentError, RateLimited, ShelfscopeError, TransientError
from shelfscope.jobs.context import RunCancelled, RunLost

__all__ = ["Outcome", "backoff_seconds", "classify", "describe_error"]


class Outcome(enum.Enum):
    ABANDON = "abandon"  # the claim is lost: write nothing
    CANCEL = "cancel"
    RETRY = "retry"
    FAIL = "fail"


# First match wins, so subclasses come before their bases.
_POLICY: tuple[tuple[type[BaseException], Outcome], ...] = (
    (RunLost, Outcome.ABANDON),
    (RunCancelled, Outcome.CANCEL),
    (TransientError, Outcome.RETRY),
    (ConfigError, Outcome.FAIL),
    (PermanentError, Outcome.FAIL),
    (Exception, Outcome.FAIL),
)


def classify(exc: BaseException) -> Outcome:
    for exc_type, outcome in _POLICY:
        if isinstance(exc, exc_type):
            return outcome
    raise exc


def describe_error(exc: BaseException) -> str:
    """One line for the run's ``error``: the error code and message people can act on."""
    if isinstance(exc, ShelfscopeError):
        return f"{exc.code}: {exc.message}"[:2000]
    return f"internal error: {exc.__class__.__name__}: {exc}"[:2000]


def backoff_seconds(
    attempt: int, exc: BaseException, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Delay before attempt ``attempt + 1``: ``base * 2**(attempt-1)`` capped, half of it jittered.

    "Equal jitter" keeps at least half the delay (so retries never stampede right back) while
    spreading workers that failed together. A rate limit's ``retry_after`` is a floor.
    """
    exponential = min(cap, base * 2.0 ** max(0, attempt - 1))
    delay = exponential / 2 + (rng or random).uniform(0, exponential / 2)
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        delay = max(delay, exc.retry_after)
    return delay
