"""A real forward proxy on loopback (HTTP or SOCKS5), with the faults real proxy fleets have.

Scrapers meet proxies that ask for credentials (407), answer slowly, drop or reset connections,
and die for good in the middle of a batch. :class:`ForwardProxy` reproduces each of those on
127.0.0.1 so the fetch engine's proxy handling is tested over real sockets:

* plain HTTP: an absolute-URI request (``GET http://host/path HTTP/1.1``) is forwarded in
  origin form, one request per connection (``Connection: close`` both ways);
* HTTPS: ``CONNECT host:port`` opens a byte tunnel (one counted request per tunnel);
* SOCKS5 (``protocol="socks5"``, :mod:`.socks`): RFC 1928 ``CONNECT`` to an IPv4, IPv6 or
  domain-name destination (``socks5h://`` clients send the name), with RFC 1929
  username/password auth when credentials are set; one counted request per tunnel.

``upstream`` sends every request to one address whatever host it names (the sandbox), which is
how ``www.amazon.com`` through the proxy reaches the simulator. ``extra_headers`` are added to
forwarded plain requests, so a simulator can tell which proxy a request came through (tunnels
carry bytes they cannot change). ``destinations`` keeps the latest targets as clients named them.
Behaviour is plain attributes (:class:`ProxyBehaviour`), changeable while running from any thread.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import random
import socket
import struct
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from shelfscope.sandbox.proxies.socks import serve_socks5

__all__ = ["ForwardProxy", "ProxyBehaviour", "ProxyCounters"]

_MAX_HEAD = 64 * 1024
_HOP_HEADERS = {"proxy-authorization", "proxy-connection", "connection", "keep-alive"}
_PROTOCOLS = {"http": "http", "socks5": "socks5h"}  # protocol -> the URL scheme clients use


@dataclass(kw_only=True)
class ProxyBehaviour:
    """What the proxy does. ``failure_rate`` in [0, 1] fails that share of requests with
    ``failure_mode`` (``refuse``: close without an answer, ``reset``: TCP RST). After
    ``die_after`` requests the proxy stops listening, so new connections are refused."""

    username: str | None = None
    password: str | None = None
    latency: float = 0.0
    failure_rate: float = 0.0
    failure_mode: str = "refuse"
    die_after: int | None = None
    exit_country: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class ProxyCounters:
    requests: int = 0
    tunnels: int = 0
    bytes_in: int = 0  # from clients
    bytes_out: int = 0  # to clients
    auth_failures: int = 0
    injected_failures: int = 0


class ForwardProxy:
    """One proxy; ``await start()`` binds a free port on 127.0.0.1, ``await stop()`` closes it.

    ``protocol`` is ``http`` (forwarding and CONNECT) or ``socks5``.
    """

    def __init__(
        self,
        *,
        name: str,
        behaviour: ProxyBehaviour | None = None,
        upstream: tuple[str, int] | None = None,
        seed: int = 0,
        protocol: str = "http",
    ) -> None:
        if protocol not in _PROTOCOLS:
            raise ValueError(f"proxy protocol must be one of {sorted(_PROTOCOLS)}, not {protocol!r}")
        self.name = name
        self.protocol = protocol
        self.behaviour = behaviour or ProxyBehaviour()
        self.upstream = upstream
        self.counters = ProxyCounters()
        self.destinations: deque[str] = deque(maxlen=1000)
        self.dead = False
        self._rng = random.Random(seed)  # noqa: S311 - fault injection, not security
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """``http://[user:pass@]127.0.0.1:port``, or ``socks5h://…`` for a SOCKS5 proxy."""
        return self.url_for(_PROTOCOLS[self.protocol])

    def url_for(self, scheme: str) -> str:
        """The proxy URL with ``scheme`` (``socks5`` or ``socks5h`` for a SOCKS5 proxy)."""
        b = self.behaviour
        auth = f"{b.username}:{b.password}@" if b.username is not None else ""
        return f"{scheme}://{auth}127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.dead = False

    async def stop(self) -> None:
        self._close_listener()
        for writer in list(self._writers):
            writer.close()
        await self._finish_handlers()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
            self._server = None

    def kill(self) -> None:
        """Die now: stop listening and drop open connections (thread-safe when called in its loop)."""
        self.dead = True
        self._close_listener()
        for writer in list(self._writers):
            _reset(writer)

    async def _finish_handlers(self) -> None:
        """Let open connections end, then cancel what is left (a tunnel whose far end stays
        open), so no handler outlives the proxy."""
        handlers = list(self._handlers)
        if not handlers:
            return
        _done, pending = await asyncio.wait(handlers, timeout=1.0)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _close_listener(self) -> None:
        if self._server is not None:
            self._server.close()

    def summary(self) -> dict[str, object]:
        c, b = self.counters, self.behaviour
        return {
            "name": self.name,
            "protocol": self.protocol,
            "url": f"{_PROTOCOLS[self.protocol]}://127.0.0.1:{self.port}",
            "auth": b.username is not None,
            "dead": self.dead,
            "requests": c.requests,
            "tunnels": c.tunnels,
            "bytes_in": c.bytes_in,
            "bytes_out": c.bytes_out,
            "latency": b.latency,
            "failure_rate": b.failure_rate,
            "die_after": b.die_after,
        }

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        try:
            await self._serve_one(reader, writer)
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            OSError,
            RuntimeError,
        ):
            pass  # the client went away, or the proxy was killed under it (uvloop: RuntimeError)
        finally:
            self._writers.discard(writer)
            await _close(writer)

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.dead:
            _reset(writer)
            return
        if self.protocol == "socks5":
            await serve_socks5(self, reader, writer)
            return
        head = await reader.readuntil(b"\r\n\r\n")
        self.counters.bytes_in += len(head)
        method, target, headers = _parse_head(head)
        if not self._authorised(headers):
            self.counters.auth_failures += 1
            await self.send(writer, _status(407, "Proxy Authentication Required", proxy_auth=True))
            return
        self.destinations.append(target)
        if not await self.admit(writer):
            return
        if method == "CONNECT":
            await self._tunnel(target, reader, writer)
        else:
            await self._forward(method, target, headers, reader, writer)

    async def admit(self, writer: asyncio.StreamWriter) -> bool:
        """Count one authorised request and apply the faults: dies after N, latency, failure
        rate. False: the request was failed here (connection killed, closed or reset)."""
        self.counters.requests += 1
        b = self.behaviour
        if b.die_after is not None and self.counters.requests > b.die_after:
            self.kill()
            return False
        if b.latency > 0:
            await asyncio.sleep(b.latency)
        if b.failure_rate > 0 and self._rng.random() < b.failure_rate:
            self.counters.injected_failures += 1
            if b.failure_mode == "reset":
                _reset(writer)
            return False
        return True

    def credentials_match(self, username: str, password: str) -> bool:
        """Whether ``username``/``password`` are this proxy's (always True without auth)."""
        b = self.behaviour
        return b.username is None or (username == b.username and password == (b.password or ""))

    def _authorised(self, headers: list[tuple[str, str]]) -> bool:
        b = self.behaviour
        if b.username is None:
            return True
        expected = base64.b64encode(f"{b.username}:{b.password or ''}".encode()).decode()
        given = next((v for k, v in headers if k.lower() == "proxy-authorization"), "")
        return given.strip() == f"Basic {expected}"

    def address(self, host: str, port: int) -> tuple[str, int]:
        """Where a request for ``host:port`` really goes: the upstream when one is set."""
        return self.upstream if self.upstream is not None else (host, port)

    async def _tunnel(self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, _, port = target.rpartition(":")
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.address(host.strip("[]"), int(port)))
        except (OSError, ValueError):
            await self.send(writer, _status(502, "Bad Gateway"))
            return
        self.counters.tunnels += 1
        await self.send(writer, b"HTTP/1.1 200 Connection established\r\n\r\n")
        try:
            await asyncio.gather(
                self.relay(reader, up_writer, inbound=True), self.relay(up_reader, writer, inbound=False)
            )
        finally:
            await _close(up_writer)

    async def _forward(
        self,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        parts = urlsplit(target)
        if parts.scheme != "http" or not parts.hostname:
            await self.send(writer, _status(400, "Bad Request"))
            return
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0") or 0)
        body = await reader.readexactly(length) if length else b""
        self.counters.bytes_in += len(body)
        try:
            up_reader, up_writer = await asyncio.open_connection(
                *self.address(parts.hostname, parts.port or 80)
            )
        except OSError:
            await self.send(writer, _status(502, "Bad Gateway"))
            return
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        lines = [f"{method} {path} HTTP/1.1"]
        lines += [f"{k}: {v}" for k, v in headers if k.lower() not in _HOP_HEADERS]
        lines += [f"{k}: {v}" for k, v in self.behaviour.extra_headers.items()]
        if self.behaviour.exit_country:
            lines.append(f"x-sandbox-exit-country: {self.behaviour.exit_country}")
        lines.append("connection: close")
        try:
            up_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await up_writer.drain()
            await self.relay(up_reader, writer, inbound=False)
        finally:
            await _close(up_writer)

    async def relay(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, inbound: bool) -> None:
        """Copy ``source`` to ``sink`` until EOF, counting bytes (``inbound``: from the client)."""
        try:
            while chunk := await source.read(65536):
                if inbound:
                    self.counters.bytes_in += len(chunk)
                else:
                    self.counters.bytes_out += len(chunk)
                sink.write(chunk)
                await sink.drain()
        except (ConnectionError, OSError, RuntimeError):
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.write_eof()

    async def send(self, writer: asyncio.StreamWriter, payload: bytes) -> None:
        self.counters.bytes_out += len(payload)
        writer.write(payload)
        await writer.drain()


def _parse_head(head: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return method.upper(), target, headers


def _status(code: int, reason: str, *, proxy_auth: bool = False) -> bytes:
    extra = 'Proxy-Authenticate: Basic realm="sandbox"\r\n' if proxy_auth else ""
    return f"HTTP/1.1 {code} {reason}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n".encode()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashed or overloaded proxy does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.close()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
