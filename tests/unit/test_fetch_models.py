"""Request and Response values: validation at construction, decoding helpers."""

from __future__ import annotations

import pytest

from shelfscope.errors import InvalidInput, ParseError
from shelfscope.fetch import Mode, Request, Response, Site, Timeouts


def test_request_normalises_method_and_header_names() -> None:
    request = Request(url="https://www.amazon.de/s?k=usb", method="post", headers=[("X-Api-Source", "pc")])
    assert request.method == "POST"
    assert request.headers == (("x-api-source", "pc"),)
    assert request.host == "www.amazon.de"
    assert request.path == "/s"
    assert request.header("X-API-SOURCE") == "pc"


@pytest.mark.parametrize("name", ["User-Agent", "cookie", "sec-ch-ua", "Accept-Language", "sec-fetch-site"])
def test_request_refuses_headers_the_identity_writes(name: str) -> None:
    with pytest.raises(InvalidInput, match="written by the fetch engine"):
        Request(url="https://www.amazon.com/", headers=[(name, "x")])


@pytest.mark.parametrize("url", ["ftp://example.com/", "example.com/path", "https:///nohost", ""])
def test_request_refuses_urls_without_http_scheme_and_host(url: str) -> None:
    with pytest.raises(InvalidInput, match="http"):
        Request(url=url)


def test_request_coerces_site_and_mode_strings() -> None:
    request = Request(url="https://shopee.vn/api/v4/x", site="shopee", mode="fetch")  # type: ignore[arg-type]
    assert request.site is Site.SHOPEE
    assert request.mode is Mode.FETCH


def test_request_refuses_an_unknown_amazon_marketplace() -> None:
    with pytest.raises(InvalidInput, match="unknown Amazon marketplace 'XX'"):
        Request(url="https://www.amazon.com/s?k=x", site=Site.AMAZON, marketplace="XX")
    Request(url="https://shopee.vn/api/v4/x", site=Site.SHOPEE, marketplace="VN")


def test_request_refuses_a_non_positive_body_limit() -> None:
    with pytest.raises(InvalidInput, match="max_body_bytes"):
        Request(url="https://example.com/", max_body_bytes=0)


def test_timeouts_must_be_positive_and_connect_within_total() -> None:
    with pytest.raises(InvalidInput):
        Timeouts(connect=0, read=1, total=1)
    with pytest.raises(InvalidInput, match="connect timeout"):
        Timeouts(connect=5, read=1, total=2)


def _response(body: bytes, content_type: str) -> Response:
    return Response(
        url="https://example.com/", status=200, headers=(("content-type", content_type),), body=body
    )


def test_response_text_uses_the_declared_charset() -> None:
    body = "Gemüsebeutel".encode("latin-1")
    assert _response(body, "text/html; charset=ISO-8859-1").text() == "Gemüsebeutel"
    assert _response("Gemüse".encode(), "text/html").text() == "Gemüse"
    assert _response(b"ok", "text/html; charset=no-such-codec").text() == "ok"


def test_response_json_failure_is_a_parse_error() -> None:
    assert _response(b'{"error": 0}', "application/json").json() == {"error": 0}
    with pytest.raises(ParseError, match="did not answer with JSON"):
        _response(b"<html>", "text/html").json()


def test_response_headers_are_looked_up_case_insensitively() -> None:
    response = Response(
        url="https://example.com/",
        status=200,
        headers=(("set-cookie", "a=1"), ("set-cookie", "b=2"), ("content-type", "Text/HTML; charset=UTF-8")),
        body=b"",
    )
    assert response.header("Set-Cookie") == "a=1"
    assert response.header_list("set-cookie") == ["a=1", "b=2"]
    assert response.content_type == "text/html"
    assert response.header("retry-after") is None
