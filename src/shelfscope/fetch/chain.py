"""The middleware chain around the HTTP client, and the one place its order is declared.

After Scrapy's downloader: a request meets :data:`REQUEST_STAGES` in order on its way to the
client, and the answer meets :data:`RESPONSE_STAGES` in order on its way back::

    identity → session → proxy → throttle → [client] → block detection → retry → stats/usage

Each middleware is an async callable ``(exchange, call_next) -> Response`` that does its part
around ``await call_next(exchange)``. Built as an onion, the response stages wrap the request
stages: stats outermost (one record per fetch), retry next (its loop re-runs identity, session,
proxy and throttle for every attempt, so a rotated session really is new), then block detection
(so a CAPTCHA page becomes a ``Blocked`` error before retry sees it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Protocol

from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Response

__all__ = ["REQUEST_STAGES", "RESPONSE_STAGES", "Handler", "Middleware", "Stage", "compose", "onion_order"]

Handler = Callable[[Exchange], Awaitable[Response]]


class Middleware(Protocol):
    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response: ...


class Stage(StrEnum):
    IDENTITY = "identity"
    SESSION = "session"
    PROXY = "proxy"
    THROTTLE = "throttle"
    BLOCKS = "blocks"
    RETRY = "retry"
    STATS = "stats"


#: What a request passes through before the client, in order.
REQUEST_STAGES: tuple[Stage, ...] = (Stage.IDENTITY, Stage.SESSION, Stage.PROXY, Stage.THROTTLE)
#: What the client's answer passes through afterwards, in order.
RESPONSE_STAGES: tuple[Stage, ...] = (Stage.BLOCKS, Stage.RETRY, Stage.STATS)


def onion_order() -> tuple[Stage, ...]:
    """Stages from outermost to innermost: response stages reversed, then request stages."""
    return (*reversed(RESPONSE_STAGES), *REQUEST_STAGES)


def _link(middleware: Middleware, call_next: Handler) -> Handler:
    async def handle(exchange: Exchange) -> Response:
        return await middleware(exchange, call_next)

    return handle


def compose(stages: Mapping[Stage, Middleware], client: Handler) -> Handler:
    """One handler running every stage around ``client``; a missing stage is a programming error."""
    missing = [stage for stage in Stage if stage not in stages]
    if missing:
        raise ValueError(f"middleware missing for stages {missing}")
    handler = client
    for stage in reversed(onion_order()):
        handler = _link(stages[stage], handler)
    return handler
