"""Which client fetches a request, plain HTTP or the browser, and the client that routes by it.

Most pages come through curl_cffi; some only come to a real page (Shopee and TikTok sign their
API calls in the page's scripts). The choice is made per request, in this order:

1. **Settings force it** per site (``fetch.browser.sites``) or request profile
   (``fetch.browser.profiles``) for GET requests: an operator who sees a site start refusing
   plain HTTP moves it to the browser without a code change.
2. **The request asks** with ``Request(client=ClientKind.BROWSER)`` (or ``HTTP``), or by carrying
   :class:`BrowserOptions` in ``meta["browser"]`` (captures, resource blocking).
3. Otherwise plain HTTP.

A request bound for the browser is served by a session wearing a Chromium identity (Chromium
cannot pass for Firefox or Safari), kept apart from the HTTP sessions of the same site, so each
visitor stays coherent. The browser client is built when first needed. When settings force the
browser anywhere, a missing Chromium is a :class:`ConfigError` at start-up, not in the middle of a
run: the settings refuse to load (so ``serve``, ``worker`` and ``scheduler`` do not start), and the
engine builds the browser client with itself (also with ``FetchEngine.from_settings(browser=True)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shelfscope.errors import ConfigError
from shelfscope.fetch.clients.base import FetchClient
from shelfscope.fetch.models import ClientKind, Request, Response, Site
from shelfscope.fetch.sessions import FetchSession
from shelfscope.settings import BrowserSettings

__all__ = ["BROWSER_META_KEY", "ClientChoice", "RoutingClient"]

#: The ``Request.meta`` key of browser options (same as :mod:`.clients.browser_options`).
BROWSER_META_KEY = "browser"


@dataclass(frozen=True, kw_only=True)
class ClientChoice:
    """The routing rule: forced sites and profiles from settings, else what the request asks."""

    sites: frozenset[Site] = frozenset()
    profiles: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: BrowserSettings) -> ClientChoice:
        known = {site.value for site in Site}
        unknown = sorted(set(settings.sites) - known)
        if unknown:
            raise ConfigError(
                f"fetch.browser.sites names unknown sites {unknown}; known: {', '.join(sorted(known))}"
            )
        return cls(
            sites=frozenset(Site(name) for name in settings.sites), profiles=frozenset(settings.profiles)
        )

    @property
    def forces_browser(self) -> bool:
        """Whether settings send some requests to the browser whatever they ask."""
        return bool(self.sites or self.profiles)

    def client_for(self, request: Request) -> ClientKind:
        if request.method == "GET" and (request.site in self.sites or request.profile in self.profiles):
            return ClientKind.BROWSER
        if request.client is not None:
            return request.client
        return ClientKind.BROWSER if BROWSER_META_KEY in request.meta else ClientKind.HTTP

    def wants_browser(self, request: Request) -> bool:
        return self.client_for(request) is ClientKind.BROWSER


class RoutingClient:
    """A :class:`FetchClient` sending each request to the HTTP or the browser client.

    Give ``browser`` (a client) or ``browser_factory`` (called on the first browser request, so an
    engine that never needs Chromium never starts it).
    """

    def __init__(
        self,
        *,
        http: FetchClient,
        choice: ClientChoice,
        browser: FetchClient | None = None,
        browser_factory: Callable[[], FetchClient] | None = None,
    ) -> None:
        if (browser is None) == (browser_factory is None):
            raise ValueError("give the browser client or its factory, not both or neither")
        self.http, self.choice = http, choice
        self._browser, self._make_browser = browser, browser_factory

    @property
    def browser(self) -> FetchClient:
        """The browser client, built now if it was not yet (a missing Chromium is a ConfigError)."""
        if self._browser is None:
            assert self._make_browser is not None
            self._browser = self._make_browser()
        return self._browser

    async def send(self, request: Request, *, session: FetchSession) -> Response:
        client = self.browser if self.choice.wants_browser(request) else self.http
        return await client.send(request, session=session)

    async def aclose(self) -> None:
        try:
            await self.http.aclose()
        finally:
            if self._browser is not None:
                await self._browser.aclose()
