"""The whole chain with a fake client: blocks, rotation, retries, Retry-After, statuses."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import Blocked, NotFound, RateLimited
from shelfscope.fetch import (
    REQUEST_STAGES,
    RESPONSE_STAGES,
    ClockSleep,
    FakeClient,
    FetchEngine,
    Proxy,
    Reply,
    Request,
    RequestFinished,
    ServerError,
    Site,
    Stage,
    StaticProxyPool,
)
from shelfscope.fetch.chain import onion_order
from shelfscope.settings import Settings

SERP_URL = "https://www.amazon.de/s?k=usb+hub"
SERP = b'<html><div data-component-type="s-search-result" data-asin="B0"></div></html>'
CAPTCHA = (
    b'<html><form method="get" action="/errors/validateCaptcha"><h4>Enter the characters you see below</h4>'
    b'<input id="captchacharacters" name="field-keywords"></form></html>'
)


@dataclass
class Rig:
    engine: FetchEngine
    client: FakeClient
    clock: FakeClock
    sleep: ClockSleep
    finished: list[RequestFinished]


def quiet(settings: Settings, **fetch: object) -> Settings:
    """``settings`` with delays off and the given fetch settings."""
    changes = {"delays_enabled": False, **fetch}
    return settings.model_copy(update={"fetch": settings.fetch.model_copy(update=changes)})


@pytest.fixture
async def rig(settings: Settings) -> AsyncIterator[Rig]:
    clock = FakeClock()
    sleep = ClockSleep(clock)
    client = FakeClient()
    configured = quiet(settings)
    engine = FetchEngine.from_settings(
        configured,
        client=client,
        clock=clock,
        sleep=sleep,
        rng=random.Random(11),
        proxies=StaticProxyPool(allow_direct=True),
    )
    finished: list[RequestFinished] = []
    engine.signals.connect(
        lambda event: finished.append(event) if isinstance(event, RequestFinished) else None
    )
    yield Rig(engine=engine, client=client, clock=clock, sleep=sleep, finished=finished)
    await engine.aclose()


def serp_request(**options: object) -> Request:
    return Request(
        url=SERP_URL, site=Site.AMAZON, marketplace="DE", locale="de-DE", expected_page="serp", **options
    )  # type: ignore[arg-type]


def test_the_chain_order_is_declared_once_as_scrapys_downloader() -> None:
    assert REQUEST_STAGES == (Stage.IDENTITY, Stage.SESSION, Stage.PROXY, Stage.THROTTLE)
    assert RESPONSE_STAGES == (Stage.BLOCKS, Stage.RETRY, Stage.STATS)
    assert onion_order() == (
        Stage.STATS,
        Stage.RETRY,
        Stage.BLOCKS,
        Stage.IDENTITY,
        Stage.SESSION,
        Stage.PROXY,
        Stage.THROTTLE,
    )


async def test_a_real_page_comes_back_with_its_accounting(rig: Rig) -> None:
    rig.client.route(SERP_URL, Reply(body=SERP, headers=[("Content-Type", "text/html")]))
    response = await rig.engine.fetch(serp_request())
    assert response.body == SERP
    assert response.attempts == 1
    assert response.session_id == rig.client.sent[0].session_id
    sent = dict(rig.client.sent[0].headers)
    assert sent["accept-language"].startswith("de-DE,de")
    assert rig.engine.stats.get("fetch/status/200") == 1
    assert rig.engine.stats.get("fetch/outcome/succeeded") == 1


@pytest.mark.parametrize(
    ("marketplace", "locale", "language"),
    [("DE", None, "de-DE"), ("JP", None, "ja-JP"), ("UK", None, "en-GB"), ("DE", "en-US", "en-US")],
)
async def test_accept_language_follows_the_marketplace_locale(
    rig: Rig, marketplace: str, locale: str | None, language: str
) -> None:
    rig.client.route(SERP_URL, Reply(body=SERP))
    request = Request(url=SERP_URL, site=Site.AMAZON, marketplace=marketplace, locale=locale)
    await rig.engine.fetch(request)
    sent = dict(rig.client.sent[0].headers)
    assert sent["accept-language"].split(",")[0] == language


async def test_captcha_page_rotates_session_and_retries(rig: Rig) -> None:
    rig.client.route(SERP_URL, [Reply(body=CAPTCHA), Reply(body=SERP)])
    response = await rig.engine.fetch(serp_request())
    assert response.body == SERP
    assert response.attempts == 2
    first, second = rig.client.sent
    assert first.session_id != second.session_id
    assert response.session_id == second.session_id
    assert rig.engine.sessions.retired_count == 1
    assert [s.id for s in rig.engine.sessions.live()] == [second.session_id]
    assert rig.engine.stats.get("fetch/blocked/amazon/captcha") == 1
    assert rig.engine.stats.get("fetch/action/rotate") == 1
    assert len(rig.sleep.calls) == 1 and 0 <= rig.sleep.calls[0] <= 1.0  # full-jitter backoff, attempt 1


async def test_block_page_never_produces_a_result(rig: Rig) -> None:
    rig.client.route(SERP_URL, Reply(body=CAPTCHA))
    parsed: list[bytes] = []
    with pytest.raises(Blocked) as raised:
        parsed.append((await rig.engine.fetch(serp_request())).body)
    assert parsed == []
    assert raised.value.kind == "captcha"
    assert len({sent.session_id for sent in rig.client.sent}) == 3  # every attempt had a fresh session
    assert rig.engine.sessions.retired_count == 3
    (event,) = rig.finished
    assert (event.record.outcome, event.record.blocked, event.record.block_kind) == (
        "failed",
        True,
        "captcha",
    )
    assert event.record.attempts == 3
    assert rig.engine.stats.get("fetch/outcome/succeeded") == 0
    assert rig.engine.stats.get("fetch/blocked/amazon/captcha") == 3


async def test_a_page_of_the_wrong_type_is_a_block(rig: Rig) -> None:
    rig.client.route(
        SERP_URL, [Reply(body=b"<html><title>Amazon.de Bestseller</title></html>"), Reply(body=SERP)]
    )
    response = await rig.engine.fetch(serp_request())
    assert response.attempts == 2
    assert rig.engine.stats.get("fetch/blocked/amazon/wrong_page") == 1


async def test_429_honours_retry_after(rig: Rig) -> None:
    rig.client.route(SERP_URL, [Reply(status=429, headers=[("Retry-After", "7")]), Reply(body=SERP)])
    response = await rig.engine.fetch(serp_request())
    assert response.attempts == 2
    assert rig.sleep.calls == [7.0]
    assert rig.client.sent[0].session_id == rig.client.sent[1].session_id  # waiting is not rotating


async def test_429_with_an_http_date_waits_until_then(rig: Rig) -> None:
    rig.clock.advance(0)
    retry_at = "Thu, 01 Jan 2026 00:00:42 GMT"  # FakeClock starts at 2026-01-01 00:00:00 UTC
    rig.client.route(SERP_URL, [Reply(status=429, headers=[("Retry-After", retry_at)]), Reply(body=SERP)])
    await rig.engine.fetch(serp_request())
    assert rig.sleep.calls == [42.0]


async def test_a_rate_limit_that_outlasts_the_attempts_reaches_the_caller(rig: Rig) -> None:
    rig.client.route(SERP_URL, Reply(status=429, headers=[("Retry-After", "7")]))
    with pytest.raises(RateLimited) as raised:
        await rig.engine.fetch(serp_request())
    assert raised.value.retry_after == 7.0
    assert rig.sleep.calls == [7.0, 7.0]
    assert rig.engine.stats.get("fetch/status/429") == 3


async def test_a_retry_after_too_long_to_wait_fails_at_once(rig: Rig) -> None:
    rig.client.route(SERP_URL, Reply(status=429, headers=[("Retry-After", "3600")]))
    with pytest.raises(RateLimited):
        await rig.engine.fetch(serp_request())
    assert len(rig.client.sent) == 1
    assert rig.sleep.calls == []


async def test_server_errors_are_retried_with_backoff_then_raised(rig: Rig) -> None:
    rig.client.route(SERP_URL, Reply(status=502))
    with pytest.raises(ServerError) as raised:
        await rig.engine.fetch(serp_request())
    assert raised.value.status == 502
    assert len(rig.client.sent) == 3
    assert len({sent.session_id for sent in rig.client.sent}) == 1  # a server error keeps the session
    assert len(rig.sleep.calls) == 2
    assert 0 <= rig.sleep.calls[0] <= 1.0 and 0 <= rig.sleep.calls[1] <= 2.0


async def test_not_found_is_not_retried(rig: Rig) -> None:
    rig.client.route(SERP_URL, Reply(status=404))
    with pytest.raises(NotFound):
        await rig.engine.fetch(serp_request())
    assert len(rig.client.sent) == 1


async def test_a_403_rotates_like_a_block(rig: Rig) -> None:
    rig.client.route(SERP_URL, [Reply(status=403), Reply(body=SERP)])
    response = await rig.engine.fetch(serp_request())
    assert response.attempts == 2
    assert rig.engine.stats.get("fetch/blocked/amazon/http_403") == 1


async def test_sessions_keep_cookies_between_fetches(settings: Settings) -> None:
    client = FakeClient({SERP_URL: Reply(body=SERP, headers=[("Set-Cookie", "session-id=260-7; Path=/")])})
    engine = FetchEngine.from_settings(quiet(settings, sessions_per_key=1, allow_direct=True), client=client)
    for _ in range(3):
        await engine.fetch(serp_request())
    assert len({sent.session_id for sent in client.sent}) == 1
    assert [dict(sent.headers).get("cookie") for sent in client.sent] == [
        None,
        "session-id=260-7",
        "session-id=260-7",
    ]
    await engine.aclose()


async def test_requests_spread_over_several_sessions_each_with_its_own_cookies(rig: Rig) -> None:
    counter = iter(range(1, 100))

    def answer(_sent: object) -> Reply:
        return Reply(body=SERP, headers=[("Set-Cookie", f"session-id={next(counter)}; Path=/")])

    rig.client.route(SERP_URL, answer)
    for _ in range(6):
        await rig.engine.fetch(serp_request())
    first_of_each: dict[str, str | None] = {}
    later: list[tuple[str, str | None]] = []
    for sent in rig.client.sent:
        cookie = dict(sent.headers).get("cookie")
        if sent.session_id in first_of_each:
            later.append((sent.session_id, cookie))
        else:
            first_of_each[sent.session_id] = cookie
    assert len(first_of_each) == 3  # sessions_per_key defaults to 3
    assert set(first_of_each.values()) == {None}
    assert len({cookie for _, cookie in later}) == 3  # each session sends back its own cookie


async def test_a_rotated_session_leaves_through_the_next_proxy(settings: Settings) -> None:
    proxies = StaticProxyPool([Proxy(id=f"p{n}", url=f"http://10.0.0.{n}:3128") for n in (1, 2, 3)])
    client = FakeClient({SERP_URL: [Reply(body=CAPTCHA), Reply(body=CAPTCHA), Reply(body=SERP)]})
    clock = FakeClock()
    engine = FetchEngine.from_settings(
        quiet(settings), client=client, clock=clock, sleep=ClockSleep(clock), proxies=proxies
    )
    response = await engine.fetch(serp_request())
    assert [sent.proxy_id for sent in client.sent] == ["p1", "p2", "p3"]
    assert response.proxy_id == "p3"
    assert engine.stats.get("fetch/proxy/p1/bytes_in") > 0
    await engine.aclose()
    assert client.closed


async def test_without_proxies_a_real_site_is_refused_unless_direct_is_allowed(settings: Settings) -> None:
    from shelfscope.errors import ConfigError

    engine = FetchEngine.from_settings(settings, client=FakeClient({SERP_URL: Reply(body=SERP)}))
    with pytest.raises(ConfigError, match="direct connections are not allowed"):
        await engine.fetch(serp_request())
    assert engine.stats.get("fetch/outcome/failed") == 1
    await engine.aclose()


async def test_a_failing_observer_does_not_break_the_fetch(rig: Rig) -> None:
    def broken(_event: object) -> None:
        raise RuntimeError("observer bug")

    rig.engine.signals.connect(broken)
    rig.client.route(SERP_URL, Reply(body=SERP))
    assert (await rig.engine.fetch(serp_request())).body == SERP
    assert rig.engine.stats.get("fetch/requests") == 1


async def test_a_closed_engine_refuses_work(rig: Rig) -> None:
    await rig.engine.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await rig.engine.fetch(serp_request())
