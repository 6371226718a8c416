"""Session middleware: every attempt runs inside a live session of the right key.

The key groups requests that may share a visitor: same site, marketplace (or host), device
class and language. A retry keeps the session of the previous attempt unless the retry
middleware retired it (the policy said rotate), in which case the attempt gets another one.
Retired sessions (blocked, too old, used up) are never handed out.
"""

from __future__ import annotations

from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Request, Response
from shelfscope.fetch.sessions import SessionPool

__all__ = ["SessionMiddleware", "session_key"]


def session_key(request: Request, *, device: str | None, language: str, browser: bool = False) -> str:
    """Requests with equal keys may share a visitor; browser visitors are kept apart from HTTP ones."""
    parts = (request.site, request.marketplace or request.host, device or "any", language)
    return "|".join((*parts, "browser") if browser else parts)


class SessionMiddleware:
    def __init__(self, *, sessions: SessionPool) -> None:
        self._sessions = sessions

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        spec = exchange.require_spec()
        key = session_key(
            exchange.request,
            device=spec.device,
            language=spec.accept_language or spec.locale,
            browser=spec.chromium_only,
        )
        exchange.session = self._sessions.acquire(key=key, spec=spec, prefer=exchange.session)
        return await call_next(exchange)
