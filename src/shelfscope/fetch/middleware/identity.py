"""Identity middleware: what kind of browser and language this request needs.

It turns the request's device and locale wishes (or the site's defaults) into an
:class:`IdentitySpec`. The session middleware then finds or creates a session whose identity
fits the spec, so the identity is chosen once per session and stays coherent for its life.
"""

from __future__ import annotations

from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.identities import IdentitySpec
from shelfscope.fetch.models import Response

__all__ = ["IdentityMiddleware"]


class IdentityMiddleware:
    def __init__(self, *, default_locale: str = "en-US") -> None:
        self._default_locale = default_locale

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        request = exchange.request
        exchange.spec = IdentitySpec(
            device=request.device,
            locale=request.locale or self._default_locale,
            accept_language=request.accept_language,
        )
        return await call_next(exchange)
