"""The curl client speaks HTTP/2 over TLS, as the browsers it impersonates do, and decodes bodies.

A local hypercorn server (h2 and http/1.1 offered over ALPN) serves a tiny ASGI app on
127.0.0.1 with a certificate made at test time; the app records the HTTP version of every
request it sees, so the negotiation is proven from the server's side, not only from curl's.
The certificate is signed by a throwaway CA that curl does not trust, so the client runs with
verification off; a client that verifies refuses that certificate.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme
from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.types import Receive, Scope, Send

from shelfscope.clock import FakeClock
from shelfscope.fetch import ClockSleep, ConnectionFailed, FetchEngine, Request
from shelfscope.fetch.clients.curl import CurlClient
from shelfscope.settings import Settings

brotli = pytest.importorskip("brotli")

PAGE = b"<html><body>" + b"<p>shelfscope over h2</p>" * 500 + b"</body></html>"
ENCODERS = {"gzip": gzip.compress, "br": brotli.compress, "identity": lambda body: body}


@dataclass
class H2Server:
    """hypercorn in a thread of its own, with the HTTP versions its app has seen."""

    port: int = 0
    versions: list[str] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)  # the client port of each request
    _stop: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.versions.append(scope["http_version"])
        self.clients.append(scope["client"][1])
        encoding = scope["path"].strip("/") or "identity"
        body = ENCODERS[encoding](PAGE)
        headers = [(b"content-type", b"text/html"), (b"content-length", str(len(body)).encode())]
        if encoding != "identity":
            headers.append((b"content-encoding", encoding.encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def run(self, config: Config, ready: threading.Event) -> None:
        async def main() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            ready.set()
            await serve(self.app, config, shutdown_trigger=self._stop.wait)  # type: ignore[arg-type]

        asyncio.run(main())

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)


@pytest.fixture(scope="module")
def h2_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[H2Server]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    directory: Path = tmp_path_factory.mktemp("h2-tls")
    cert.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    listener = socket.create_server(("127.0.0.1", 0))
    server = H2Server(port=listener.getsockname()[1])
    config = Config()
    config.bind = [f"fd://{listener.detach()}"]  # hypercorn owns and closes the socket
    config.certfile, config.keyfile = str(directory / "cert.pem"), str(directory / "key.pem")
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = config.errorlog = None
    ready = threading.Event()
    thread = threading.Thread(target=server.run, args=(config, ready), daemon=True)
    thread.start()
    ready.wait(10)
    yield server
    server.stop()
    thread.join(10)


def _engine(settings: Settings, client: CurlClient) -> FetchEngine:
    clock = FakeClock()
    fetch = settings.fetch.model_copy(update={"delays_enabled": False, "sessions_per_key": 1})
    return FetchEngine.from_settings(
        settings.model_copy(update={"fetch": fetch}),
        client=client,
        clock=clock,
        sleep=ClockSleep(clock),
        rng=random.Random(2),
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[FetchEngine]:
    async with _engine(settings, CurlClient(verify=False)) as running:
        yield running


@pytest.mark.parametrize("encoding", ["gzip", "br", "identity"])
async def test_the_curl_client_negotiates_http2_and_decodes_the_body(
    h2_server: H2Server, engine: FetchEngine, encoding: str
) -> None:
    seen = len(h2_server.versions)
    response = await engine.fetch(Request(url=f"https://127.0.0.1:{h2_server.port}/{encoding}"))
    assert h2_server.versions[seen:] == ["2"]  # the server saw an HTTP/2 stream
    assert response.http_version == "2"
    assert response.status == 200 and response.body == PAGE
    if encoding == "identity":
        assert response.header("content-encoding") is None
        assert response.bytes_in > len(PAGE)
    else:
        assert response.header("content-encoding") == encoding
        assert 0 < response.bytes_in < len(PAGE) // 10  # compressed on the wire, decoded for us


async def test_one_connection_carries_a_session_s_requests(h2_server: H2Server, engine: FetchEngine) -> None:
    seen = len(h2_server.versions)
    url = f"https://127.0.0.1:{h2_server.port}/gzip"
    responses = [await engine.fetch(Request(url=url)) for _ in range(4)]
    assert {r.http_version for r in responses} == {"2"} and all(r.body == PAGE for r in responses)
    assert h2_server.versions[seen:] == ["2"] * 4
    assert len(set(h2_server.clients[seen:])) == 1  # kept alive: one TLS handshake for the session


async def test_a_verifying_client_refuses_the_untrusted_certificate(
    h2_server: H2Server, settings: Settings
) -> None:
    async with _engine(settings, CurlClient(verify=True)) as engine:
        with pytest.raises(ConnectionFailed, match="TLS certificate not trusted"):
            await engine.fetch(Request(url=f"https://127.0.0.1:{h2_server.port}/gzip"))
