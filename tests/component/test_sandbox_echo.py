"""The echo simulator shows exactly what a client sent."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.echo import MAX_ECHO_BYTES


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with (
        SandboxServer(app=create_sandbox_app()) as server,
        httpx.Client(base_url=server.url, timeout=5, verify=False) as http,
    ):
        yield http


def test_echo_shows_headers_in_the_order_sent(client: httpx.Client) -> None:
    headers = [
        ("sec-ch-ua", '"Chromium";v="131"'),
        ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"),
        ("accept-language", "de-DE,de;q=0.9"),
        ("cookie", "session-id=1"),
        ("x-repeat", "a"),
        ("x-repeat", "b"),
    ]
    response = client.get("/echo/s", params={"k": "usb c"}, headers=headers)
    echoed = response.json()
    sent = [pair for pair in echoed["headers"] if pair[0] in {name for name, _ in headers}]
    assert sent == [list(pair) for pair in headers]
    assert echoed["method"] == "GET"
    assert echoed["path"] == "/echo/s"
    assert echoed["query"] == "k=usb+c"
    assert echoed["http_version"] == "1.1"
    assert echoed["client"].startswith("127.0.0.1:")
    assert echoed["body_bytes"] == 0


def test_echo_returns_the_body_of_any_method(client: httpx.Client) -> None:
    payload = b'{"grant_type": "refresh_token"}\xff'
    response = client.put("/echo/auth/o2/token", content=payload)
    echoed = response.json()
    assert echoed["method"] == "PUT"
    assert base64.b64decode(echoed["body_base64"]) == payload
    assert echoed["body"] == '{"grant_type": "refresh_token"}\ufffd'
    assert echoed["body_bytes"] == len(payload)
    assert ["content-length", str(len(payload))] in echoed["headers"]


def test_echo_refuses_oversized_bodies(client: httpx.Client) -> None:
    response = client.post("/echo/", content=b"x" * (MAX_ECHO_BYTES + 1))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
