"""The browser client's pure parts: request options, the visitor a context wears, error mapping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from shelfscope.errors import ConfigError, InvalidInput, ParseError, Timeout, UpstreamUnavailable
from shelfscope.fetch import IDENTITIES, Device, FetchSession, Proxy, ProxyFailed, Request
from shelfscope.fetch.clients._browser_errors import translate_browser_error
from shelfscope.fetch.clients._browser_identity import context_options, languages_script
from shelfscope.fetch.clients.browser import BROWSER_IDENTITIES
from shelfscope.fetch.clients.browser_options import BrowserOptions, Capture, ResourceKind, options_for
from shelfscope.fetch.failures import ConnectionFailed

DEFAULT = frozenset({ResourceKind.IMAGE, ResourceKind.FONT})


def _session(identity_id: str, *, proxy: Proxy | None = None) -> FetchSession:
    identity = next(identity for identity in IDENTITIES if identity.id == identity_id)
    session = FetchSession(
        id="s-1",
        key="amazon/DE",
        identity=identity,
        accept_language="de-DE,de;q=0.9,en;q=0.8",
        created_at=datetime(2026, 11, 22, tzinfo=UTC),
    )
    session.bind_proxy(proxy)
    return session


def test_a_request_without_options_gets_the_clients_blocking_profile() -> None:
    options = options_for(Request(url="https://shopee.sg/search?keyword=x"), default_block=DEFAULT)
    assert options.block == DEFAULT
    assert options.capture == ()


def test_request_options_keep_their_own_profile_or_take_the_default() -> None:
    own = BrowserOptions(block=frozenset({ResourceKind.STYLESHEET}), capture=(r"/api/v4/search",))
    request = Request(url="https://shopee.sg/search", meta={"browser": own})
    assert options_for(request, default_block=DEFAULT) is own
    unset = BrowserOptions(capture=(r"/api/v4/search",), rendered=True)
    filled = options_for(
        Request(url="https://shopee.sg/search", meta={"browser": unset}), default_block=DEFAULT
    )
    assert (filled.block, filled.capture, filled.rendered) == (DEFAULT, (r"/api/v4/search",), True)
    assert filled.captures("https://shopee.sg/api/v4/search/search_items?keyword=x")
    assert not filled.captures("https://shopee.sg/api/v4/item/get")


def test_malformed_options_are_refused() -> None:
    with pytest.raises(InvalidInput):
        BrowserOptions(capture=("(unclosed",))
    with pytest.raises(InvalidInput):
        options_for(
            Request(url="https://x.example/", meta={"browser": {"capture": "x"}}), default_block=DEFAULT
        )


def test_a_capture_reads_its_json_or_says_it_is_not() -> None:
    capture = Capture(
        url="https://x.example/api",
        status=200,
        headers=(("content-type", "application/json; charset=utf-8"),),
        body=b'{"items": [1]}',
    )
    assert capture.content_type == "application/json"
    assert capture.json() == {"items": [1]}
    with pytest.raises(ParseError):
        Capture(url="https://x.example/api", status=200, headers=(), body=b"<html>").json()


def test_only_chromium_identities_can_be_worn_by_the_browser() -> None:
    assert {identity.family for identity in BROWSER_IDENTITIES} <= {"chrome", "edge"}
    assert any(identity.device is Device.MOBILE for identity in BROWSER_IDENTITIES)
    with pytest.raises(ConfigError, match="firefox147-windows"):
        context_options(_session("firefox147-windows"))


def test_a_mobile_session_gets_a_mobile_context_with_its_hints_language_and_proxy() -> None:
    proxy = Proxy(id="p1", url="http://user%40x:s3cret@10.0.0.1:8080")
    options = context_options(_session("chrome131-android", proxy=proxy))
    identity = next(identity for identity in IDENTITIES if identity.id == "chrome131-android")
    assert options["user_agent"] == identity.user_agent
    assert options["is_mobile"] is True
    assert options["viewport"]["width"] < 500
    assert options["extra_http_headers"]["accept-language"] == "de-DE,de;q=0.9,en;q=0.8"
    assert options["extra_http_headers"]["sec-ch-ua-mobile"] == "?1"
    assert options["extra_http_headers"]["sec-ch-ua"] == identity.sec_ch_ua
    assert options["proxy"] == {"server": "http://10.0.0.1:8080", "username": "user@x", "password": "s3cret"}


def test_a_direct_desktop_session_has_no_proxy() -> None:
    options = context_options(_session("chrome146-windows"))
    assert options["proxy"] is None
    assert options["is_mobile"] is False


def test_navigator_languages_follow_accept_language() -> None:
    script = languages_script("de-DE,de;q=0.9,en;q=0.8")
    assert '["de-DE", "de", "en"]' in script


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("net::ERR_PROXY_CONNECTION_FAILED at http://shop.example/", ProxyFailed),
        ("net::ERR_CONNECTION_REFUSED at http://shop.example/", ConnectionFailed),
        ("net::ERR_TIMED_OUT at http://shop.example/", Timeout),
        ("Target page, context or browser has been closed", UpstreamUnavailable),
    ],
)
def test_chromium_failures_map_onto_the_error_tree(message: str, expected: type[Exception]) -> None:
    error = translate_browser_error(PlaywrightError(message), url="http://shop.example/")
    assert type(error) is expected
    assert "http://shop.example/" in str(error)


def test_a_playwright_timeout_is_a_timeout() -> None:
    error = translate_browser_error(
        PlaywrightTimeoutError("Timeout 30000ms exceeded"), url="http://x.example/"
    )
    assert isinstance(error, Timeout)
