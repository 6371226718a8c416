"""In-app notifications: fan-out to members, listing, unread count and marking read.

Every function is scoped to ``(workspace_id, user_id)``: a notification of another user or
workspace is reported missing, never revealed. Live ``notification`` events go out only after
the caller's transaction commits, one per recipient and addressed to that user.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.orm import Session

from shelfscope.alerts.models import LEVELS, Notification
from shelfscope.alerts.schemas import NotificationOut
from shelfscope.auth.models import Membership, User
from shelfscope.clock import utcnow
from shelfscope.errors import InvalidInput, NotFound
from shelfscope.events.delivery import publish_after_commit
from shelfscope.events.types import Event, EventBus, EventType

__all__ = ["list_notifications", "mark_all_read", "mark_read", "notify", "unread_count"]

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_LINK = 500
_KIND = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")


def _safe_link(link: str) -> bool:
    """The dashboard renders the link as an anchor: only site paths and web URLs, never ``javascript:``.

    ``//host`` and ``/\\host`` are protocol-relative to browsers, so a path must not start with them.
    """
    if len(link) > MAX_LINK or any(char.isspace() or char == "\\" or ord(char) < 32 for char in link):
        return False
    return link.startswith(("https://", "http://")) or (link.startswith("/") and not link.startswith("//"))


def _check(*, title: str, body: str, link: str | None, level: str, kind: str) -> str:
    """Validate what a notification shows; returns the trimmed title."""
    title = title.strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"a notification title needs 1 to {MAX_TITLE} characters", field="title")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"a notification body is at most {MAX_BODY} characters", field="body")
    if level not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}, not {level!r}", field="level")
    if not _KIND.match(kind):
        raise InvalidInput("kind is a short lowercase name such as 'run_failed'", field="kind")
    if link is not None and not _safe_link(link):
        raise InvalidInput("link must be a dashboard path (/...) or an http(s) URL", field="link")
    return title


def _recipients(session: Session, *, workspace_id: int, user_id: int | None) -> list[int]:
    query = (
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == workspace_id, User.is_active.is_(True))
        .order_by(Membership.user_id)
    )
    if user_id is not None:
        query = query.where(Membership.user_id == user_id)
    recipients = list(session.scalars(query))
    if user_id is not None and not recipients:
        raise NotFound(f"user {user_id} not found in this workspace")
    return recipients


def notify(
    session: Session,
    bus: EventBus,
    *,
    workspace_id: int,
    title: str,
    body: str = "",
    link: str | None = None,
    level: str = "info",
    kind: str = "general",
    user_id: int | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Store a notification for ``user_id``, or for every active member when it is None.

    Returns the rows (flushed, with ids). Each recipient gets a ``notification`` event once the
    session commits; nothing is announced if it rolls back.
    """
    title = _check(title=title, body=body, link=link, level=level, kind=kind)
    created_at = now or utcnow()
    rows = [
        Notification(
            workspace_id=workspace_id,
            user_id=recipient,
            kind=kind,
            level=level,
            title=title,
            body=body,
            link=link,
            created_at=created_at,
        )
        for recipient in _recipients(session, workspace_id=workspace_id, user_id=user_id)
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        payload = NotificationOut.model_validate(row).model_dump(mode="json")
        event = Event(
            type=EventType.NOTIFICATION, workspace_id=workspace_id, user_id=row.user_id, payload=payload
        )
        publish_after_commit(session, bus, event)
    return rows


def _owned(workspace_id: int, user_id: int) -> ColumnElement[bool]:
    return and_(Notification.workspace_id == workspace_id, Notification.user_id == user_id)


def list_notifications(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    unread_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Notification], int]:
    """One page of the user's notifications, newest first, and the total matching."""
    query = select(Notification).where(_owned(workspace_id, user_id))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def unread_count(session: Session, *, workspace_id: int, user_id: int) -> int:
    query = select(func.count()).where(_owned(workspace_id, user_id), Notification.read_at.is_(None))
    return session.scalar(query) or 0


def mark_read(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    notification_id: int,
    bus: EventBus | None = None,
    now: datetime | None = None,
) -> Notification:
    """Mark one notification read (idempotent: the first read time is kept)."""
    row = session.scalar(
        select(Notification).where(Notification.id == notification_id, _owned(workspace_id, user_id))
    )
    if row is None:
        raise NotFound(f"notification {notification_id} not found")
    if row.read_at is None:
        row.read_at = now or utcnow()
        session.flush()
        _announce_read(session, bus, workspace_id=workspace_id, user_id=user_id, ids=[row.id])
    return row


def mark_all_read(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    bus: EventBus | None = None,
    now: datetime | None = None,
) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = session.execute(
        update(Notification)
        .where(_owned(workspace_id, user_id), Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    updated = int(result.rowcount)  # type: ignore[attr-defined]
    if updated:
        _announce_read(session, bus, workspace_id=workspace_id, user_id=user_id, ids=None)
    return updated


def _announce_read(
    session: Session, bus: EventBus | None, *, workspace_id: int, user_id: int, ids: list[int] | None
) -> None:
    """Tell the user's other open tabs, so their badges and lists agree. ``ids=None``: all."""
    if bus is None:
        return
    unread = unread_count(session, workspace_id=workspace_id, user_id=user_id)
    event = Event(
        type=EventType.NOTIFICATION_READ,
        workspace_id=workspace_id,
        user_id=user_id,
        payload={"ids": ids, "unread": unread},
    )
    publish_after_commit(session, bus, event)
