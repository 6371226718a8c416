"""API shapes of notifications (the same shape travels in live ``notification`` events), alert
channels and the alert history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AlertEventOut",
    "ChannelCreate",
    "ChannelOut",
    "ChannelTestOut",
    "ChannelUpdate",
    "DeliveryOut",
    "MarkedRead",
    "NotificationOut",
    "UnreadCount",
]


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="What produced it, for example `general` or `run_failed`.")
    level: str = Field(description="info, success, warning or error.")
    title: str
    body: str
    link: str | None = Field(description="Dashboard path or URL to open, if any.")
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    updated: int = Field(description="How many notifications changed from unread to read.")
    unread: int = Field(description="Unread notifications left.")


class ChannelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    kind: Literal["webhook", "email"]
    url: str | None = Field(None, max_length=2000, description="Webhook URL (public http/https).")
    webhook_format: Literal["json", "slack"] = Field("json", description="Body shape of a webhook.")
    signing_secret: str | None = Field(
        None, min_length=8, max_length=500, description="HMAC-SHA256 key; stored encrypted, never shown."
    )
    recipients: list[str] = Field(default_factory=list, max_length=20, description="Email addresses.")
    digest: bool = Field(False, description="Send one daily digest instead of each alert.")
    enabled: bool = True


class ChannelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    url: str | None = Field(None, max_length=2000)
    webhook_format: Literal["json", "slack"] | None = None
    signing_secret: str | None = Field(None, max_length=500, description='"" removes the secret.')
    recipients: list[str] | None = Field(None, max_length=20)
    digest: bool | None = None
    enabled: bool | None = None


class ChannelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    url: str | None = Field(description="Webhook URL; below the admin role only its host is shown.")
    webhook_format: str | None
    has_signing_secret: bool
    recipients: list[str]
    digest: bool
    enabled: bool
    last_delivery_at: datetime | None
    last_delivery_ok: bool | None
    created_at: datetime


class ChannelTestOut(BaseModel):
    ok: bool
    response_status: int | None = Field(description="HTTP status (webhooks) or SMTP code of the answer.")
    error: str | None = Field(description="Why it failed, as `code: message`.")


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel_id: int
    status: str = Field(description="pending (retrying), sent or failed.")
    attempts: int
    last_error: str | None
    response_status: int | None
    run_id: int | None
    sent_at: datetime | None


class AlertEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    level: str
    rule_key: str
    subject_key: str
    source: str
    source_id: int | None
    title: str
    body: str
    link: str | None = Field(description="Dashboard path of the chart it is about.")
    details: dict[str, Any]
    fired_at: datetime
    deliveries: list[DeliveryOut] = Field(default_factory=list)
