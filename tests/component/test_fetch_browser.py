"""The browser client against the sandbox on 127.0.0.1, driving the system Chromium.

A small test simulator (``scripted``) serves a page whose own script fetches JSON from the
sandbox, with images, a font and a stylesheet, and counts server-side what was requested and
with which headers and cookies. Every request goes through the real fetch engine.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.clock import FakeClock
from shelfscope.errors import ConfigError
from shelfscope.fetch import ClockSleep, Device, FetchEngine, Proxy, Request, StaticProxyPool
from shelfscope.fetch.clients.browser import BROWSER_IDENTITIES, BrowserClient, browser_engine
from shelfscope.fetch.clients.browser_options import BrowserOptions, BrowserResponse, ResourceKind
from shelfscope.sandbox import SandboxContext, SandboxServer, Simulator, create_sandbox_app
from shelfscope.settings import Settings
from tests.component.test_fetch_proxy import ForwardProxy

pytestmark = pytest.mark.browser

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
ITEMS = [{"itemid": 1, "name": "usb hub", "price": 1999}, {"itemid": 2, "name": "usb cable", "price": 599}]
PAGE = """<!DOCTYPE html><html><head><title>scripted shop</title>
<link rel="stylesheet" href="/scripted/style.css">
<style>@font-face { font-family: shop; src: url(/scripted/font.woff2); } body { font-family: shop; }</style>
</head><body><h1>Shop</h1>
<img src="/scripted/img/1.png"><img src="/scripted/img/2.png"><img src="/scripted/img/3.png">
<ul id="items"></ul>
<script>
fetch("/scripted/api/items?keyword=usb&languages=" + navigator.languages.join(","), {headers: {"x-signed": "1"}})
  .then(r => r.json())
  .then(d => { document.getElementById("items").textContent = d.items.length + " items"; });
</script></body></html>"""


@dataclass
class Seen:
    """What the scripted site received: requests per path, and the headers of each page view."""

    paths: Counter[str] = field(default_factory=Counter)
    page_headers: list[dict[str, str]] = field(default_factory=list)

    def count(self, prefix: str) -> int:
        return sum(n for path, n in self.paths.items() if path.startswith(prefix))


SEEN = Seen()


def scripted_app(_context: SandboxContext) -> ASGIApp:
    async def page(request: StarletteRequest) -> Response:
        SEEN.paths[request.url.path] += 1
        SEEN.page_headers.append(dict(request.headers))
        response = HTMLResponse(PAGE)
        response.set_cookie("visit", str(len(SEEN.page_headers)), path="/")
        return response

    async def items(request: StarletteRequest) -> Response:
        SEEN.paths[request.url.path] += 1
        languages = request.query_params.get("languages", "")
        return JSONResponse(
            {"items": ITEMS, "signed": request.headers.get("x-signed"), "languages": languages.split(",")}
        )

    async def asset(request: StarletteRequest) -> Response:
        SEEN.paths[request.url.path] += 1
        path = request.url.path
        if path.endswith(".png"):
            return Response(PNG, media_type="image/png")
        if path.endswith(".css"):
            return Response("h1 { color: red; }", media_type="text/css")
        return Response(b"\0" * 64, media_type="font/woff2")

    return Starlette(
        routes=[
            Route("/shop", page),
            Route("/api/items", items),
            Route("/img/{name}", asset),
            Route("/style.css", asset),
            Route("/font.woff2", asset),
        ]
    )


SCRIPTED = Simulator(
    name="scripted",
    title="Scripted shop",
    description="A page whose own script fetches its data.",
    mount="/scripted",
    factory=scripted_app,
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(app=create_sandbox_app(simulators=[SCRIPTED])) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    SEEN.paths.clear()
    SEEN.page_headers.clear()


def _engine(
    settings: Settings, client: BrowserClient, *, proxies: StaticProxyPool | None = None, **fetch: object
) -> FetchEngine:
    changes = {"delays_enabled": False, "sessions_per_key": 1, **fetch}
    clock = FakeClock()
    return FetchEngine.from_settings(
        settings.model_copy(update={"fetch": settings.fetch.model_copy(update=changes)}),
        client=client,
        clock=clock,
        sleep=ClockSleep(clock),
        rng=random.Random(3),
        identities=BROWSER_IDENTITIES,
        proxies=proxies,
    )


@pytest.fixture
async def client(chromium_path: str) -> AsyncIterator[BrowserClient]:
    running = BrowserClient(chromium_path=chromium_path, capture_wait=10.0)
    yield running
    await running.aclose()


async def test_captures_the_json_the_pages_own_script_fetched(
    server: SandboxServer, settings: Settings, client: BrowserClient
) -> None:
    options = BrowserOptions(capture=(r"/scripted/api/items",))
    request = Request(url=f"{server.url}/scripted/shop", meta={"browser": options}, locale="de-DE")
    async with _engine(settings, client) as engine:
        response = await engine.fetch(request)
    assert isinstance(response, BrowserResponse)
    assert response.status == 200
    assert b"scripted shop" in response.body
    (capture,) = response.captured(r"/api/items")
    assert capture.status == 200
    assert capture.content_type == "application/json"
    assert capture.json()["items"] == ITEMS
    assert capture.json()["signed"] == "1"
    assert SEEN.paths["/scripted/api/items"] == 1


async def test_rendered_body_shows_what_the_script_wrote(
    server: SandboxServer, settings: Settings, client: BrowserClient
) -> None:
    options = BrowserOptions(capture=(r"/api/items",), rendered=True)
    async with _engine(settings, client) as engine:
        response = await engine.fetch(Request(url=f"{server.url}/scripted/shop", meta={"browser": options}))
    assert b'<ul id="items">2 items</ul>' in response.body


async def test_blocking_profile_stops_image_font_and_css_requests(
    server: SandboxServer, settings: Settings, client: BrowserClient
) -> None:
    url = f"{server.url}/scripted/shop"
    everything = BrowserOptions(block=frozenset(), capture=(r"/api/items",))
    nothing = BrowserOptions(block=frozenset(ResourceKind), capture=(r"/api/items",))
    async with _engine(settings, client) as engine:
        await engine.fetch(Request(url=url, meta={"browser": everything}))
        assert SEEN.count("/scripted/img/") == 3
        assert SEEN.paths["/scripted/style.css"] == 1
        await engine.fetch(Request(url=url, meta={"browser": nothing}))
    assert SEEN.count("/scripted/img/") == 3  # none more
    assert SEEN.paths["/scripted/style.css"] == 1
    assert SEEN.paths["/scripted/api/items"] == 2  # the data still came


async def test_default_profile_from_the_client_blocks_images(
    server: SandboxServer, settings: Settings, client: BrowserClient
) -> None:
    async with _engine(settings, client) as engine:
        await engine.fetch(Request(url=f"{server.url}/scripted/shop"))
    assert SEEN.paths["/scripted/shop"] == 1
    assert SEEN.count("/scripted/img/") == 0


async def test_contexts_are_recycled_after_n_pages_and_cookies_survive(
    server: SandboxServer, settings: Settings, chromium_path: str
) -> None:
    client = BrowserClient(chromium_path=chromium_path, pages_per_context=2, contexts_per_browser=2)
    try:
        async with _engine(settings, client, session_max_uses=100) as engine:
            for _ in range(5):
                await engine.fetch(Request(url=f"{server.url}/scripted/shop"))
            assert client.pool.contexts_opened == 3
            assert client.pool.browsers_launched == 2
            assert client.pool.open_contexts == 1
    finally:
        await client.aclose()
    # The cookie set by each page view came back on the next one, across context recycling.
    assert [headers.get("cookie") for headers in SEEN.page_headers] == [
        None,
        "visit=1",
        "visit=2",
        "visit=3",
        "visit=4",
    ]


async def test_the_session_identity_and_language_reach_the_site(
    server: SandboxServer, settings: Settings, client: BrowserClient
) -> None:
    async with _engine(settings, client) as engine:
        options = BrowserOptions(capture=(r"/api/items",))
        request = Request(
            url=f"{server.url}/scripted/shop", locale="de-DE", device=Device.MOBILE, meta={"browser": options}
        )
        response = await engine.fetch(request)
        assert isinstance(response, BrowserResponse)
        (session,) = engine.sessions.live()
    (headers,) = SEEN.page_headers
    assert session.identity.device is Device.MOBILE
    assert headers["user-agent"] == session.identity.user_agent
    assert headers["accept-language"] == session.accept_language
    assert headers["accept-language"].startswith("de-DE")
    assert headers["sec-ch-ua-mobile"] == "?1"
    assert headers["sec-ch-ua"] == session.identity.sec_ch_ua
    assert "visit" in session.cookies.names()
    assert response.captured("/api/items")[0].json()["languages"] == ["de-DE", "de", "en-US", "en"]


async def test_pages_go_out_through_the_sessions_proxy_and_fail_over(
    server: SandboxServer, settings: Settings, client: BrowserClient
) -> None:
    parts = urlsplit(server.url)
    exit_node = ForwardProxy("p2", upstream=(parts.hostname or "", parts.port or 0))
    await exit_node.start()
    dead = Proxy(id="dead", url="http://127.0.0.1:9")  # nothing listens on the discard port
    pool = StaticProxyPool([dead, Proxy(id="p2", url=exit_node.url)])
    options = BrowserOptions(capture=(r"/api/items",))
    try:
        # A made-up host: loopback targets never use a proxy.
        request = Request(url="http://shop.example/scripted/shop", meta={"browser": options})
        async with _engine(settings, client, proxies=pool) as engine:
            response = await engine.fetch(request)
            assert engine.stats.get("fetch/error/proxy_failed") == 1
    finally:
        await exit_node.stop()
    assert (response.proxy_id, response.attempts) == ("p2", 2)
    assert "http://shop.example/scripted/shop" in exit_node.targets
    assert any(target.startswith("http://shop.example/scripted/api/items") for target in exit_node.targets)
    assert SEEN.page_headers[0]["x-proxied-by"] == "p2"
    assert isinstance(response, BrowserResponse)
    assert response.captured("/api/items")[0].json()["items"] == ITEMS


def test_a_missing_chromium_is_a_clear_error_at_startup(settings: Settings) -> None:
    browser = settings.fetch.browser.model_copy(update={"chromium_path": "/nonexistent/chromium"})
    fetch = settings.fetch.model_copy(update={"browser": browser})
    with pytest.raises(ConfigError, match=r"browser mode needs Chromium.*/nonexistent/chromium"):
        BrowserClient.from_settings(fetch)
    with pytest.raises(ConfigError, match=r"browser mode needs Chromium"):
        browser_engine(settings.model_copy(update={"fetch": fetch}))


async def test_browser_mode_from_settings_serves_a_page(
    server: SandboxServer, settings: Settings, chromium_path: str
) -> None:
    browser = settings.fetch.browser.model_copy(update={"chromium_path": chromium_path})
    fetch = settings.fetch.model_copy(update={"browser": browser, "delays_enabled": False})
    async with browser_engine(settings.model_copy(update={"fetch": fetch})) as engine:
        response = await engine.fetch(Request(url=f"{server.url}/scripted/shop"))
        assert isinstance(engine.client, BrowserClient)
    assert response.identity_id in {identity.id for identity in BROWSER_IDENTITIES}
    assert SEEN.count("/scripted/img/") == 0  # the settings' default profile blocks images
