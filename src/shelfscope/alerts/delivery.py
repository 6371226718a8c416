"""The ``alerts.deliver`` run: send one delivery, record every attempt, let the job system retry.

Each attempt is written in its own transaction before the error propagates, so the history
shows attempts and the last error even while the run waits for its next try. A transient
failure is re-raised (the run retries with backoff until ``alerts.delivery_attempts``); a
refusal fails the delivery at once. A delivery already sent is never sent again, so a run
executed twice (a lost worker, a duplicate queue message) sends one message.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from shelfscope.alerts.messages import AlertItem, Message, alert_message, digest_message
from shelfscope.alerts.models import AlertChannel, AlertDelivery, AlertEvent
from shelfscope.alerts.sending import send_to_channel
from shelfscope.errors import InvalidInput, NotFound, ShelfscopeError, TransientError
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shelfscope.jobs.context import RunContext
    from shelfscope.platform import Platform

__all__ = ["day_events", "deliver_run", "sample_message"]

log = get_logger(__name__)


def day_events(session: Session, *, workspace_id: int, day: date) -> list[AlertEvent]:
    """The workspace's alerts fired on ``day`` (UTC), oldest first."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    query = (
        select(AlertEvent)
        .where(
            AlertEvent.workspace_id == workspace_id,
            AlertEvent.fired_at >= start,
            AlertEvent.fired_at < start + timedelta(days=1),
        )
        .order_by(AlertEvent.fired_at, AlertEvent.id)
    )
    return list(session.scalars(query))


def _message(session: Session, platform: Platform, delivery: AlertDelivery) -> Message:
    public_url = platform.settings.web.public_url
    if delivery.event_id is not None:
        event = session.get(AlertEvent, delivery.event_id)
        if event is None:
            raise NotFound(f"alert {delivery.event_id} no longer exists")
        return alert_message(event, public_url=public_url)
    if delivery.digest_day is None:
        raise InvalidInput(f"delivery {delivery.id} names neither an alert nor a digest day")
    events = day_events(session, workspace_id=delivery.workspace_id, day=delivery.digest_day)
    return digest_message(delivery.workspace_id, delivery.digest_day, events, public_url=public_url)


def sample_message(workspace_id: int, *, now: datetime) -> Message:
    """What "send test" sends: a harmless alert-shaped message."""
    item = AlertItem(
        id=0, kind="test", level="info", title="Test alert from shelfscope",
        body="This channel is set up correctly.", link=None, fired_at=now, rule="test", subject="test",
        source="alerts", source_id=None,
    )  # fmt: skip
    return Message(workspace_id=workspace_id, items=(item,), test=True)


def _record(
    platform: Platform, delivery_id: int, *, ok: bool, final: bool, error: str | None, status: int | None
) -> None:
    with platform.db.session() as session:
        delivery = session.get(AlertDelivery, delivery_id)
        if delivery is None:
            return
        now = platform.clock.now()
        delivery.attempts += 1
        delivery.last_error = error[:500] if error else None
        delivery.response_status = status
        delivery.status = "sent" if ok else ("failed" if final else "pending")
        if ok:
            delivery.sent_at = now
        channel = session.get(AlertChannel, delivery.channel_id)
        if channel is not None and (ok or final):
            channel.last_delivery_at, channel.last_delivery_ok = now, ok


def deliver_run(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``alerts.deliver``: payload ``{"delivery_id": …}``."""
    platform = ctx.platform
    delivery_id = int(ctx.payload["delivery_id"])
    with platform.db.session() as session:
        delivery = session.scalar(
            select(AlertDelivery).where(
                AlertDelivery.id == delivery_id, AlertDelivery.workspace_id == ctx.workspace_id
            )
        )
        if delivery is None:
            raise NotFound(f"alert delivery {delivery_id} not found")
        if delivery.status != "pending":
            return {"delivery_id": delivery_id, "status": delivery.status, "skipped": True}
        channel = session.get(AlertChannel, delivery.channel_id)
        if channel is None:
            raise NotFound(f"alert channel {delivery.channel_id} not found")
        message = _message(session, platform, delivery)
        session.expunge(channel)
    try:
        status = send_to_channel(platform, channel, message)
    except ShelfscopeError as exc:
        final = (
            not isinstance(exc, TransientError) or ctx.attempt >= platform.settings.alerts.delivery_attempts
        )
        _record(platform, delivery_id, ok=False, final=final, error=f"{exc.code}: {exc.message}",
                status=getattr(exc, "status", None))  # fmt: skip
        log.warning("alert_delivery_failed", delivery_id=delivery_id, channel_id=channel.id,
                    error=exc.code, attempt=ctx.attempt, final=final)  # fmt: skip
        raise
    _record(platform, delivery_id, ok=True, final=True, error=None, status=status)
    return {"delivery_id": delivery_id, "status": "sent", "response_status": status}
