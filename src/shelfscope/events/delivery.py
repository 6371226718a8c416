"""Best-effort publishing for services: after their transaction commits, never failing their work.

Live updates are a convenience on top of stored state. A service that saved its rows must not
fail because the bus is down; the client reloads on its next reconnect anyway. So these helpers
log an unreachable bus instead of raising, and events tied to database changes are held until
the transaction commits (a rolled-back change must not announce itself).
"""

from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from shelfscope.errors import TransientError
from shelfscope.events.types import Event, EventBus
from shelfscope.logs import get_logger

__all__ = ["publish_after_commit", "publish_quietly"]

log = get_logger(__name__)

_PENDING_KEY = "shelfscope.pending_events"


def publish_quietly(bus: EventBus, event: Event) -> Event | None:
    """Publish ``event``; on an unreachable bus log it and return None instead of raising."""
    try:
        return bus.publish(event)
    except TransientError as exc:
        log.warning(
            "event_not_published", event_type=event.type, workspace_id=event.workspace_id, error=str(exc)
        )
        return None


def publish_after_commit(session: Session, bus: EventBus, event: Event) -> None:
    """Publish ``event`` once ``session``'s transaction commits; drop it if it rolls back."""
    pending: list[tuple[EventBus, Event]] | None = session.info.get(_PENDING_KEY)
    if pending is None:
        pending = session.info[_PENDING_KEY] = []
        sa_event.listen(session, "after_commit", _flush_pending)
        sa_event.listen(session, "after_rollback", _drop_pending)
    pending.append((bus, event))


def _flush_pending(session: Session) -> None:
    pending: list[tuple[EventBus, Event]] = session.info.get(_PENDING_KEY) or []
    session.info[_PENDING_KEY] = []
    for bus, event in pending:
        publish_quietly(bus, event)


def _drop_pending(session: Session) -> None:
    session.info[_PENDING_KEY] = []
