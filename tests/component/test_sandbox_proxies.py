"""The sandbox's forward proxies over real sockets: forwarding, CONNECT, auth, faults, counters."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from shelfscope.sandbox import SandboxServer, create_sandbox_app, load_simulators
from shelfscope.sandbox.proxies import CAPTCHA_HEADER, ForwardProxy, ProxyBehaviour, fleet_of


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(app=create_sandbox_app(simulators=list(load_simulators())))
    server.start()
    yield server
    server.stop()


def _upstream(server: SandboxServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


async def _started(server: SandboxServer, **behaviour: object) -> ForwardProxy:
    proxy = ForwardProxy(name="t", behaviour=ProxyBehaviour(**behaviour), upstream=_upstream(server))  # type: ignore[arg-type]
    await proxy.start()
    return proxy


async def test_plain_request_is_forwarded_to_the_upstream_and_counted(sandbox: SandboxServer) -> None:
    proxy = await _started(sandbox, exit_country="DE")
    try:
        async with httpx.AsyncClient(proxy=proxy.url) as client:
            answer = await client.get("http://shop.example/proxies/ip")
        assert answer.json() == {"ip": "127.0.0.1", "country": "DE"}
        assert proxy.counters.requests == 1
        assert proxy.counters.bytes_out >= len(answer.content)
    finally:
        await proxy.stop()


async def test_connect_opens_a_tunnel(sandbox: SandboxServer) -> None:
    proxy = await _started(sandbox)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        writer.write(b"CONNECT shop.example:443 HTTP/1.1\r\nHost: shop.example:443\r\n\r\n")
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
        writer.write(b"GET /proxies/ip HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
        reply = await reader.read()
        writer.close()
        await writer.wait_closed()
        assert reply.startswith(b"HTTP/1.1 200") and b'"ip":"127.0.0.1"' in reply
        assert proxy.counters.tunnels == 1
    finally:
        await proxy.stop()


async def test_wrong_credentials_get_407(sandbox: SandboxServer) -> None:
    proxy = await _started(sandbox, username="alice", password="s3cret")
    try:
        async with httpx.AsyncClient(proxy=f"http://alice:wrong@127.0.0.1:{proxy.port}") as client:
            assert (await client.get("http://shop.example/proxies/ip")).status_code == 407
        async with httpx.AsyncClient(proxy=proxy.url) as client:
            assert (await client.get("http://shop.example/proxies/ip")).status_code == 200
        assert proxy.counters.auth_failures == 1 and proxy.counters.requests == 1
    finally:
        await proxy.stop()


async def test_proxy_dies_after_n_requests_and_then_refuses(sandbox: SandboxServer) -> None:
    proxy = await _started(sandbox, die_after=2)
    try:
        async with httpx.AsyncClient(proxy=proxy.url) as client:
            for _ in range(2):
                assert (await client.get("http://shop.example/proxies/ip")).status_code == 200
            with pytest.raises(httpx.TransportError):
                await client.get("http://shop.example/proxies/ip")
        assert proxy.dead
        with pytest.raises(OSError):
            await asyncio.open_connection("127.0.0.1", proxy.port)
    finally:
        await proxy.stop()


async def test_failure_rate_resets_connections(sandbox: SandboxServer) -> None:
    proxy = await _started(sandbox, failure_rate=1.0, failure_mode="reset")
    try:
        async with httpx.AsyncClient(proxy=proxy.url) as client:
            with pytest.raises(httpx.TransportError):
                await client.get("http://shop.example/proxies/ip")
        assert proxy.counters.injected_failures == 1
    finally:
        await proxy.stop()


async def test_sandbox_starts_a_fleet_and_burned_exits_get_captchas(sandbox: SandboxServer) -> None:
    fleet = fleet_of(sandbox.context)
    assert len(fleet) == 3  # two HTTP proxies and one SOCKS5 proxy
    fleet.burn("proxy-2")
    async with httpx.AsyncClient() as client:
        listing = (await client.get(sandbox.url + "/proxies/")).json()
        assert [p["name"] for p in listing["proxies"]] == ["proxy-1", "proxy-2", "socks-1"]
        assert listing["proxies"][2]["url"].startswith("socks5h://")
        clean = await client.get(sandbox.url + "/proxies/shop/item", headers={})
        burned = await client.get(sandbox.url + "/proxies/shop/item", headers={CAPTCHA_HEADER: "1"})
    assert "productTitle" in clean.text
    assert "Enter the characters you see below" in burned.text
