"""What the engine tells observers: one event per attempt and one per request.

Cross-cutting concerns (counters, the adaptive throttle, later the request log and proxy usage)
subscribe here instead of being called by the chain, after Scrapy's signals and CoreStats: the
middleware only *reports* what happened, and nothing in business code touches statistics.

* :class:`AttemptFinished` carries an :class:`AttemptRecord` for every HTTP exchange, including
  the blocked, throttled and failed ones (each of those cost proxy bandwidth).
* :class:`RequestFinished` carries a :class:`RequestRecord` once per :meth:`FetchEngine.fetch`
  call, with the outcome the caller saw. Exactly one is sent per fetch, so a log subscribed
  here has one row per request and ``succeeded + failed == requests`` holds by construction.

Listeners are called synchronously and must be quick; one that raises is logged and skipped, so
an observer can never break a fetch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shelfscope.fetch.models import Request
from shelfscope.logs import get_logger

__all__ = [
    "AttemptFinished",
    "AttemptRecord",
    "FetchEvent",
    "FetchListener",
    "FetchSignals",
    "Outcome",
    "RequestFinished",
    "RequestRecord",
]

log = get_logger(__name__)


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class AttemptRecord:
    """One HTTP exchange. ``action`` is what the retry policy did next (``accept`` on success)."""

    number: int
    status: int | None
    elapsed: float
    bytes_in: int
    bytes_out: int
    identity_id: str | None
    session_id: str | None
    proxy_id: str | None
    error: str | None
    block_kind: str | None
    action: str
    delay: float = 0.0


@dataclass(frozen=True, kw_only=True)
class RequestRecord:
    """One row of the request log: what was asked, what came back, what it cost."""

    at: datetime
    run_id: str | None
    site: str
    marketplace: str | None
    method: str
    host: str
    path: str
    status: int | None
    latency: float
    duration: float
    bytes_in: int
    bytes_out: int
    attempts: int
    identity_id: str | None
    session_id: str | None
    proxy_id: str | None
    blocked: bool
    block_kind: str | None
    outcome: Outcome
    error: str | None


@dataclass(frozen=True, kw_only=True)
class AttemptFinished:
    request: Request
    record: AttemptRecord


@dataclass(frozen=True, kw_only=True)
class RequestFinished:
    request: Request
    record: RequestRecord


FetchEvent = AttemptFinished | RequestFinished
FetchListener = Callable[[FetchEvent], None]


class FetchSignals:
    """Synchronous fan-out of fetch events to listeners, in subscription order."""

    def __init__(self) -> None:
        self._listeners: list[FetchListener] = []

    def connect(self, listener: FetchListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def disconnect(self, listener: FetchListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def send(self, event: FetchEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception(
                    "fetch listener failed", listener=repr(listener), fetch_event=type(event).__name__
                )
