"""API shapes of notifications; the same shape travels in live ``notification`` events."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MarkedRead", "NotificationOut", "UnreadCount"]


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
