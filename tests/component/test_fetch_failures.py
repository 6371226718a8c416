"""The fetch engine against a misbehaving sandbox on 127.0.0.1: every failure becomes the right error.

The sandbox's ``/_faults`` endpoints drop, reset, stall, truncate and rate-limit; a test-only
``shop`` simulator serves a *real* Amazon CAPTCHA page (read in place from shared/fixtures) to
the first visitor of a search and the real search page to later visitors, and plays scripted
answers for the retry and circuit-breaker tests. Time is a FakeClock; backoff never really sleeps.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.clock import FakeClock
from shelfscope.errors import Blocked, RateLimited, Timeout
from shelfscope.fetch import (
    BreakerState,
    CircuitOpen,
    ClockSleep,
    ConnectionFailed,
    FetchEngine,
    IncompleteBody,
    Request,
    RequestFinished,
    ResponseTooLarge,
    ServerError,
    Site,
    Timeouts,
)
from shelfscope.sandbox import SandboxContext, SandboxServer, Simulator, create_sandbox_app, load_simulators
from shelfscope.settings import Settings

CAPTCHA_FILE = "amazon/blocked/us_captcha-image_2024_bargainhunter.html"
SERP_FILE = "amazon/serp/us_serp_2024_amzon-crawler_phone.html"


def shop_simulator(*, captcha: bytes, serp: bytes) -> Simulator:
    def factory(context: SandboxContext) -> ASGIApp:
        state = context.state_for("shop")

        async def search(request: StarletteRequest) -> Response:
            name = request.path_params["name"]
            burn = int(request.query_params.get("burn", "1"))
            with context.lock:
                seen = state.setdefault(f"visitors:{name}", [])
                cookie = request.cookies.get("visitor")
                seen.append((cookie, request.headers.get("user-agent")))
                fresh = cookie is None
                visitor = cookie or f"{name}-{len([v for v, _ in seen if v is None])}"
                number = int(visitor.rsplit("-", 1)[1])
            body = captcha if number <= burn else serp
            response = Response(body, media_type="text/html")
            if fresh:
                response.set_cookie("visitor", visitor, path="/")
            return response

        async def script(request: StarletteRequest) -> Response:
            name = request.path_params["name"]
            with context.lock:
                state[f"hits:{name}"] = state.get(f"hits:{name}", 0) + 1
                answers = state.setdefault(f"script:{name}", [(200, {}, b"ok")])
                status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
            return Response(body, status_code=status, headers=headers)

        return Starlette(routes=[Route("/search/{name}", search), Route("/script/{name}", script)])

    return Simulator(
        name="shop",
        title="Test shop",
        description="Real CAPTCHA for new visitors; scripted answers.",
        mount="/shop",
        factory=factory,
    )


@pytest.fixture(scope="module")
def server(real_fixtures: Path) -> Iterator[SandboxServer]:
    shop = shop_simulator(
        captcha=(real_fixtures / CAPTCHA_FILE).read_bytes(), serp=(real_fixtures / SERP_FILE).read_bytes()
    )
    with SandboxServer(app=create_sandbox_app(simulators=[*load_simulators(), shop])) as running:
        yield running


@dataclass
class Rig:
    engine: FetchEngine
    clock: FakeClock
    sleep: ClockSleep
    server: SandboxServer
    records: list[RequestFinished]

    def script(self, name: str, answers: Sequence[tuple[int, dict[str, str], bytes]]) -> str:
        with self.server.context.lock:
            self.server.context.state_for("shop")[f"script:{name}"] = list(answers)
        return f"{self.server.url}/shop/script/{name}"

    def state(self, key: str) -> Any:
        with self.server.context.lock:
            return self.server.context.state_for("shop").get(key)


def build(server: SandboxServer, settings: Settings, **fetch: object) -> Rig:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    changes = {"delays_enabled": False, "breaker_failures": 50, **fetch}
    configured = settings.model_copy(update={"fetch": settings.fetch.model_copy(update=changes)})
    engine = FetchEngine.from_settings(configured, clock=clock, sleep=sleep, rng=random.Random(21))
    records: list[RequestFinished] = []
    engine.signals.connect(
        lambda event: records.append(event) if isinstance(event, RequestFinished) else None
    )
    return Rig(engine=engine, clock=clock, sleep=sleep, server=server, records=records)


@pytest.fixture
async def rig(server: SandboxServer, settings: Settings) -> AsyncIterator[Rig]:
    built = build(server, settings)
    yield built
    await built.engine.aclose()


def amazon(url: str) -> Request:
    return Request(url=url, site=Site.AMAZON, marketplace="US", expected_page="serp")


async def test_captcha_rotates_the_session_and_the_retry_gets_the_real_page(
    rig: Rig, real_fixtures: Path
) -> None:
    response = await rig.engine.fetch(amazon(f"{rig.server.url}/shop/search/rotate?k=phone"))
    assert response.body == (real_fixtures / SERP_FILE).read_bytes()
    assert response.attempts == 2
    visits = rig.state("visitors:rotate")
    assert [cookie for cookie, _ in visits] == [None, None]  # the second attempt came as a new visitor
    assert rig.engine.sessions.retired_count == 1
    assert rig.engine.stats.get("fetch/blocked/amazon/captcha") == 1
    (event,) = rig.records
    assert (event.record.outcome, event.record.blocked, event.record.attempts) == ("succeeded", True, 2)


async def test_a_block_page_never_produces_a_result(rig: Rig) -> None:
    results: list[bytes] = []
    with pytest.raises(Blocked) as raised:
        results.append((await rig.engine.fetch(amazon(f"{rig.server.url}/shop/search/wall?burn=99"))).body)
    assert results == []
    assert raised.value.kind == "captcha"
    assert len(rig.state("visitors:wall")) == 3
    assert rig.engine.sessions.retired_count == 3
    (event,) = rig.records
    assert (event.record.outcome, event.record.block_kind, event.record.status) == ("failed", "captcha", 200)


async def test_429_honours_retry_after(rig: Rig) -> None:
    with pytest.raises(RateLimited) as raised:
        await rig.engine.fetch(Request(url=f"{rig.server.url}/_faults/status/429?retry_after=7"))
    assert raised.value.retry_after == 7.0
    assert rig.sleep.calls == [7.0, 7.0]
    assert rig.engine.stats.get("fetch/status/429") == 3


async def test_a_429_then_a_page_succeeds_after_exactly_the_retry_after(rig: Rig) -> None:
    url = rig.script("slow-down", [(429, {"Retry-After": "4"}, b""), (200, {}, b"page")])
    response = await rig.engine.fetch(Request(url=url))
    assert (response.body, response.attempts) == (b"page", 2)
    assert rig.sleep.calls == [4.0]


async def test_circuit_breaker_opens_and_recovers(server: SandboxServer, settings: Settings) -> None:
    rig = build(server, settings, breaker_failures=3, breaker_reset_seconds=30)
    url = rig.script("breaker", [(500, {}, b"")] * 3 + [(200, {}, b"back")])
    with pytest.raises(ServerError):
        await rig.engine.fetch(Request(url=url))
    assert rig.state("hits:breaker") == 3
    assert rig.engine.breaker.state("127.0.0.1") is BreakerState.OPEN
    with pytest.raises(CircuitOpen):
        await rig.engine.fetch(Request(url=url))
    assert rig.state("hits:breaker") == 3  # an open circuit does not touch the host
    rig.clock.advance(30)
    assert rig.engine.breaker.state("127.0.0.1") is BreakerState.HALF_OPEN
    response = await rig.engine.fetch(Request(url=url))
    assert response.body == b"back"
    assert rig.engine.breaker.state("127.0.0.1") is BreakerState.CLOSED
    assert rig.engine.stats.get("fetch/error/circuit_open") == 0  # refused before any attempt
    assert rig.engine.stats.get("fetch/outcome/failed") == 2
    await rig.engine.aclose()


@pytest.mark.parametrize("fault", ["drop", "reset"])
async def test_dropped_and_reset_connections_rotate_and_retry(rig: Rig, fault: str) -> None:
    with pytest.raises(ConnectionFailed) as raised:
        await rig.engine.fetch(Request(url=f"{rig.server.url}/_faults/{fault}"))
    assert isinstance(raised.value.__cause__, Exception)  # the curl error is kept as the cause
    assert rig.engine.stats.get("fetch/error/connection_failed") == 3
    assert rig.engine.sessions.retired_count == 3
    assert len(rig.sleep.calls) == 2


async def test_a_server_that_does_not_answer_in_time_is_a_timeout(rig: Rig) -> None:
    request = Request(
        url=f"{rig.server.url}/_faults/delay?seconds=3", timeouts=Timeouts(connect=0.3, read=5, total=0.4)
    )
    with pytest.raises(Timeout, match=r"timed out|within 0\.4 s"):
        await rig.engine.fetch(request)
    assert rig.engine.stats.get("fetch/error/timeout") == 3


async def test_a_stalled_body_hits_the_read_timeout(server: SandboxServer, settings: Settings) -> None:
    rig = build(server, settings, max_attempts=1)
    url = f"{server.url}/_faults/slow-body?bytes=2048&chunk=1024&interval=4"
    with pytest.raises(Timeout):
        await rig.engine.fetch(Request(url=url, timeouts=Timeouts(connect=1, read=1, total=30)))
    assert rig.records[0].record.latency < 4  # the read timeout, not the 30 s total
    await rig.engine.aclose()


async def test_a_truncated_body_is_an_error_not_data(rig: Rig) -> None:
    with pytest.raises(IncompleteBody, match="ended before its announced length"):
        await rig.engine.fetch(Request(url=f"{rig.server.url}/_faults/truncated?bytes=1000"))
    assert rig.engine.stats.get("fetch/error/incomplete_body") == 3
    assert rig.engine.stats.get("fetch/outcome/succeeded") == 0


async def test_the_maximum_body_size_is_enforced(rig: Rig) -> None:
    big = f"{rig.server.url}/_faults/slow-body?bytes=50000&chunk=50000&interval=0"
    with pytest.raises(ResponseTooLarge) as raised:
        await rig.engine.fetch(Request(url=big, max_body_bytes=10_000))
    assert raised.value.limit == 10_000
    assert rig.engine.stats.get("fetch/attempts") == 1  # too large is not retried
    small = f"{rig.server.url}/_faults/slow-body?bytes=9000&chunk=9000&interval=0"
    assert len((await rig.engine.fetch(Request(url=small, max_body_bytes=10_000))).body) == 9000


async def test_a_refused_connection_is_a_connection_failure(rig: Rig) -> None:
    with pytest.raises(ConnectionFailed, match="connection refused"):
        await rig.engine.fetch(Request(url="http://127.0.0.1:9/"))
