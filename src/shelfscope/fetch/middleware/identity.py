"""Identity middleware: what kind of browser and language this request needs.

It turns the request's device and language into an :class:`IdentitySpec`. The locale is, in
order: the request's own ``locale``, the default locale of its Amazon marketplace (from
:mod:`shelfscope.marketplaces`, so an Amazon.de visitor asks for German), or the engine's
default. The session middleware then finds or creates a session whose identity fits the spec,
so the identity is chosen once per session and stays coherent for its life. A request the
browser client will serve asks for a Chromium identity (:mod:`shelfscope.fetch.client_choice`).
"""

from __future__ import annotations

from shelfscope.fetch.chain import Handler
from shelfscope.fetch.client_choice import ClientChoice
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.identities import IdentitySpec
from shelfscope.fetch.models import Request, Response, Site
from shelfscope.marketplaces import amazon_marketplace

__all__ = ["IdentityMiddleware", "locale_for"]


def locale_for(request: Request, *, default: str) -> str:
    """The locale a local shopper on the request's marketplace would browse in."""
    if request.locale:
        return request.locale
    if request.site is Site.AMAZON and request.marketplace:
        return amazon_marketplace(request.marketplace).locale
    return default


class IdentityMiddleware:
    def __init__(self, *, default_locale: str = "en-US", choice: ClientChoice | None = None) -> None:
        self._default_locale = default_locale
        self._choice = choice or ClientChoice()

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        request = exchange.request
        exchange.spec = IdentitySpec(
            device=request.device,
            locale=locale_for(request, default=self._default_locale),
            accept_language=request.accept_language,
            chromium_only=self._choice.wants_browser(request),
        )
        return await call_next(exchange)
