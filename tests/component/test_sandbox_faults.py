"""Fault endpoints on a real server: each behaves as the index page documents it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.faults import filler


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(app=create_sandbox_app()) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    # verify=False: plain http, and it spares loading the CA bundle for every client.
    with httpx.Client(base_url=server.url, timeout=5, verify=False) as http:
        yield http


@pytest.mark.parametrize("code", [429, 503])
def test_status_fault_sends_retry_after(client: httpx.Client, code: int) -> None:
    response = client.get(f"/_faults/status/{code}", params={"retry_after": 7})
    assert response.status_code == code
    assert response.headers["retry-after"] == "7"
    assert response.json() == {"fault": "status", "status": code}


def test_status_fault_answers_any_method_and_bodyless_codes(client: httpx.Client) -> None:
    assert client.post("/_faults/status/500", json={"x": 1}).status_code == 500
    no_content = client.delete("/_faults/status/204")
    assert (no_content.status_code, no_content.content) == (204, b"")
    plain = client.get("/_faults/status/429")
    assert plain.status_code == 429
    assert "retry-after" not in plain.headers


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/_faults/status/99", "code must be an HTTP status between 200 and 599, got 99"),
        ("/_faults/status/700", "code must be an HTTP status between 200 and 599, got 700"),
        ("/_faults/status/200?retry_after=5", "retry_after is only sent with status 429 or 503"),
        ("/_faults/status/429?retry_after=soon", "retry_after must be a whole number, got 'soon'"),
        ("/_faults/delay?seconds=3600", "seconds must be between 0 and 60, got 3600"),
        ("/_faults/delay?seconds=-1", "seconds must be between 0 and 60, got -1"),
        ("/_faults/slow-body?bytes=0", "bytes must be between 1 and 16777216, got 0"),
        (
            "/_faults/slow-body?bytes=1000&chunk=1&interval=1",
            "1000 writes 1 s apart exceed 60 s; use bigger chunks",
        ),
        ("/_faults/truncated?bytes=1", "bytes must be between 2 and 16777216, got 1"),
    ],
)
def test_bad_fault_parameters_are_a_clear_422(client: httpx.Client, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    assert response.json() == {"error": "invalid_input", "message": message}


def test_delay_fault_waits_before_answering(client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.get("/_faults/delay", params={"seconds": 0.3})
    assert time.monotonic() - started >= 0.3
    assert response.json() == {"fault": "delay", "seconds": 0.3}


def test_delay_fault_trips_a_client_read_timeout(client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.get("/_faults/delay?seconds=0.8", timeout=0.2)


def _raw_request(server: SandboxServer, path: str) -> bytes:
    """Send a request on a plain socket and read until the server closes it."""
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def test_drop_fault_closes_without_a_response(server: SandboxServer, client: httpx.Client) -> None:
    assert _raw_request(server, "/_faults/drop") == b""
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        client.get("/_faults/drop")


def test_reset_fault_resets_the_connection(server: SandboxServer, client: httpx.Client) -> None:
    with pytest.raises(ConnectionResetError):
        _raw_request(server, "/_faults/reset")
    # A client still sending a body may see the reset on write and report a plain disconnect instead.
    with pytest.raises(httpx.ReadError, match="reset by peer"):
        client.get("/_faults/reset")


def test_truncated_fault_cuts_the_body_short(client: httpx.Client) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match=r"received 500 bytes, expected 1000"):
        client.get("/_faults/truncated?bytes=1000")


def test_server_keeps_serving_after_connection_faults(client: httpx.Client) -> None:
    for path in ("/_faults/drop", "/_faults/reset", "/_faults/truncated"):
        with pytest.raises(httpx.TransportError):
            client.get(path)
    assert client.get("/_health").json()["status"] == "ok"


def test_slow_body_arrives_in_chunks_over_time(client: httpx.Client) -> None:
    arrivals: list[tuple[float, int]] = []
    url = "/_faults/slow-body?bytes=400&chunk=100&interval=0.08"
    with client.stream("GET", url) as response:
        assert response.status_code == 200
        assert response.headers["content-length"] == "400"
        body = b""
        for chunk in response.iter_raw():
            arrivals.append((time.monotonic(), len(chunk)))
            body += chunk
    assert body == filler(400)
    assert len(arrivals) == 4
    assert [size for _, size in arrivals] == [100, 100, 100, 100]
    assert arrivals[-1][0] - arrivals[0][0] >= 0.2


def test_slow_body_trips_a_client_read_timeout(client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadTimeout):
        client.get("/_faults/slow-body?bytes=20&chunk=10&interval=0.8", timeout=0.3)


async def test_connection_faults_need_the_sandbox_server() -> None:
    transport = httpx.ASGITransport(app=create_sandbox_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox", verify=False) as plain:
        for path in ("/_faults/drop", "/_faults/reset", "/_faults/truncated"):
            response = await plain.get(path)
            assert response.status_code == 501, path
            assert response.json()["error"] == "unsupported"
