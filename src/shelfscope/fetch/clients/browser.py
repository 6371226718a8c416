"""The browser client: Playwright driving the system Chromium, for pages only a browser gets.

Some sites serve their data only to a real page: Shopee and TikTok sign their API calls in the
page's own scripts, and a plain HTTP client gets the anti-bot answer. This client loads the page
as a visitor would and implements the same :class:`FetchClient` interface as the curl client,
so the whole chain (sessions, proxies, throttle, block detection, retry, stats) is unchanged.

What it guarantees, and why:

* **Same visitor as the HTTP path.** The session's identity (user agent, client hints, a mobile
  viewport for a mobile identity), Accept-Language and locale, proxy and cookies become the
  context's (:mod:`._browser_identity`). Only Chromium identities can be worn
  (:data:`BROWSER_IDENTITIES`): Chromium cannot pass for Firefox or Safari.
* **Light pages.** Images, media, fonts and CSS are aborted per request profile
  (:class:`BrowserOptions`, default from settings): most of a page's bytes, none of its data,
  and metered proxies bill by the byte.
* **Script data captured.** Responses whose URL matches a request's capture patterns are kept
  with their bodies and returned in :attr:`BrowserResponse.captures`.
* **Bounded memory.** Contexts are recycled after N pages and Chromium after M contexts
  (:mod:`._browser_pool`). Each page is closed after its request.
* **A clear error at start-up.** :meth:`BrowserClient.from_settings` fails with a
  :class:`ConfigError` when the configured Chromium does not exist. No browser is ever
  downloaded.

The body is the document as served (what the HTTP path would have got), or the DOM after scripts
ran when the request asks for ``rendered``. Wire bytes count the document and the captured
responses; aborted resources cost nothing and other sub-resources are not counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route
from playwright.async_api import Response as PlaywrightResponse

from shelfscope.errors import InvalidInput, Timeout
from shelfscope.fetch.clients._browser_errors import translate_browser_error
from shelfscope.fetch.clients._browser_identity import cookies_from_context, cookies_into_context
from shelfscope.fetch.clients._browser_pool import ContextLease, ContextPool, require_chromium
from shelfscope.fetch.clients.browser_options import (
    BrowserOptions,
    BrowserResponse,
    Capture,
    ResourceKind,
    options_for,
)
from shelfscope.fetch.failures import IncompleteBody, ResponseTooLarge
from shelfscope.fetch.identities import IDENTITIES, Identity
from shelfscope.fetch.models import Header, Request, Timeouts
from shelfscope.fetch.sessions import FetchSession
from shelfscope.settings import FetchSettings, Settings

if TYPE_CHECKING:
    from shelfscope.fetch.engine import FetchEngine
    from shelfscope.fetch.proxies import ProxyPool

__all__ = ["BROWSER_IDENTITIES", "BrowserClient", "browser_engine"]

#: The identities a Chromium can wear: build a browser engine with these.
BROWSER_IDENTITIES: tuple[Identity, ...] = tuple(identity for identity in IDENTITIES if identity.is_chromium)


class _Captor:
    """Collects the bodies of responses matching the request's patterns while the page loads."""

    def __init__(self, options: BrowserOptions) -> None:
        self._options = options
        self._tasks: list[asyncio.Task[Capture | None]] = []
        self._seen: set[int] = set()
        self._all_seen = asyncio.Event()
        self._closed = False  # set once collected: a later response is not waited for
        if not options.patterns:
            self._all_seen.set()

    def on_response(self, response: PlaywrightResponse) -> None:
        if self._closed or not self._options.captures(response.url):
            return
        self._tasks.append(asyncio.ensure_future(self._read(response)))
        for index, pattern in enumerate(self._options.patterns):
            if pattern.search(response.url):
                self._seen.add(index)
        if len(self._seen) == len(self._options.patterns):
            self._all_seen.set()

    async def _read(self, response: PlaywrightResponse) -> Capture | None:
        try:
            body = await response.body()
            headers = await response.headers_array()
        except PlaywrightError:
            return None  # the page went away, or a redirect has no body
        received = tuple((item["name"].lower(), item["value"]) for item in headers)
        return Capture(url=response.url, status=response.status, headers=received, body=body)

    async def collect(self, *, wait: float) -> tuple[Capture, ...]:
        """Wait up to ``wait`` seconds for every pattern to match once, then gather the bodies."""
        try:
            async with asyncio.timeout(wait):
                await self._all_seen.wait()
        except TimeoutError:
            pass  # a block page fetches nothing; the detector will judge the document
        self._closed = True
        results = await asyncio.gather(*self._tasks)
        return tuple(capture for capture in results if capture is not None)


async def _abort(route: Route) -> None:
    with contextlib.suppress(PlaywrightError):  # the page closed first
        await route.abort("blockedbyclient")


class BrowserClient:
    def __init__(
        self,
        *,
        chromium_path: str = "/usr/bin/chromium",
        timeouts: Timeouts | None = None,
        max_body_bytes: int = 16 * 1024 * 1024,
        pages_per_context: int = 50,
        contexts_per_browser: int = 50,
        max_contexts: int = 8,
        block: Iterable[ResourceKind | str] = (ResourceKind.IMAGE, ResourceKind.MEDIA, ResourceKind.FONT),
        capture_wait: float = 10.0,
    ) -> None:
        self._timeouts = timeouts or Timeouts()
        self._max_body_bytes, self._capture_wait = max_body_bytes, capture_wait
        self._block = frozenset(ResourceKind(kind) for kind in block)
        self.pool = ContextPool(
            chromium_path=chromium_path,
            pages_per_context=pages_per_context,
            contexts_per_browser=contexts_per_browser,
            max_contexts=max_contexts,
        )

    @classmethod
    def from_settings(cls, settings: FetchSettings) -> BrowserClient:
        """A client for ``settings``; a missing Chromium is a :class:`ConfigError` here, at start-up."""
        browser = settings.browser
        return cls(
            chromium_path=require_chromium(browser.chromium_path),
            timeouts=Timeouts.from_settings(settings),
            max_body_bytes=settings.max_body_bytes,
            pages_per_context=browser.pages_per_context,
            contexts_per_browser=browser.contexts_per_browser,
            max_contexts=browser.max_contexts,
            block=browser.block_resources,
            capture_wait=browser.capture_wait_seconds,
        )

    async def send(self, request: Request, *, session: FetchSession) -> BrowserResponse:
        if request.method != "GET" or request.body is not None:
            raise InvalidInput("the browser client navigates: GET requests only", field="method")
        options = options_for(request, default_block=self._block)
        timeouts = request.timeouts or self._timeouts
        lease = await self.pool.checkout(session)
        try:
            async with asyncio.timeout(timeouts.total):
                return await self._visit(lease, request, options=options, timeouts=timeouts)
        except TimeoutError as exc:
            raise Timeout(f"{request.url}: no complete page within {timeouts.total:g} s") from exc
        except PlaywrightError as exc:
            raise translate_browser_error(exc, url=request.url) from exc
        finally:
            await self.pool.checkin(lease)

    async def _visit(
        self, lease: ContextLease, request: Request, *, options: BrowserOptions, timeouts: Timeouts
    ) -> BrowserResponse:
        session, started = lease.session, time.perf_counter()
        await cookies_into_context(lease.context, session, url=request.url)
        page = await lease.context.new_page()
        try:
            captor = await self._prepare(page, request, options=options)
            document = await page.goto(
                request.url, referer=request.referer, timeout=timeouts.total * 1000, wait_until="load"
            )
            if document is None:
                raise IncompleteBody(f"{request.url}: the browser produced no document")
            captures = await captor.collect(wait=self._capture_wait)
            body = (await page.content()).encode() if options.rendered else await document.body()
            return await self._response(
                lease, request, document, body=body, captures=captures, elapsed=time.perf_counter() - started
            )
        finally:
            await cookies_from_context(lease.context, session)
            await page.close()

    async def _prepare(self, page: Page, request: Request, *, options: BrowserOptions) -> _Captor:
        if request.headers:
            await page.set_extra_http_headers(dict(request.headers))
        blocked = options.block or frozenset()
        if blocked:
            kinds = {str(kind) for kind in blocked}

            async def route(route: Route) -> None:
                if route.request.resource_type in kinds:
                    await _abort(route)
                else:
                    await route.fallback()

            await page.route("**/*", route)
        captor = _Captor(options)
        page.on("response", captor.on_response)
        return captor

    async def _response(
        self,
        lease: ContextLease,
        request: Request,
        document: PlaywrightResponse,
        *,
        body: bytes,
        captures: tuple[Capture, ...],
        elapsed: float,
    ) -> BrowserResponse:
        limit = request.max_body_bytes or self._max_body_bytes
        if len(body) > limit:
            raise ResponseTooLarge(f"{request.url}: page larger than {limit} bytes", limit=limit)
        headers: tuple[Header, ...] = tuple(
            (item["name"].lower(), item["value"]) for item in await document.headers_array()
        )
        sizes = await document.request.sizes()
        redirects, hop = 0, document.request.redirected_from
        while hop is not None:
            redirects, hop = redirects + 1, hop.redirected_from
        session = lease.session
        return BrowserResponse(
            url=document.url,
            status=document.status,
            headers=headers,
            body=body,
            elapsed=elapsed,
            bytes_in=sizes["responseHeadersSize"]
            + sizes["responseBodySize"]
            + sum(len(c.body) for c in captures),
            bytes_out=sizes["requestHeadersSize"] + sizes["requestBodySize"],
            redirects=redirects,
            identity_id=session.identity.id,
            session_id=session.id,
            proxy_id=session.proxy_id,
            captures=captures,
        )

    async def aclose(self) -> None:
        """Close every page, context and Chromium process."""
        await self.pool.aclose()


def browser_engine(settings: Settings, *, proxies: ProxyPool | None = None) -> FetchEngine:
    """A fetch engine whose client is the browser: browser mode, as features request it.

    It wears only Chromium identities, and a missing Chromium is a :class:`ConfigError` here,
    before any work starts.
    """
    from shelfscope.fetch.engine import FetchEngine

    client = BrowserClient.from_settings(settings.fetch)
    return FetchEngine.from_settings(settings, client=client, identities=BROWSER_IDENTITIES, proxies=proxies)
