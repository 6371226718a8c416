"""The browser path on request or by setting: routing, Chromium identities, and the start-up check."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import ConfigError, InvalidInput
from shelfscope.fetch import FakeClient, FetchEngine, Reply, Request, Site
from shelfscope.fetch.client_choice import ClientChoice, RoutingClient
from shelfscope.fetch.clients.browser_options import BrowserOptions
from shelfscope.fetch.identities import IDENTITIES
from shelfscope.fetch.models import ClientKind
from shelfscope.settings import BrowserSettings, Settings, load_settings

CHROMIUM_IDS = {identity.id for identity in IDENTITIES if identity.is_chromium}
SHOPEE = "https://shopee.sg/search?keyword=mug"
AMAZON = "https://www.amazon.de/s?k=tasse"


async def _no_sleep(_seconds: float) -> None:
    return None


def _settings(tmp_path: Path, **browser: object) -> Settings:
    """Settings with ``browser`` changed as-is (model_copy skips validation, as a caller's copy does)."""
    settings = Settings(data_dir=tmp_path, dev=True)
    fetch = settings.fetch.model_copy(
        update={
            "allow_direct": True,
            "delays_enabled": False,
            "browser": settings.fetch.browser.model_copy(update=browser),
        }
    )
    return settings.model_copy(update={"fetch": fetch})


def test_settings_force_sites_and_profiles_over_what_the_request_asks() -> None:
    choice = ClientChoice.from_settings(BrowserSettings(sites=["shopee"], profiles=["rendered"]))
    assert (
        choice.client_for(Request(url=SHOPEE, site=Site.SHOPEE, client=ClientKind.HTTP)) is ClientKind.BROWSER
    )
    assert choice.client_for(Request(url=AMAZON, site=Site.AMAZON, profile="rendered")) is ClientKind.BROWSER
    assert choice.client_for(Request(url=AMAZON, site=Site.AMAZON)) is ClientKind.HTTP
    posted = Request(url=SHOPEE, site=Site.SHOPEE, method="POST", body=b"{}")
    assert choice.client_for(posted) is ClientKind.HTTP, "the browser only navigates"


def test_a_request_asks_for_the_browser_by_client_or_by_browser_options() -> None:
    choice = ClientChoice()
    assert not choice.forces_browser
    assert choice.client_for(Request(url=AMAZON, client="browser")) is ClientKind.BROWSER  # type: ignore[arg-type]
    assert (
        choice.client_for(Request(url=AMAZON, meta={"browser": BrowserOptions(capture=("api",))})).value
        == "browser"
    )
    assert choice.client_for(Request(url=AMAZON)) is ClientKind.HTTP
    with pytest.raises(InvalidInput, match="GET requests only"):
        Request(url=AMAZON, method="POST", client=ClientKind.BROWSER)
    with pytest.raises(InvalidInput, match="'http' or 'browser'"):
        Request(url=AMAZON, client="firefox")  # type: ignore[arg-type]


def test_settings_refuse_unknown_sites_and_a_forced_browser_without_chromium(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"fetch\.browser\.sites"):
        load_settings(data_dir=tmp_path, dev=True, fetch={"browser": {"sites": ["ebay"]}})
    missing = str(tmp_path / "no-chromium")
    with pytest.raises(ConfigError, match=r"browser mode is on .* Chromium is not at"):
        load_settings(
            data_dir=tmp_path, dev=True, fetch={"browser": {"sites": ["tiktok"], "chromium_path": missing}}
        )
    quiet = load_settings(data_dir=tmp_path, dev=True, fetch={"browser": {"chromium_path": missing}})
    assert quiet.fetch.browser.sites == [], "nothing forced: Chromium is only needed on demand"
    with pytest.raises(ConfigError, match="unknown sites \\['ebay'\\]"):
        ClientChoice.from_settings(BrowserSettings().model_copy(update={"sites": ["ebay"]}))


def test_engine_routes_browser_requests_to_chromium_identities_in_their_own_sessions(tmp_path: Path) -> None:
    http = FakeClient(fallback=Reply(body=b"<html>ok</html>"))
    browser = FakeClient(fallback=Reply(body=b"<html>rendered</html>"))
    settings = _settings(tmp_path, sites=["shopee"])
    routing = RoutingClient(
        http=http, browser=browser, choice=ClientChoice.from_settings(settings.fetch.browser)
    )
    # Mostly Firefox and Safari: a browser session wearing one of them would be easy to spot.
    mixed = [*(i for i in IDENTITIES if not i.is_chromium), next(i for i in IDENTITIES if i.is_chromium)]
    engine = FetchEngine.from_settings(
        settings, client=routing, clock=FakeClock(), sleep=_no_sleep, rng=random.Random(7), identities=mixed
    )

    async def fetch_all() -> None:
        for _ in range(12):
            await engine.fetch(Request(url=SHOPEE, site=Site.SHOPEE))
            await engine.fetch(Request(url=AMAZON, site=Site.AMAZON, marketplace="DE"))
            await engine.fetch(Request(url="https://example.com/", client=ClientKind.BROWSER))
        await engine.aclose()

    asyncio.run(fetch_all())
    assert {sent.request.host for sent in browser.sent} == {"shopee.sg", "example.com"}
    assert {sent.request.host for sent in http.sent} == {"www.amazon.de"}
    assert {sent.identity_id for sent in browser.sent} <= CHROMIUM_IDS
    assert {sent.identity_id for sent in http.sent} - CHROMIUM_IDS, "HTTP sessions wear any identity"
    assert not {s.session_id for s in browser.sent} & {s.session_id for s in http.sent}
    assert http.closed and browser.closed


def test_a_forced_browser_without_chromium_fails_when_the_engine_starts(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-chromium")
    with pytest.raises(ConfigError, match="browser mode needs Chromium"):
        FetchEngine.from_settings(_settings(tmp_path, sites=["tiktok"], chromium_path=missing))
    with pytest.raises(ConfigError, match="browser mode needs Chromium"):
        FetchEngine.from_settings(_settings(tmp_path, chromium_path=missing), browser=True)


def test_without_forcing_chromium_is_only_needed_by_the_first_browser_request(tmp_path: Path) -> None:
    settings = _settings(tmp_path, chromium_path=str(tmp_path / "no-chromium"))
    engine = FetchEngine.from_settings(settings, sleep=_no_sleep)  # starts: nothing needs Chromium yet

    async def browse() -> None:
        try:
            await engine.fetch(Request(url="http://127.0.0.1:9/", client=ClientKind.BROWSER))
        finally:
            await engine.aclose()

    with pytest.raises(ConfigError, match="browser mode needs Chromium"):
        asyncio.run(browse())
