"""Statistics and the request-log hook are fed by fetch events, with exact accounting."""

from __future__ import annotations

import random

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import ShelfscopeError, Timeout
from shelfscope.fetch import (
    AttemptFinished,
    ClockSleep,
    FakeClient,
    FetchEngine,
    FetchEvent,
    Reply,
    Request,
    RequestFinished,
    Site,
)
from shelfscope.settings import Settings

HOST = "https://www.amazon.co.uk"
SERP = b'<div data-component-type="s-search-result"></div>'
CAPTCHA = b'<form action="/errors/validateCaptcha"><input id="captchacharacters"></form>'


def engine_for(settings: Settings, client: FakeClient, sleep: ClockSleep) -> FetchEngine:
    fetch = settings.fetch.model_copy(
        update={"delays_enabled": False, "allow_direct": True, "breaker_failures": 100}
    )
    return FetchEngine.from_settings(
        settings.model_copy(update={"fetch": fetch}),
        client=client,
        clock=sleep.clock,
        sleep=sleep,
        rng=random.Random(4),
    )


async def test_every_fetch_is_recorded_once_and_the_outcomes_add_up(settings: Settings) -> None:
    client = FakeClient(
        {
            f"{HOST}/ok": Reply(body=SERP, elapsed=0.2),
            f"{HOST}/flaky": [Reply(body=CAPTCHA), Reply(body=SERP)],
            f"{HOST}/blocked": Reply(body=CAPTCHA),
            f"{HOST}/down": Reply(error=Timeout("slow")),
            f"{HOST}/gone": Reply(status=404),
        }
    )
    engine = engine_for(settings, client, ClockSleep(FakeClock()))
    events: list[FetchEvent] = []
    engine.signals.connect(events.append)
    outcomes: dict[str, str] = {}
    paths = ["/ok", "/flaky", "/blocked", "/down", "/gone", "/ok"]
    for index, path in enumerate(paths):
        request = Request(url=f"{HOST}{path}", site=Site.AMAZON, expected_page="serp", run_id=f"run-{index}")
        try:
            await engine.fetch(request)
            outcomes[f"{path}#{index}"] = "ok"
        except ShelfscopeError as exc:
            outcomes[f"{path}#{index}"] = exc.code

    records = [event.record for event in events if isinstance(event, RequestFinished)]
    attempts = [event.record for event in events if isinstance(event, AttemptFinished)]
    assert [record.run_id for record in records] == [f"run-{n}" for n in range(len(paths))]
    stats = engine.stats
    assert stats.get("fetch/requests") == len(paths) == len(records)
    assert stats.get("fetch/outcome/succeeded") + stats.get("fetch/outcome/failed") == len(paths)
    assert stats.get("fetch/outcome/succeeded") == 3
    assert stats.get("fetch/attempts") == len(attempts) == len(client.sent) == 1 + 2 + 3 + 3 + 1 + 1
    assert stats.get("fetch/retries") == 1 + 2 + 2
    assert stats.get("fetch/blocked/amazon/captcha") == 1 + 3
    assert stats.get("fetch/error/timeout") == 3
    assert stats.get("fetch/status/404") == 1
    assert stats.get("fetch/attempts_per_request/3") == 2
    assert stats.get("fetch/bytes_in") == sum(record.bytes_in for record in records) > 0
    assert stats.get("fetch/proxy/direct/bytes_out") == stats.get("fetch/bytes_out") > 0
    # No block is ever counted as a success: a success ended on a real page.
    assert all(
        record.status == 200 and record.error is None for record in records if record.outcome == "succeeded"
    )
    assert (records[2].outcome, records[2].blocked, records[2].error) == ("failed", True, "blocked")
    assert outcomes == {
        "/ok#0": "ok",
        "/flaky#1": "ok",
        "/blocked#2": "blocked",
        "/down#3": "timeout",
        "/gone#4": "not_found",
        "/ok#5": "ok",
    }
    await engine.aclose()


async def test_the_request_record_carries_what_the_request_log_needs(settings: Settings) -> None:
    client = FakeClient({f"{HOST}/s": [Reply(body=CAPTCHA, elapsed=0.05), Reply(body=SERP, elapsed=0.4)]})
    sleep = ClockSleep(FakeClock())
    engine = engine_for(settings, client, sleep)
    records: list[RequestFinished] = []
    engine.signals.connect(
        lambda event: records.append(event) if isinstance(event, RequestFinished) else None
    )
    response = await engine.fetch(
        Request(url=f"{HOST}/s?k=mug", site=Site.AMAZON, marketplace="UK", expected_page="serp", run_id="r7")
    )
    (event,) = records
    record = event.record
    assert (record.site, record.marketplace, record.method, record.host, record.path) == (
        "amazon",
        "UK",
        "GET",
        "www.amazon.co.uk",
        "/s",
    )
    assert (record.status, record.attempts, record.outcome, record.error) == (200, 2, "succeeded", None)
    assert (record.blocked, record.block_kind) == (True, "captcha")  # a block on the way is flagged
    assert record.latency == 0.4
    assert record.session_id == response.session_id
    assert record.identity_id == response.identity_id
    assert record.proxy_id == "direct"
    assert record.run_id == "r7"
    assert len(sleep.calls) == 1  # the backoff before the second attempt, on the fake clock
    assert record.duration == pytest.approx(sleep.total, abs=1e-6)
    assert record.bytes_in == sum(len(reply) for reply in (CAPTCHA, SERP))
    assert engine.stats.get("fetch/latency_seconds/count") == 1
    assert engine.stats.get("fetch/latency_seconds/sum") == 0.4
    await engine.aclose()
