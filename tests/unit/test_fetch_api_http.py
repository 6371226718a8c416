"""ApiHttp: the official-API client turns transport failures into the shelfscope tree, once."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from shelfscope.errors import InvalidInput, Timeout, UpstreamUnavailable
from shelfscope.fetch import ApiHttp, InvalidApiUrl

Handler = Callable[[httpx.Request], httpx.Response]


def _http(handler: Handler) -> ApiHttp:
    return ApiHttp(timeout=5.0, transport=httpx.MockTransport(handler))


def _raise(error: type[httpx.TransportError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("boom", request=request)

    return handler


@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_timeouts_become_timeout_with_the_callers_message(error: type[httpx.TransportError]) -> None:
    with _http(_raise(error)) as http, pytest.raises(Timeout, match=r"^the API did not answer in time$"):
        http.request("GET", "https://api.example/x", timeout_message="the API did not answer in time")


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError])
def test_transport_failures_become_upstream_unavailable_naming_the_failure(
    error: type[httpx.TransportError],
) -> None:
    with _http(_raise(error)) as http, pytest.raises(UpstreamUnavailable) as caught:
        http.request("GET", "https://api.example/x", unreachable_message="the API is unreachable")
    assert caught.value.message == f"the API is unreachable: {error.__name__}"
    assert not isinstance(caught.value, Timeout)


def test_default_messages_name_the_host() -> None:
    with _http(_raise(httpx.ConnectTimeout)) as http, pytest.raises(Timeout, match=r"api\.example"):
        http.request("GET", "https://api.example/x")
    with _http(_raise(httpx.ConnectError)) as http, pytest.raises(UpstreamUnavailable) as caught:
        http.request("GET", "https://api.example/x")
    assert caught.value.message == "api.example is unreachable: ConnectError"


def test_a_malformed_url_is_invalid_input() -> None:
    with _http(lambda request: httpx.Response(200)) as http, pytest.raises(InvalidApiUrl) as caught:
        http.request("GET", "http://[::1/x")
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.field == "url"


def test_redirects_are_returned_not_followed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://127.0.0.1/internal"})

    with _http(handler) as http:
        response = http.request("POST", "https://hooks.example/in", content=b"{}")
    assert response.status_code == 302
    assert response.headers["location"] == "http://127.0.0.1/internal"
    assert seen == ["https://hooks.example/in"]


def test_responses_carry_status_case_insensitive_headers_and_body() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["a"] == "1"
        assert request.headers["x-token"] == "t"
        return httpx.Response(
            429, json={"ok": "é"}, headers={"Retry-After": "7", "x-amzn-RateLimit-Limit": "0.5"}
        )

    with _http(handler) as http:
        response = http.request("GET", "https://api.example/x", params={"a": 1}, headers={"X-Token": "t"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.headers.get("X-AMZN-RATELIMIT-LIMIT") == "0.5"
    assert response.json() == {"ok": "é"}
    assert "é" in response.text


def test_form_data_is_sent_urlencoded() -> None:
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200)

    with _http(handler) as http:
        http.request("POST", "https://api.example/token", data={"grant_type": "refresh_token", "x": "a b"})
    assert bodies == [b"grant_type=refresh_token&x=a+b"]


def test_a_stream_yields_chunks_and_translates_failures_while_reading() -> None:
    with (
        _http(
            lambda request: httpx.Response(200, content=b"a\tb\n", headers={"content-type": "text/plain"})
        ) as http,
        http.stream("GET", "https://s3.example/doc") as response,
    ):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/plain"
        assert b"".join(response.iter_bytes()) == b"a\tb\n"

    class _Broken(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"a"
            raise httpx.ReadError("reset")

    with (
        _http(lambda request: httpx.Response(200, stream=_Broken())) as http,
        pytest.raises(UpstreamUnavailable, match=r"^download failed: ReadError$"),
        http.stream("GET", "https://s3.example/doc", unreachable_message="download failed") as broken,
    ):
        b"".join(broken.iter_bytes())
