"""What the curl client really puts on the wire, checked by the sandbox on 127.0.0.1.

The echo simulator answers with the headers it received, in arrival order; a small test
simulator (``wire``) sets cookies, redirects and compresses. Every identity is sent for real and
the received headers must equal what the identity renders and pass the coherence check.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import AsyncIterator, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.clock import FakeClock
from shelfscope.fetch import IDENTITIES, ClockSleep, FetchEngine, Identity, Mode, Request, Site
from shelfscope.fetch.clients.curl import CurlClient
from shelfscope.fetch.coherence import coherence_problems
from shelfscope.sandbox import SandboxContext, SandboxServer, Simulator, create_sandbox_app, load_simulators
from shelfscope.settings import Settings

PAGE = b"<html><body>" + b"<p>shelfscope wire test</p>" * 400 + b"</body></html>"
# Connection-level headers that curl adds and no identity renders.
TRANSPORT = {"host", "content-length", "content-type"}


def _echo_headers(request: StarletteRequest) -> list[list[str]]:
    return [[name.decode("latin-1"), value.decode("latin-1")] for name, value in request.scope["headers"]]


def wire_app(_context: SandboxContext) -> ASGIApp:
    async def set_cookie(_request: StarletteRequest) -> Response:
        response = JSONResponse({"set": True})
        response.set_cookie("visitor", "v-42", path="/")
        response.set_cookie("i18n-prefs", "EUR", path="/")
        return response

    async def redirect(_request: StarletteRequest) -> Response:
        response = RedirectResponse("/wire/landing", status_code=302)
        response.set_cookie("moved", "yes", path="/")
        return response

    async def landing(request: StarletteRequest) -> Response:
        return JSONResponse({"headers": _echo_headers(request)})

    async def gzipped(_request: StarletteRequest) -> Response:
        return Response(
            gzip.compress(PAGE), headers={"content-encoding": "gzip", "content-type": "text/html"}
        )

    async def brotli_page(_request: StarletteRequest) -> Response:
        brotli = pytest.importorskip("brotli")
        return Response(
            brotli.compress(PAGE), headers={"content-encoding": "br", "content-type": "text/html"}
        )

    return Starlette(
        routes=[
            Route("/set-cookie", set_cookie),
            Route("/redirect", redirect),
            Route("/landing", landing),
            Route("/gzip", gzipped),
            Route("/br", brotli_page),
        ]
    )


WIRE = Simulator(
    name="wire",
    title="Wire test",
    description="Cookies, redirects, compression.",
    mount="/wire",
    factory=wire_app,
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(app=create_sandbox_app(simulators=[*load_simulators(), WIRE])) as running:
        yield running


def _settings(settings: Settings, **fetch: object) -> Settings:
    changes = {"delays_enabled": False, **fetch}
    return settings.model_copy(update={"fetch": settings.fetch.model_copy(update=changes)})


def engine_for(
    settings: Settings, *identities: Identity, client: CurlClient | None = None, **fetch: object
) -> FetchEngine:
    clock = FakeClock()
    return FetchEngine.from_settings(
        _settings(settings, **fetch),
        client=client,
        clock=clock,
        sleep=ClockSleep(clock),
        rng=random.Random(8),
        identities=identities or None,
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[FetchEngine]:
    running = engine_for(settings, sessions_per_key=1)
    yield running
    await running.aclose()


def received(body: bytes) -> list[tuple[str, str]]:
    return [(name, value) for name, value in json.loads(body)["headers"] if name not in TRANSPORT]


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda identity: identity.id)
async def test_header_coherence_holds_on_the_wire_for_every_identity(
    server: SandboxServer, settings: Settings, identity: Identity
) -> None:
    async with engine_for(settings, identity) as engine:
        url = f"{server.url}/echo/s?k=usb+hub"
        response = await engine.fetch(Request(url=url, locale="de-DE"))
    sent = received(response.body)
    session = next(iter(engine.sessions.live()))
    assert session.identity is identity
    assert sent == identity.headers(url=url, accept_language=session.accept_language)
    assert coherence_problems(identity, sent) == []
    assert response.http_version == "1.1"  # plain http: no h2c upgrade, as browsers do
    assert response.identity_id == identity.id


@pytest.mark.parametrize(
    "identity", [IDENTITIES[0], IDENTITIES[6], IDENTITIES[-1]], ids=lambda identity: identity.id
)
async def test_script_fetch_headers_hold_on_the_wire(
    server: SandboxServer, settings: Settings, identity: Identity
) -> None:
    async with engine_for(settings, identity) as engine:
        url = f"{server.url}/echo/api/v4/search/search_items?newest=0"
        request = Request(
            url=url,
            mode=Mode.FETCH,
            referer=f"{server.url}/search?keyword=laptop",
            headers=[("accept", "application/json"), ("x-api-source", "pc")],
            accept_language="id-ID,id;q=0.9",
        )
        sent = received((await engine.fetch(request)).body)
    assert dict(sent)["accept"] == "application/json"
    assert sent[-1] == ("x-api-source", "pc")
    assert coherence_problems(identity, sent, mode=Mode.FETCH) == []


async def test_cookies_persist_in_the_session_and_sit_where_the_browser_puts_them(
    server: SandboxServer, engine: FetchEngine
) -> None:
    await engine.fetch(Request(url=f"{server.url}/wire/set-cookie"))
    url = f"{server.url}/echo/next"
    sent = received((await engine.fetch(Request(url=url))).body)
    (session,) = engine.sessions.live()
    assert dict(sent)["cookie"] == "visitor=v-42; i18n-prefs=EUR"
    assert sent == session.identity.headers(
        url=url, accept_language=session.accept_language, cookie="visitor=v-42; i18n-prefs=EUR"
    )


async def test_a_new_session_starts_without_the_old_cookies(
    server: SandboxServer, settings: Settings
) -> None:
    async with engine_for(settings, sessions_per_key=1) as engine:
        await engine.fetch(Request(url=f"{server.url}/wire/set-cookie"))
        (old,) = engine.sessions.live()
        engine.sessions.retire(old, reason="blocked")
        sent = received((await engine.fetch(Request(url=f"{server.url}/echo/next"))).body)
    assert "cookie" not in dict(sent)


async def test_redirects_are_followed_with_cookies_set_on_the_way(
    server: SandboxServer, engine: FetchEngine
) -> None:
    response = await engine.fetch(Request(url=f"{server.url}/wire/redirect"))
    assert response.url == f"{server.url}/wire/landing"
    assert response.redirects == 1
    assert dict(received(response.body))["cookie"] == "moved=yes"


@pytest.mark.parametrize("encoding", ["gzip", "br"])
async def test_compressed_bodies_arrive_decoded_and_the_wire_bytes_are_counted(
    server: SandboxServer, engine: FetchEngine, encoding: str
) -> None:
    if encoding == "br":
        pytest.importorskip("brotli")
    response = await engine.fetch(Request(url=f"{server.url}/wire/{encoding}"))
    assert response.body == PAGE
    assert response.header("content-encoding") == encoding
    assert 0 < response.bytes_in < len(PAGE)  # compressed on the wire
    assert response.bytes_out > 100
    assert engine.stats.get("fetch/bytes_in") == response.bytes_in


async def test_curl_sessions_are_recycled_without_losing_cookies(
    server: SandboxServer, settings: Settings
) -> None:
    client = CurlClient(recycle_after=2)
    async with engine_for(settings, client=client, sessions_per_key=1) as engine:
        await engine.fetch(Request(url=f"{server.url}/wire/set-cookie"))
        for _ in range(4):
            sent = received((await engine.fetch(Request(url=f"{server.url}/echo/again"))).body)
            assert dict(sent)["cookie"] == "visitor=v-42; i18n-prefs=EUR"
        assert client.sessions_opened == 3  # 5 requests, 2 per curl session
        assert client.open_sessions == 1
    assert client.open_sessions == 0


async def test_a_retired_fetch_session_closes_its_curl_session(
    server: SandboxServer, settings: Settings
) -> None:
    client = CurlClient()
    async with engine_for(settings, client=client, sessions_per_key=1) as engine:
        await engine.fetch(Request(url=f"{server.url}/echo/a", site=Site.GENERIC))
        (session,) = engine.sessions.live()
        engine.sessions.retire(session, reason="blocked")
        await engine.fetch(Request(url=f"{server.url}/echo/b"))
        assert client.sessions_opened == 2
        assert client.open_sessions == 1
