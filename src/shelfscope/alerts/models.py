"""Tables of the alerts feature. For now: in-app notifications, one row per recipient user."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK

__all__ = ["LEVELS", "Notification", "NotificationLevel"]

NotificationLevel = Literal["info", "success", "warning", "error"]
LEVELS: tuple[str, ...] = get_args(NotificationLevel)


class Notification(Base):
    """A message in one user's notification centre, within one workspace.

    Fan-out to every member writes one row each, so reading and marking read are plain
    per-user rows with no shared state between recipients.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient", "workspace_id", "user_id", "id"),
        Index("ix_notifications_unread", "workspace_id", "user_id", "read_at"),
        CheckConstraint(f"level IN ({', '.join(repr(level) for level in LEVELS)})", name="level"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64), default="general")
    level: Mapped[str] = mapped_column(String(16), default="info")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
