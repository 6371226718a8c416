"""Webhook URL guard, body shapes and answer classification, without a network."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest

from shelfscope.alerts.messages import AlertItem, Message, absolute_link
from shelfscope.alerts.urlguard import check_webhook_url, is_public_address
from shelfscope.alerts.webhook import (
    DeliveryRejected,
    WebhookTarget,
    json_body,
    send_webhook,
    sign,
    slack_body,
)
from shelfscope.errors import InvalidInput, RateLimited, Timeout, UpstreamUnavailable

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def item(n: int = 1, link: str | None = "https://shelf.example/ranks/jobs/3?keyword=4") -> AlertItem:
    return AlertItem(id=n, kind="top_ten", level="warning", title=f"left the top 10 ({n})", body="now #12",
                     link=link, fired_at=WHEN, rule="ranks.rule:2", subject="keyword:4", source="ranks",
                     source_id=3)  # fmt: skip


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.216.34", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.0.0.8", False),
     ("192.168.1.1", False), ("169.254.169.254", False), ("::1", False), ("::ffff:127.0.0.1", False),
     ("100.64.0.1", False), ("0.0.0.0", False), ("fe80::1%eth0", False), ("224.0.0.1", False), ("nope", False)],
)  # fmt: skip
def test_only_globally_routable_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_a_host_resolving_to_any_private_address_is_refused() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return {
            "hooks.example.com": ["93.184.216.34"],
            "sneaky.example.com": ["93.184.216.34", "10.0.0.5"],
        }.get(host, [])

    assert check_webhook_url(" https://hooks.example.com/x ", allow_private=False, resolver=resolver) == (
        "https://hooks.example.com/x"
    )
    with pytest.raises(InvalidInput, match="non-public address"):
        check_webhook_url("https://sneaky.example.com/x", allow_private=False, resolver=resolver)
    with pytest.raises(InvalidInput, match="does not resolve"):
        check_webhook_url("https://unknown.example.com/x", allow_private=False, resolver=resolver)
    with pytest.raises(InvalidInput, match="credentials"):
        check_webhook_url("https://u:p@hooks.example.com/x", allow_private=False, resolver=resolver)
    assert check_webhook_url("http://127.0.0.1:9/x", allow_private=True) == "http://127.0.0.1:9/x"


def test_json_bodies_of_an_alert_and_a_digest() -> None:
    single = json_body(Message(workspace_id=7, items=(item(),)))
    assert single["type"] == "alert" and single["alert"]["fired_at"] == "2026-03-02T09:30:00+00:00"
    digest = json_body(
        Message(workspace_id=7, items=(item(1), item(2)), digest_day=date(2026, 3, 1), total=60)
    )
    assert (digest["type"], digest["day"], digest["count"], len(digest["alerts"])) == (
        "digest",
        "2026-03-01",
        60,
        2,
    )


def test_slack_bodies_link_the_title_and_say_what_the_digest_left_out() -> None:
    single = slack_body(Message(workspace_id=7, items=(item(),)))
    assert single["text"] == "left the top 10 (1)"
    assert single["blocks"][0]["text"]["text"].startswith(
        ":warning: *<https://shelf.example/ranks/jobs/3?keyword=4|left the top 10 (1)>*"
    )
    digest = slack_body(
        Message(workspace_id=7, items=(item(1), item(2)), digest_day=date(2026, 3, 1), total=5)
    )
    assert digest["blocks"][0]["text"]["text"] == "Daily digest: 5 alerts on 2026-03-01"
    assert digest["blocks"][-1]["elements"][0]["text"] == "… and 3 more"


def test_links_become_absolute_only_with_a_public_url() -> None:
    assert (
        absolute_link("/ranks/jobs/1?keyword=2", "https://shelf.example/")
        == "https://shelf.example/ranks/jobs/1?keyword=2"
    )
    assert absolute_link("/ranks/jobs/1", None) == "/ranks/jobs/1"


def _send(handler: httpx.MockTransport, secret: str | None = None) -> int:
    target = WebhookTarget(url="http://127.0.0.1/x", webhook_format="json", secret=secret, timeout_seconds=1,
                           allow_private=True)  # fmt: skip
    return send_webhook(
        target, Message(workspace_id=1, items=(item(),)), timestamp=1700000000, transport=handler
    )


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, UpstreamUnavailable), (503, UpstreamUnavailable), (429, RateLimited), (400, DeliveryRejected),
     (404, DeliveryRejected), (301, DeliveryRejected)],
)  # fmt: skip
def test_answers_are_classified_for_the_retry_policy(status: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        _send(httpx.MockTransport(lambda request: httpx.Response(status, headers={"Retry-After": "7"})))


def test_timeouts_are_transient_and_the_signature_covers_timestamp_and_body() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(Timeout):
        _send(httpx.MockTransport(timeout))
    seen: list[httpx.Request] = []

    def accept(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    assert _send(httpx.MockTransport(accept), secret="k" * 12) == 204
    (request,) = seen
    assert request.headers["x-shelfscope-timestamp"] == "1700000000"
    assert request.headers["x-shelfscope-signature"] == sign("k" * 12, 1700000000, request.content)
