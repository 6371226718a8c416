"""Throttle middleware: wait for the host slot's turn before the client sends anything.

The pause itself (random range per profile, adaptive penalty) is the :class:`Throttle`'s
business; this stage only makes every attempt, retries included, go through it.
"""

from __future__ import annotations

from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Response
from shelfscope.fetch.throttle import Throttle

__all__ = ["ThrottleMiddleware"]


class ThrottleMiddleware:
    def __init__(self, *, throttle: Throttle) -> None:
        self._throttle = throttle

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        await self._throttle.wait(slot=exchange.request.host, profile=exchange.request.profile)
        return await call_next(exchange)
