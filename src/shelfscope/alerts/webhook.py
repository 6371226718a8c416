"""Webhook delivery: the JSON and Slack-compatible bodies, the signature, and one POST.

Failures are classified for the job system's retry policy: a timeout, a connection failure, a
429 or a 5xx is transient (the delivery run retries with backoff); any other non-2xx answer is
the receiver refusing the message (:class:`DeliveryRejected`), which retrying will not change.
Redirects are not followed, so a URL that passed the SSRF guard cannot bounce the request to an
internal address. The signing secret and the body are never logged.

A signed request carries ``X-Shelfscope-Timestamp`` (Unix seconds) and
``X-Shelfscope-Signature: sha256=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<body>"`` under the
channel's secret; receivers recompute it and reject old timestamps to stop replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from shelfscope import __version__
from shelfscope.alerts.messages import AlertItem, Message
from shelfscope.alerts.urlguard import Resolver, check_webhook_url, system_resolver
from shelfscope.errors import PermanentError, RateLimited, UpstreamUnavailable
from shelfscope.fetch import ApiHttp, ApiResponse, ApiTransport, InvalidApiUrl

__all__ = ["DeliveryRejected", "WebhookTarget", "json_body", "send_webhook", "sign", "slack_body"]

_LEVEL_EMOJI = {"info": ":information_source:", "success": ":white_check_mark:", "warning": ":warning:",
                "error": ":rotating_light:"}  # fmt: skip
_SLACK_TEXT = 2900  # Slack cuts section text at 3000 characters


class DeliveryRejected(PermanentError):
    """The receiver answered with a client error: the message or the URL is wrong, not the moment."""

    code = "delivery_rejected"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookTarget:
    url: str
    webhook_format: str
    secret: str | None
    timeout_seconds: float
    allow_private: bool


def json_body(message: Message) -> dict[str, Any]:
    if message.digest_day is None:
        return {"type": "test" if message.test else "alert", "workspace_id": message.workspace_id,
                "alert": message.items[0].to_json()}  # fmt: skip
    return {
        "type": "digest",
        "workspace_id": message.workspace_id,
        "day": message.digest_day.isoformat(),
        "count": message.total,
        "alerts": [item.to_json() for item in message.items],
    }


def _slack_line(item: AlertItem) -> str:
    title = f"<{item.link}|{item.title}>" if item.link and item.link.startswith("http") else item.title
    link = f"\n{item.link}" if item.link and not item.link.startswith("http") else ""
    return f"{_LEVEL_EMOJI.get(item.level, '')} *{title}*\n{item.body}{link}".strip()


def slack_body(message: Message) -> dict[str, Any]:
    """Incoming-webhook shape: ``text`` for notifications, ``blocks`` for the message itself."""
    lines = [_slack_line(item) for item in message.items]
    if message.digest_day is None:
        first = message.items[0]
        context = f"{first.kind} · {first.fired_at:%Y-%m-%d %H:%M} UTC"
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": lines[0][:_SLACK_TEXT]}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": context}]},
        ]
        return {"text": message.subject, "blocks": blocks}
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}}]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": line[:_SLACK_TEXT]}} for line in lines]
    if message.total > len(message.items):
        more = message.total - len(message.items)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"… and {more} more"}]})
    return {"text": message.subject, "blocks": blocks[:50]}


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def send_webhook(
    target: WebhookTarget,
    message: Message,
    *,
    timestamp: int,
    transport: ApiTransport | None = None,
    resolver: Resolver = system_resolver,
) -> int:
    """POST ``message`` to the target; returns the HTTP status of a 2xx answer, raises otherwise."""
    url = check_webhook_url(target.url, allow_private=target.allow_private, resolver=resolver)
    shape = slack_body(message) if target.webhook_format == "slack" else json_body(message)
    body = json.dumps(shape, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": f"shelfscope/{__version__}"}
    if target.secret:
        headers["X-Shelfscope-Timestamp"] = str(timestamp)
        headers["X-Shelfscope-Signature"] = sign(target.secret, timestamp, body)
    try:
        with ApiHttp(timeout=target.timeout_seconds, transport=transport) as http:
            response = http.request(
                "POST",
                url,
                content=body,
                headers=headers,
                timeout_message=f"the webhook did not answer within {target.timeout_seconds:g}s",
                unreachable_message="the webhook could not be reached",
            )
    except InvalidApiUrl as exc:
        raise DeliveryRejected(f"the webhook URL is not valid: {exc.message}") from exc
    return _outcome(response)


def _outcome(response: ApiResponse) -> int:
    status = response.status_code
    if 200 <= status < 300:
        return status
    if status == 429:
        retry_after = response.headers.get("retry-after", "")
        seconds = float(retry_after) if retry_after.isdigit() else None
        raise RateLimited("the webhook answered 429 Too Many Requests", retry_after=seconds)
    if status >= 500:
        raise UpstreamUnavailable(f"the webhook answered {status}")
    raise DeliveryRejected(f"the webhook answered {status}; it will not be retried", status=status)
