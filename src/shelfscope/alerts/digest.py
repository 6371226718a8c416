"""The daily digest: one message per workspace per day gathering that day's alerts.

The due source ``alerts.digest`` runs on every scheduler tick. Once ``alerts.digest_hour_utc``
has passed, each workspace with an enabled digest channel gets the digest of the previous UTC
day: claiming it is an insert-if-absent of an :class:`AlertDigest` row (workspace, day), so two
schedulers never create two digests. The ``alerts.digest`` run then queues one delivery per
digest channel (sent and retried like any alert). A day without alerts creates no digest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shelfscope.alerts.delivery import day_events
from shelfscope.alerts.firing import queue_delivery
from shelfscope.alerts.models import AlertChannel, AlertDelivery, AlertDigest, AlertEvent
from shelfscope.jobs.service import create_run

if TYPE_CHECKING:
    from shelfscope.jobs.context import RunContext
    from shelfscope.platform import Platform

__all__ = ["DIGEST_KIND", "DIGEST_SOURCE", "digest_day_due", "digest_run", "dispatch_digests"]

DIGEST_KIND = "alerts.digest"
DIGEST_SOURCE = "alerts.digest"


def digest_day_due(now: datetime, *, hour: int) -> date:
    """The latest day whose digest is due at ``now``: yesterday once ``hour`` (UTC) has passed."""
    return (now - timedelta(hours=hour)).date() - timedelta(days=1)


def _claim(session: Session, workspace_id: int, day: date) -> bool:
    table = cast("Table", AlertDigest.__table__)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(workspace_id=workspace_id, day=day)
        .on_conflict_do_nothing(index_elements=["workspace_id", "day"])
    )
    return session.execute(stmt.returning(table.c.id)).first() is not None


def _had_alerts(session: Session, workspace_id: int, day: date) -> bool:
    start = datetime.combine(day, time(), tzinfo=UTC)
    first = session.scalar(
        select(AlertEvent.id)
        .where(
            AlertEvent.workspace_id == workspace_id,
            AlertEvent.fired_at >= start,
            AlertEvent.fired_at < start + timedelta(days=1),
        )
        .limit(1)
    )
    return first is not None


def dispatch_digests(platform: Platform, now: datetime, limit: int) -> int:
    """Due source: create the due day's digest run for up to ``limit`` workspaces.

    A workspace whose day had no alerts gets its claim row without a run, so later ticks skip it
    (no alert can still be added to a day that is over).
    """
    day = digest_day_due(now, hour=platform.settings.alerts.digest_hour_utc)
    created = 0
    with platform.db.session() as session:
        claimed = select(AlertDigest.workspace_id).where(AlertDigest.day == day)
        workspaces = list(
            session.scalars(
                select(AlertChannel.workspace_id)
                .where(
                    AlertChannel.enabled.is_(True),
                    AlertChannel.digest.is_(True),
                    AlertChannel.workspace_id.not_in(claimed),
                )
                .distinct()
                .order_by(AlertChannel.workspace_id)
                .limit(limit)
            )
        )
    for workspace_id in workspaces:
        with platform.db.session() as session:
            if not _claim(session, workspace_id, day) or not _had_alerts(session, workspace_id, day):
                continue
            run = create_run(
                session,
                platform,
                workspace_id=workspace_id,
                kind=DIGEST_KIND,
                subject=f"Alert digest of {day.isoformat()}",
                payload={"day": day.isoformat()},
                enqueue=False,
            )
            digest = session.scalar(
                select(AlertDigest).where(AlertDigest.workspace_id == workspace_id, AlertDigest.day == day)
            )
            if digest is not None:
                digest.run_id = run.id
            created += 1
    return created


def digest_run(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``alerts.digest``: queue the day's digest to every digest channel."""
    day = date.fromisoformat(str(ctx.payload["day"]))
    workspace_id = ctx.workspace_id
    if workspace_id is None:
        return {"day": day.isoformat(), "events": 0, "deliveries": 0}
    platform = ctx.platform
    queued = 0
    with platform.db.session() as session:
        events = day_events(session, workspace_id=workspace_id, day=day)
        digest = session.scalar(
            select(AlertDigest).where(AlertDigest.workspace_id == workspace_id, AlertDigest.day == day)
        )
        if digest is not None:
            digest.events = len(events)
        if not events:
            return {"day": day.isoformat(), "events": 0, "deliveries": 0}
        channels = session.scalars(
            select(AlertChannel).where(
                AlertChannel.workspace_id == workspace_id,
                AlertChannel.enabled.is_(True),
                AlertChannel.digest.is_(True),
            )
        )
        for channel in list(channels):
            exists = session.scalar(
                select(AlertDelivery.id).where(
                    AlertDelivery.channel_id == channel.id, AlertDelivery.digest_day == day
                )
            )
            if exists is not None:
                continue
            delivery = AlertDelivery(workspace_id=workspace_id, channel_id=channel.id, digest_day=day)
            queue_delivery(session, platform, channel, delivery, subject=f"digest of {day.isoformat()}")
            queued += 1
    return {"day": day.isoformat(), "events": len(events), "deliveries": queued}
