"""SpapiClient policy on a fake transport: 429 backoff, token refresh, the error table, buckets."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import httpx
import pytest

from shelfscope.errors import AuthorizationRevoked, InvalidInput, RateLimited
from shelfscope.fetch import ApiHttp
from shelfscope.seller.ratelimit import BucketWait, RateLimiter, TokenBucket, UsagePlan
from shelfscope.seller.spapi_client import NextTokenExpired, RetryPolicy, SpapiClient, UnrequestableReport

QUOTA = {
    "errors": [
        {
            "code": "QuotaExceeded",
            "message": "You exceeded your quota for the requested resource.",
            "details": "",
        }
    ]
}
EXPIRED = {
    "errors": [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "The access token you provided has expired.",
        }
    ]
}
TOKEN_GONE = {
    "errors": [
        {
            "code": "InvalidInput",
            "message": "Token is not valid, token duration is 25 minutes.",
            "details": "",
        }
    ]
}
PARTICIPATIONS: dict[str, list[object]] = {"payload": []}


def _client(
    handler: Callable[[httpx.Request], httpx.Response], sleeps: list[float], tokens: list[bool] | None = None
) -> SpapiClient:
    issued = tokens if tokens is not None else []

    def access_token(force: bool) -> str:
        issued.append(force)
        return f"Atza|token-{len(issued)}"

    return SpapiClient(
        connection_id=1,
        base_url="https://sellingpartnerapi-na.amazon.com",
        access_token=access_token,
        http=ApiHttp(transport=httpx.MockTransport(handler)),
        limiter=RateLimiter(monotonic=lambda: 0.0),
        sleep=sleeps.append,
        policy=RetryPolicy(throttle_retries=4, base_seconds=2.0, max_seconds=60.0),
        rng=random.Random(7),
    )


def test_429_is_retried_with_growing_jittered_backoff_then_succeeds() -> None:
    answers = [429, 429, 429, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        return httpx.Response(status, json=QUOTA if status == 429 else PARTICIPATIONS)

    sleeps: list[float] = []
    assert json.loads(_client(handler, sleeps).marketplace_participations()) == PARTICIPATIONS
    # Each 429 empties our bucket (a wait of 1/rate = 62.5 s for this operation) and adds a
    # jittered exponential backoff of base/2 + U(0, base * 2**attempt).
    backoffs = [s for s in sleeps if s < 60]
    assert len(backoffs) == 3
    assert all(1.0 <= s <= 1.0 + 2.0 * 2**i for i, s in enumerate(backoffs))
    assert [s for s in sleeps if s >= 60] != []


def test_429_past_the_retry_budget_is_rate_limited() -> None:
    sleeps: list[float] = []
    client = _client(lambda request: httpx.Response(429, json=QUOTA), sleeps)
    with pytest.raises(RateLimited):
        client.marketplace_participations()


def test_an_expired_access_token_is_refreshed_once() -> None:
    answers = [(403, EXPIRED), (200, PARTICIPATIONS)]
    seen_tokens: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen_tokens.append(request.headers["x-amz-access-token"])
        status, body = answers.pop(0)
        return httpx.Response(status, json=body)

    forced: list[bool] = []
    _client(handler, [], forced).marketplace_participations()
    assert forced == [False, True]
    assert seen_tokens == ["Atza|token-1", "Atza|token-2"]


def test_a_token_still_refused_after_refresh_is_revoked_authorization() -> None:
    client = _client(lambda request: httpx.Response(403, json=EXPIRED), [])
    with pytest.raises(AuthorizationRevoked):
        client.marketplace_participations()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, TOKEN_GONE, NextTokenExpired),
        (
            400,
            {
                "errors": [
                    {
                        "code": "InvalidInput",
                        "message": "Request for report type 1118 is not allowed at this time.",
                    }
                ]
            },
            UnrequestableReport,
        ),
        (400, {"errors": [{"code": "InvalidInput", "message": "Invalid input"}]}, InvalidInput),
    ],
)
def test_errors_are_translated_once_through_the_table(
    status: int, body: object, error: type[Exception]
) -> None:
    client = _client(lambda request: httpx.Response(status, json=body), [])
    with pytest.raises(error):
        client.list_financial_events({"PostedAfter": "2026-01-01T00:00:00Z"})


def test_bucket_allows_the_burst_then_waits_one_refill_per_token() -> None:
    bucket = TokenBucket(UsagePlan(0.5, 2), now=0.0)
    assert [bucket.reserve(0.0), bucket.reserve(0.0)] == [0.0, 0.0]
    assert bucket.reserve(0.0) == pytest.approx(2.0)


def test_rate_header_replaces_the_published_rate() -> None:
    clock = [0.0]
    limiter = RateLimiter(monotonic=lambda: clock[0])
    for _ in range(15):
        assert limiter.reserve(1, "createReport") == 0.0
    limiter.observed_rate(1, "createReport", "1")
    assert limiter.reserve(1, "createReport") == pytest.approx(1.0)
    assert limiter.reserve(2, "createReport") == 0.0  # another connection has its own bucket


def test_document_download_sends_no_auth_headers() -> None:
    from shelfscope.seller.spapi import ReportDocument

    seen: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, content=b"a\tb\n", headers={"content-type": "text/plain; charset=UTF-8"})

    client = _client(handler, [])
    document = ReportDocument(report_document_id="d1", url="https://s3.example/doc?sig=1")
    with client.open_document(document) as (chunks, content_type):
        assert b"".join(chunks) == b"a\tb\n"
        assert content_type == "text/plain; charset=UTF-8"
    assert "x-amz-access-token" not in seen[0]


def test_a_long_wait_for_our_own_bucket_defers_instead_of_sleeping() -> None:
    now = [0.0]
    limiter = RateLimiter(monotonic=lambda: now[0], speed=2.0)
    for _ in range(15):  # createReport's burst
        assert limiter.reserve(1, "createReport", max_wait=10) == 0
    with pytest.raises(BucketWait) as raised:
        limiter.reserve(1, "createReport", max_wait=10)
    # One token a minute, on a clock running twice as fast: 30 limiter seconds, 60 clock seconds.
    assert raised.value.retry_after == pytest.approx(60 / 1.002, rel=0.01)
    now[0] += 30.0
    assert limiter.reserve(1, "createReport", max_wait=10) == 0  # the refused call took no token
