"""Delivery channels of a workspace: create, read, change and remove webhooks and email lists.

A webhook's URL passes the SSRF guard (:mod:`.urlguard`) when it is saved; its optional signing
secret goes into the vault and is never returned. An email channel names its recipients; the
SMTP server is the installation's (``settings.alerts``). Another workspace's channel is reported
exactly like a missing one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shelfscope.alerts.models import CHANNEL_KINDS, WEBHOOK_FORMATS, AlertChannel
from shelfscope.alerts.urlguard import Resolver, check_webhook_url, system_resolver
from shelfscope.errors import Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from shelfscope.platform import Platform
    from shelfscope.settings import Settings

__all__ = [
    "allow_private_targets",
    "channels_query",
    "create_channel",
    "delete_channel",
    "get_channel",
    "masked_url",
    "update_channel",
]

MAX_RECIPIENTS = 20
MAX_SECRET = 500
_EMAIL = re.compile(
    r"^[^@\s,;<>\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$|^[^@\s,;<>\"]{1,64}@localhost$"
)


def allow_private_targets(settings: Settings) -> bool:
    """Loopback and private webhook targets: allowed when configured, or in the sandbox mode."""
    return (
        settings.alerts.allow_private_targets or settings.sandbox.enabled or settings.sandbox.url is not None
    )


def masked_url(url: str | None) -> str | None:
    """The URL with its path hidden: webhook paths often are the credential (Slack's are)."""
    if not url:
        return url
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/…" if "/" in rest.rstrip("/") else url


def channels_query(*, workspace_id: int) -> Select[AlertChannel]:
    return select(AlertChannel).where(AlertChannel.workspace_id == workspace_id).order_by(AlertChannel.id)


def get_channel(session: Session, *, workspace_id: int, channel_id: int) -> AlertChannel:
    channel = session.scalar(
        select(AlertChannel).where(AlertChannel.id == channel_id, AlertChannel.workspace_id == workspace_id)
    )
    if channel is None:
        raise NotFound(f"alert channel {channel_id} not found")
    return channel


def _name(session: Session, workspace_id: int, name: str, *, exclude_id: int | None = None) -> str:
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("a channel name needs 1 to 120 characters", field="name")
    query = select(AlertChannel.id).where(
        AlertChannel.workspace_id == workspace_id, AlertChannel.name == name
    )
    if exclude_id is not None:
        query = query.where(AlertChannel.id != exclude_id)
    if session.scalar(query) is not None:
        raise Conflict(f"a channel named {name!r} already exists")
    return name


def _recipients(values: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(value.strip() for value in values if value.strip()))
    if not cleaned:
        raise InvalidInput("an email channel needs at least one recipient", field="recipients")
    if len(cleaned) > MAX_RECIPIENTS:
        raise InvalidInput(f"an email channel has at most {MAX_RECIPIENTS} recipients", field="recipients")
    for address in cleaned:
        if not _EMAIL.match(address):
            raise InvalidInput(f"{address!r} is not an email address", field="recipients")
    return cleaned


def _format(value: str | None) -> str:
    value = value or "json"
    if value not in WEBHOOK_FORMATS:
        raise InvalidInput(
            f"webhook format must be one of {', '.join(WEBHOOK_FORMATS)}", field="webhook_format"
        )
    return value


def _secret(platform: Platform, value: str) -> str:
    value = value.strip()
    if not 8 <= len(value) <= MAX_SECRET:
        raise InvalidInput(f"a signing secret needs 8 to {MAX_SECRET} characters", field="signing_secret")
    return platform.vault.encrypt(value)


def create_channel(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int,
    name: str,
    kind: str,
    url: str | None = None,
    webhook_format: str | None = None,
    signing_secret: str | None = None,
    recipients: Sequence[str] = (),
    digest: bool = False,
    enabled: bool = True,
    resolver: Resolver = system_resolver,
) -> AlertChannel:
    """Add a channel; webhooks need a callable ``url``, email channels their ``recipients``."""
    if kind not in CHANNEL_KINDS:
        raise InvalidInput(f"channel kind must be one of {', '.join(CHANNEL_KINDS)}", field="kind")
    channel = AlertChannel(
        workspace_id=workspace_id,
        name=_name(session, workspace_id, name),
        kind=kind,
        digest=digest,
        enabled=enabled,
    )
    if kind == "webhook":
        if not url:
            raise InvalidInput("a webhook channel needs a URL", field="url")
        allow = allow_private_targets(platform.settings)
        channel.url = check_webhook_url(url, allow_private=allow, resolver=resolver)
        channel.webhook_format = _format(webhook_format)
        channel.signing_secret = _secret(platform, signing_secret) if signing_secret else None
    else:
        channel.recipients = _recipients(recipients)
    session.add(channel)
    session.flush()
    return channel


def update_channel(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int,
    channel_id: int,
    changes: dict[str, Any],
    resolver: Resolver = system_resolver,
) -> AlertChannel:
    """Apply ``changes`` (name, url, webhook_format, signing_secret, recipients, digest, enabled).

    ``signing_secret`` set to ``""`` or None removes the secret; its kind cannot change.
    """
    channel = get_channel(session, workspace_id=workspace_id, channel_id=channel_id)
    if "name" in changes:
        channel.name = _name(session, workspace_id, changes["name"], exclude_id=channel.id)
    for flag in ("digest", "enabled"):
        if flag in changes:
            setattr(channel, flag, bool(changes[flag]))
    webhook_fields = {"url", "webhook_format", "signing_secret"} & changes.keys()
    if channel.kind == "webhook":
        if "url" in changes:
            allow = allow_private_targets(platform.settings)
            channel.url = check_webhook_url(changes["url"] or "", allow_private=allow, resolver=resolver)
        if "webhook_format" in changes:
            channel.webhook_format = _format(changes["webhook_format"])
        if "signing_secret" in changes:
            secret = changes["signing_secret"]
            channel.signing_secret = _secret(platform, secret) if secret else None
        if "recipients" in changes:
            raise InvalidInput("a webhook channel has no recipients", field="recipients")
    else:
        if webhook_fields:
            raise InvalidInput(
                f"an email channel has no {sorted(webhook_fields)[0]}", field=sorted(webhook_fields)[0]
            )
        if "recipients" in changes:
            channel.recipients = _recipients(changes["recipients"] or [])
    session.flush()
    return channel


def delete_channel(session: Session, *, workspace_id: int, channel_id: int) -> None:
    session.delete(get_channel(session, workspace_id=workspace_id, channel_id=channel_id))
    session.flush()
