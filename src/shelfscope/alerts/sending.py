"""Sending one message to one channel, whatever its kind: the seam between channels and senders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shelfscope.alerts.channels import allow_private_targets
from shelfscope.alerts.mail import send_email
from shelfscope.alerts.messages import Message
from shelfscope.alerts.models import AlertChannel
from shelfscope.alerts.webhook import WebhookTarget, send_webhook

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["send_to_channel"]


def send_to_channel(platform: Platform, channel: AlertChannel, message: Message) -> int:
    """Deliver ``message`` once (no retries here); returns the receiver's success status.

    Raises transient errors (retry later), :class:`~.webhook.DeliveryRejected` or
    :class:`~shelfscope.errors.ConfigError` (retrying will not help).
    """
    settings = platform.settings
    if channel.kind == "email":
        return send_email(settings.alerts, message, recipients=[str(r) for r in channel.recipients])
    target = WebhookTarget(
        url=channel.url or "",
        webhook_format=channel.webhook_format or "json",
        secret=platform.vault.decrypt(channel.signing_secret) if channel.signing_secret else None,
        timeout_seconds=settings.alerts.webhook_timeout_seconds,
        allow_private=allow_private_targets(settings),
    )
    return send_webhook(target, message, timestamp=int(platform.clock.now().timestamp()))
