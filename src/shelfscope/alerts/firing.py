"""Firing an alert: the cooldown gate, the alert record, the in-app notification and deliveries.

Features decide *whether* something is worth an alert (their rules); this module decides whether
it may go out now and sends it everywhere. In one transaction of the caller:

1. ``dedupe_key`` already recorded → nothing (the same input evaluated twice, a retried run);
2. the cooldown gate, a single compare-and-set upsert on (workspace, rule, subject): it passes
   only when the pair never fired or last fired at least ``cooldown`` ago, so two workers
   evaluating at once cannot both pass;
3. an :class:`AlertEvent`, a notification for every member (live toast after commit), and one
   :class:`AlertDelivery` plus one ``alerts.deliver`` run per enabled channel that takes each
   alert (digest channels get the day's alerts later, in one message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shelfscope.alerts.models import AlertChannel, AlertCooldown, AlertDelivery, AlertEvent
from shelfscope.alerts.notifications import notify
from shelfscope.jobs.service import create_run

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["DELIVER_KIND", "Alert", "fire_alert", "pass_cooldown", "queue_delivery"]

DELIVER_KIND = "alerts.deliver"
"""The run kind that sends one delivery (one alert or one digest to one channel)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """What a feature wants to say, and the keys that gate it."""

    workspace_id: int
    kind: str
    rule_key: str
    subject_key: str
    dedupe_key: str
    title: str
    cooldown: timedelta
    source: str
    source_id: int | None = None
    body: str = ""
    link: str | None = None
    level: str = "warning"
    details: dict[str, Any] = field(default_factory=dict)


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def pass_cooldown(
    session: Session,
    *,
    workspace_id: int,
    rule_key: str,
    subject_key: str,
    now: datetime,
    cooldown: timedelta,
) -> bool:
    """Claim the (rule, subject) pair for ``now`` if its cooldown is over; False while it lasts."""
    table = cast("Table", AlertCooldown.__table__)
    stmt = _insert(session)(table).values(
        workspace_id=workspace_id, rule_key=rule_key, subject_key=subject_key, fired_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["workspace_id", "rule_key", "subject_key"],
        set_={"fired_at": stmt.excluded.fired_at},
        where=table.c.fired_at <= now - cooldown,
    )
    # RETURNING, not rowcount: drivers disagree on the rowcount of an upsert that changed nothing.
    return session.execute(stmt.returning(table.c.id)).first() is not None


def queue_delivery(
    session: Session, platform: Platform, channel: AlertChannel, delivery: AlertDelivery, *, subject: str
) -> None:
    """Record ``delivery`` and create the run that sends it, in the caller's transaction."""
    session.add(delivery)
    session.flush()
    run = create_run(
        session,
        platform,
        workspace_id=channel.workspace_id,
        kind=DELIVER_KIND,
        subject=f"{channel.name}: {subject}"[:500],
        payload={"delivery_id": delivery.id},
        max_attempts=platform.settings.alerts.delivery_attempts,
    )
    delivery.run_id = run.id


def fire_alert(session: Session, platform: Platform, alert: Alert) -> AlertEvent | None:
    """Record and send ``alert`` unless it is a duplicate or its cooldown lasts; the event or None."""
    seen = session.scalar(
        select(AlertEvent.id).where(
            AlertEvent.workspace_id == alert.workspace_id, AlertEvent.dedupe_key == alert.dedupe_key
        )
    )
    now = platform.clock.now()
    if seen is not None or not pass_cooldown(
        session,
        workspace_id=alert.workspace_id,
        rule_key=alert.rule_key,
        subject_key=alert.subject_key,
        now=now,
        cooldown=alert.cooldown,
    ):
        return None
    event = AlertEvent(
        workspace_id=alert.workspace_id,
        kind=alert.kind,
        level=alert.level,
        rule_key=alert.rule_key,
        subject_key=alert.subject_key,
        source=alert.source,
        source_id=alert.source_id,
        dedupe_key=alert.dedupe_key,
        title=alert.title[:200],
        body=alert.body,
        link=alert.link,
        details=alert.details,
        fired_at=now,
    )
    session.add(event)
    session.flush()
    notify(
        session,
        platform.bus,
        workspace_id=alert.workspace_id,
        title=event.title,
        body=alert.body,
        link=alert.link,
        level=alert.level,
        kind=f"alert:{alert.kind}"[:64],
        now=now,
    )
    channels = session.scalars(
        select(AlertChannel).where(
            AlertChannel.workspace_id == alert.workspace_id,
            AlertChannel.enabled.is_(True),
            AlertChannel.digest.is_(False),
        )
    )
    for channel in channels:
        delivery = AlertDelivery(workspace_id=alert.workspace_id, channel_id=channel.id, event_id=event.id)
        queue_delivery(session, platform, channel, delivery, subject=event.title)
    return event
