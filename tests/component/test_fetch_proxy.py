"""Sessions go out through their proxy, for real, via small forward proxies on 127.0.0.1.

The proxies here are test doubles of a provider's exit: plain-HTTP forward proxies that send
every request to the sandbox, tag it with ``x-proxied-by`` and count concurrent connections.
(The sandbox's own configurable proxies, with auth and failure rates, come with the proxy pool.)
Targets use a made-up host name, because loopback targets never use a proxy.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import pytest

from shelfscope.clock import FakeClock
from shelfscope.fetch import ClockSleep, FetchEngine, Proxy, Request, StaticProxyPool
from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.settings import Settings

TARGET = "http://shop.example/echo/item"


class ForwardProxy:
    """An HTTP forward proxy that delivers every request to ``upstream`` and tags it."""

    def __init__(self, name: str, *, upstream: tuple[str, int], delay: float = 0.0) -> None:
        self.name, self.upstream, self.delay = name, upstream, delay
        self.targets: list[str] = []
        self.url = ""
        self.active = self.max_active = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ")
            self.targets.append(target)
            parts = urlsplit(target)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            kept = [
                line for line in head[1:] if line and not line.lower().startswith(("connection", "proxy-"))
            ]
            await asyncio.sleep(self.delay)
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
            lines = [f"{method} {path} HTTP/1.1", *kept, f"x-proxied-by: {self.name}", "connection: close"]
            upstream_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            await upstream_writer.drain()
            writer.write(await upstream_reader.read())
            await writer.drain()
            upstream_writer.close()
        finally:
            self.active -= 1
            writer.close()


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(app=create_sandbox_app()) as running:
        yield running


@pytest.fixture
async def proxies(server: SandboxServer) -> AsyncIterator[list[ForwardProxy]]:
    host, port = urlsplit(server.url).hostname or "", urlsplit(server.url).port or 0
    started = [ForwardProxy(name, upstream=(host, port)) for name in ("p1", "p2")]
    for proxy in started:
        await proxy.start()
    yield started
    for proxy in started:
        await proxy.stop()


def engine_for(settings: Settings, pool: StaticProxyPool, **fetch: object) -> FetchEngine:
    clock = FakeClock()
    changes = {"delays_enabled": False, "sessions_per_key": 1, **fetch}
    configured = settings.model_copy(update={"fetch": settings.fetch.model_copy(update=changes)})
    return FetchEngine.from_settings(
        configured, clock=clock, sleep=ClockSleep(clock), rng=random.Random(3), proxies=pool
    )


def proxied_by(body: bytes) -> str:
    headers: dict[str, str] = dict(json.loads(body)["headers"])
    return headers["x-proxied-by"]


async def test_a_session_keeps_its_proxy_and_a_rotated_one_takes_the_next(
    settings: Settings, proxies: list[ForwardProxy]
) -> None:
    pool = StaticProxyPool([Proxy(id=p.name, url=p.url) for p in proxies])
    async with engine_for(settings, pool) as engine:
        first = await engine.fetch(Request(url=TARGET))
        again = await engine.fetch(Request(url=TARGET))
        (session,) = engine.sessions.live()
        engine.sessions.retire(session, reason="blocked")
        rotated = await engine.fetch(Request(url=TARGET))
    assert [proxied_by(r.body) for r in (first, again, rotated)] == ["p1", "p1", "p2"]
    assert [r.proxy_id for r in (first, again, rotated)] == ["p1", "p1", "p2"]
    assert proxies[0].targets == [TARGET, TARGET]
    assert dict(json.loads(first.body)["headers"])["host"] == "shop.example"
    assert engine.stats.get("fetch/proxy/p1/bytes_in") == first.bytes_in + again.bytes_in


async def test_a_dead_proxy_fails_over_to_the_next_one(
    settings: Settings, proxies: list[ForwardProxy]
) -> None:
    dead = Proxy(id="dead", url="http://127.0.0.1:9")  # nothing listens on the discard port
    pool = StaticProxyPool([dead, Proxy(id="p2", url=proxies[1].url)])
    async with engine_for(settings, pool) as engine:
        response = await engine.fetch(Request(url=TARGET))
    assert (response.proxy_id, response.attempts) == ("p2", 2)
    assert proxied_by(response.body) == "p2"
    assert engine.stats.get("fetch/error/proxy_failed") == 1
    assert engine.sessions.retired_count == 1


async def test_a_proxy_never_carries_more_requests_than_its_limit(
    settings: Settings, proxies: list[ForwardProxy]
) -> None:
    slow = proxies[0]
    slow.delay = 0.05
    pool = StaticProxyPool([Proxy(id="p1", url=slow.url, max_concurrency=2)])
    async with engine_for(settings, pool, sessions_per_key=4) as engine:
        responses = await asyncio.gather(*(engine.fetch(Request(url=f"{TARGET}?n={n}")) for n in range(8)))
    assert all(proxied_by(response.body) == "p1" for response in responses)
    assert len(slow.targets) == 8
    assert slow.max_active == 2
