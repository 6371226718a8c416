"""SOCKS5 proxies of the sandbox over real sockets, and the fetch engine going out through them.

The protocol is checked byte by byte (method selection, RFC 1929 auth, CONNECT replies, faults);
then the engine's curl client fetches a sandbox page through ``socks5://`` (the client resolves
the host) and ``socks5h://`` (the proxy does) with credentials from the proxy pool, and a wrong
password ends as the engine's proxy failure, saying the credentials were rejected.
"""

from __future__ import annotations

import asyncio
import random
import struct
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import pytest

from shelfscope.clock import FakeClock
from shelfscope.fetch import ClockSleep, FetchEngine, ProxyFailed, Request
from shelfscope.fetch.proxy_pool import PoolEntry, ProviderProxyPool
from shelfscope.sandbox import SandboxServer, create_sandbox_app, load_simulators
from shelfscope.sandbox.proxies import ForwardProxy, ProxyBehaviour, fleet_of
from shelfscope.settings import Settings

USER, PASSWORD = "shop user", "p@ss:word/1"  # characters a proxy URL must percent-encode


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(app=create_sandbox_app(simulators=list(load_simulators()))) as server:
        yield server


def _upstream(server: SandboxServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


@pytest.fixture
async def socks(sandbox: SandboxServer) -> AsyncIterator[ForwardProxy]:
    behaviour = ProxyBehaviour(username=USER, password=PASSWORD)
    proxy = ForwardProxy(name="s1", behaviour=behaviour, upstream=_upstream(sandbox), protocol="socks5")
    await proxy.start()
    yield proxy
    await proxy.stop()


async def _greet(
    proxy: ForwardProxy, methods: bytes
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
    writer.write(bytes([5, len(methods)]) + methods)
    return reader, writer, await reader.readexactly(2)


def _auth(user: str, password: str) -> bytes:
    return bytes([1, len(user)]) + user.encode() + bytes([len(password)]) + password.encode()


def _connect(host: str, port: int, *, command: int = 1) -> bytes:
    return bytes([5, command, 0, 3, len(host)]) + host.encode() + struct.pack("!H", port)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    await writer.wait_closed()


async def test_authenticated_connect_by_domain_name_tunnels_to_the_upstream(socks: ForwardProxy) -> None:
    reader, writer, choice = await _greet(socks, b"\x00\x02")
    assert choice == b"\x05\x02"  # username/password, since the proxy has credentials
    writer.write(_auth(USER, PASSWORD))
    assert await reader.readexactly(2) == b"\x01\x00"
    writer.write(_connect("shop.example", 80))
    reply = await reader.readexactly(10)
    assert reply[:4] == b"\x05\x00\x00\x01"  # succeeded, bound address is IPv4
    writer.write(b"GET /proxies/ip HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
    answer = await reader.read()
    await _close(writer)
    assert answer.startswith(b"HTTP/1.1 200") and b'"ip":"127.0.0.1"' in answer
    assert list(socks.destinations) == ["shop.example:80"]
    assert (socks.counters.requests, socks.counters.tunnels, socks.counters.auth_failures) == (1, 1, 0)


async def test_wrong_password_and_missing_method_are_refused(socks: ForwardProxy) -> None:
    reader, writer, choice = await _greet(socks, b"\x02")
    writer.write(_auth(USER, "wrong"))
    assert choice == b"\x05\x02"
    assert await reader.readexactly(2) == b"\x01\x01"
    assert await reader.read() == b""  # and the connection is closed
    await _close(writer)
    reader, writer, choice = await _greet(socks, b"\x00")  # a client without credentials
    assert choice == b"\x05\xff"
    await _close(writer)
    assert socks.counters.auth_failures == 2 and socks.counters.requests == 0


async def test_only_connect_is_supported(socks: ForwardProxy) -> None:
    reader, writer, _ = await _greet(socks, b"\x02")
    writer.write(_auth(USER, PASSWORD))
    await reader.readexactly(2)
    writer.write(_connect("shop.example", 80, command=2))  # BIND
    assert (await reader.readexactly(10))[:2] == b"\x05\x07"
    await _close(writer)


async def test_faults_apply_to_socks_requests(sandbox: SandboxServer) -> None:
    behaviour = ProxyBehaviour(die_after=1, failure_rate=0.0)
    proxy = ForwardProxy(name="s2", behaviour=behaviour, upstream=_upstream(sandbox), protocol="socks5")
    await proxy.start()
    try:
        for expected in (b"\x05\x00", None):
            reader, writer, choice = await _greet(proxy, b"\x00")
            assert choice == b"\x05\x00"
            writer.write(_connect("shop.example", 80))
            if expected is None:  # the second request kills it: no reply, and no more listening
                with pytest.raises((asyncio.IncompleteReadError, ConnectionError)):
                    await reader.readexactly(10)
            else:
                assert (await reader.readexactly(10))[:2] == expected
            writer.close()
        assert proxy.dead
        with pytest.raises(OSError):
            await asyncio.open_connection("127.0.0.1", proxy.port)
        proxy.behaviour.failure_rate, proxy.behaviour.failure_mode = 1.0, "reset"
        proxy.behaviour.die_after = None
        await proxy.start()
        reader, writer, _ = await _greet(proxy, b"\x00")
        writer.write(_connect("shop.example", 80))
        with pytest.raises((asyncio.IncompleteReadError, ConnectionError)):
            await reader.readexactly(10)
        writer.close()
        assert proxy.counters.injected_failures == 1
    finally:
        await proxy.stop()


def _engine(settings: Settings, entry: PoolEntry) -> FetchEngine:
    clock = FakeClock()
    fetch = settings.fetch.model_copy(update={"delays_enabled": False, "sessions_per_key": 1})
    pool = ProviderProxyPool([entry], clock=clock, route_loopback=True)
    return FetchEngine.from_settings(
        settings.model_copy(update={"fetch": fetch}),
        clock=clock,
        sleep=ClockSleep(clock),
        rng=random.Random(5),
        proxies=pool,
    )


def _entry(proxy: ForwardProxy, scheme: str, *, password: str = PASSWORD) -> PoolEntry:
    return PoolEntry(
        id=proxy.name, scheme=scheme, host="127.0.0.1", port=proxy.port, username=USER, password=password
    )


@pytest.mark.parametrize(
    ("scheme", "target_host"),
    [("socks5h", "shop.example"), ("socks5", "localhost")],
)
async def test_the_curl_client_fetches_through_socks5_with_credentials(
    settings: Settings, sandbox: SandboxServer, socks: ForwardProxy, scheme: str, target_host: str
) -> None:
    port = _upstream(sandbox)[1]
    url = f"http://{target_host}:{port}/proxies/shop/B0SOCKS001"
    async with _engine(settings, _entry(socks, scheme)) as engine:
        response = await engine.fetch(Request(url=url))
    assert response.status == 200 and b"Sandbox item B0SOCKS001" in response.body
    assert response.proxy_id == "s1" and response.attempts == 1
    (destination,) = socks.destinations
    if scheme == "socks5h":  # the proxy got the name and resolved it
        assert destination == f"shop.example:{port}"
    else:  # the client resolved it and sent an address
        assert destination in {f"127.0.0.1:{port}", f"[::1]:{port}"}
    assert socks.counters.tunnels == 1 and socks.counters.auth_failures == 0


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
async def test_a_wrong_socks_password_is_a_proxy_failure_naming_the_credentials(
    settings: Settings, sandbox: SandboxServer, socks: ForwardProxy, scheme: str
) -> None:
    url = f"http://shop.example:{_upstream(sandbox)[1]}/proxies/shop/item"
    if scheme == "socks5":
        url = url.replace("shop.example", "127.0.0.1")
    async with _engine(settings, _entry(socks, scheme, password="not-the-password")) as engine:
        with pytest.raises(ProxyFailed, match="proxy rejected the credentials"):
            await engine.fetch(Request(url=url))
        attempts = engine.stats.get("fetch/error/proxy_failed")
    assert attempts >= 1 and socks.counters.auth_failures == attempts
    assert socks.counters.requests == 0 and not socks.destinations


async def test_the_sandbox_fleet_includes_a_socks5_proxy(sandbox: SandboxServer) -> None:
    fleet = fleet_of(sandbox.context)
    assert [(p.name, p.protocol) for p in fleet] == [
        ("proxy-1", "http"),
        ("proxy-2", "http"),
        ("socks-1", "socks5"),
    ]
    assert fleet.get("socks-1").url.startswith("socks5h://127.0.0.1:")
