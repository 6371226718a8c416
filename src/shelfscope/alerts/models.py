"""Tables of alerting: in-app notifications, delivery channels, fired alerts and their deliveries.

* :class:`Notification`: one row per recipient user in the notification centre.
* :class:`AlertChannel`: where a workspace's alerts go besides the dashboard (a webhook in JSON or
  Slack shape, or email), either at once or gathered into one daily digest.
* :class:`AlertEvent`: one alert that fired: which rule, for which subject, when, and the message.
* :class:`AlertDelivery`: one alert (or one digest) sent to one channel, with status and attempts.
* :class:`AlertCooldown`: when a (rule, subject) last fired; the compare-and-set that makes a rule
  fire at most once per cooldown, whichever worker evaluates it.
* :class:`AlertDigest`: one row per (workspace, day) that had its digest claimed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.auth.audit import Auditable
from shelfscope.auth.vault import register_encrypted_column
from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK, TimestampMixin

__all__ = [
    "CHANNEL_KINDS",
    "DELIVERY_STATUSES",
    "LEVELS",
    "WEBHOOK_FORMATS",
    "AlertChannel",
    "AlertCooldown",
    "AlertDelivery",
    "AlertDigest",
    "AlertEvent",
    "Notification",
    "NotificationLevel",
]

_WORKSPACE_FK = "workspaces.id"
CHANNEL_KINDS = ("webhook", "email")
WEBHOOK_FORMATS = ("json", "slack")
DELIVERY_STATUSES = ("pending", "sent", "failed")

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
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64), default="general")
    level: Mapped[str] = mapped_column(String(16), default="info")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class AlertChannel(Auditable, TimestampMixin, Base):
    """A place alerts are sent to. The webhook signing secret is vault ciphertext, never shown again."""

    __tablename__ = "alert_channels"
    __audit_ignore__ = frozenset({"last_delivery_at", "last_delivery_ok"})
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        Index("ix_alert_channels_workspace_id_id", "workspace_id", "id"),
        CheckConstraint("kind IN ('webhook', 'email')", name="kind"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    webhook_format: Mapped[str | None] = mapped_column(String(16), doc="json or slack (webhooks only).")
    url: Mapped[str | None] = mapped_column(String(2000))
    signing_secret: Mapped[str | None] = mapped_column(Text, doc="Vault ciphertext of the HMAC key.")
    recipients: Mapped[list[Any]] = mapped_column(default=list, doc="Email addresses (email only).")
    digest: Mapped[bool] = mapped_column(default=False, doc="Only the daily digest, not each alert.")
    enabled: Mapped[bool] = mapped_column(default=True)
    last_delivery_at: Mapped[datetime | None]
    last_delivery_ok: Mapped[bool | None]

    @property
    def has_signing_secret(self) -> bool:
        return self.signing_secret is not None


register_encrypted_column(AlertChannel, "signing_secret")


class AlertEvent(Base):
    """One alert that fired. ``dedupe_key`` makes evaluating the same input twice fire nothing new."""

    __tablename__ = "alert_events"
    __table_args__ = (
        UniqueConstraint("workspace_id", "dedupe_key"),
        Index("ix_alert_events_workspace_id_fired_at", "workspace_id", "fired_at"),
        Index("ix_alert_events_workspace_id_source", "workspace_id", "source", "source_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64), doc="What fired, for example rank_moved.")
    level: Mapped[str] = mapped_column(String(16), default="warning")
    rule_key: Mapped[str] = mapped_column(String(200), doc="The rule that fired (feature-defined).")
    subject_key: Mapped[str] = mapped_column(String(200), doc="What it fired for (feature-defined).")
    source: Mapped[str] = mapped_column(String(32), doc="The feature that raised it, for example ranks.")
    source_id: Mapped[int | None] = mapped_column(doc="The feature's row it is about (a tracking job).")
    dedupe_key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="Figures behind the alert, as JSON.")
    fired_at: Mapped[datetime]


class AlertDelivery(Base):
    """One message to one channel: a single alert (``event_id``) or a day's digest (``digest_day``)."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("channel_id", "event_id"),
        UniqueConstraint("channel_id", "digest_day"),
        Index("ix_alert_deliveries_workspace_id_event_id", "workspace_id", "event_id"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("alert_channels.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("alert_events.id", ondelete="CASCADE"))
    digest_day: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    response_status: Mapped[int | None]
    run_id: Mapped[int | None] = mapped_column(doc="The delivery run (no foreign key: runs are pruned).")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class AlertCooldown(Base):
    """When a rule last fired for a subject: the gate of "at most once per cooldown"."""

    __tablename__ = "alert_cooldowns"
    __table_args__ = (UniqueConstraint("workspace_id", "rule_key", "subject_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    rule_key: Mapped[str] = mapped_column(String(200))
    subject_key: Mapped[str] = mapped_column(String(200))
    fired_at: Mapped[datetime]


class AlertDigest(Base):
    """A workspace's digest of one day, claimed once (insert-if-absent) by the scheduler."""

    __tablename__ = "alert_digests"
    __table_args__ = (UniqueConstraint("workspace_id", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int | None]
    events: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
