"""Block-detection middleware: a block page becomes a ``Blocked`` error, never a response.

Every answer is classified by the site's rules before anything else sees it. A match raises
:class:`~shelfscope.errors.Blocked` with the rule's kind; the retry policy then rotates the
session and proxy, and statistics count it. So a CAPTCHA page cannot reach a parser as data,
and a check that only ever got block pages fails instead of recording "not ranked".
"""

from __future__ import annotations

from shelfscope.clock import Clock
from shelfscope.errors import Blocked
from shelfscope.fetch.blocks import BlockDetector
from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Response
from shelfscope.logs import get_logger

__all__ = ["BlockMiddleware"]

log = get_logger(__name__)


class BlockMiddleware:
    def __init__(self, *, detector: BlockDetector, clock: Clock) -> None:
        self._detector, self._clock = detector, clock

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        response = await call_next(exchange)
        request = exchange.request
        rule = self._detector.classify(request, response, now=self._clock.now())
        if rule is None:
            return response
        log.warning(
            "fetch blocked",
            site=str(request.site),
            kind=rule.kind,
            url=response.url,
            status=response.status,
            session=response.session_id,
            run_id=request.run_id,
        )
        raise Blocked(f"{request.site} answered {response.url} with a block page: {rule.why}", kind=rule.kind)
