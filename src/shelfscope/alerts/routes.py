"""JSON API of the notification centre: list, unread count, mark read.

A principal without a user (an API key) has no notification centre: its lists are empty and
every id is reported missing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from shelfscope.alerts import notifications
from shelfscope.alerts.schemas import MarkedRead, NotificationOut, UnreadCount
from shelfscope.api.deps import MAX_ID, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import Page, PageParamsDep
from shelfscope.errors import NotFound

__all__ = ["router"]

router = APIRouter(prefix="/notifications", tags=["notifications"])

NotificationId = Annotated[int, Path(ge=1, le=MAX_ID, description="Notification id.")]


@router.get("", summary="Your notifications in this workspace, newest first")
def list_notifications(
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    unread: Annotated[bool, Query(description="Only notifications not read yet.")] = False,
) -> Page[NotificationOut]:
    rows: list[NotificationOut] = []
    total = 0
    if principal.user_id is not None:
        found, total = notifications.list_notifications(
            session,
            workspace_id=principal.workspace_id,
            user_id=principal.user_id,
            unread_only=unread,
            limit=page.limit,
            offset=page.offset,
        )
        rows = [NotificationOut.model_validate(row) for row in found]
    return Page[NotificationOut](items=rows, total=total, limit=page.limit, offset=page.offset)


@router.get("/unread-count", summary="How many of your notifications are unread")
def unread_count(principal: ViewerDep, session: SessionDep) -> UnreadCount:
    if principal.user_id is None:
        return UnreadCount(unread=0)
    return UnreadCount(
        unread=notifications.unread_count(
            session, workspace_id=principal.workspace_id, user_id=principal.user_id
        )
    )


@router.post("/{notification_id}/read", summary="Mark one notification read")
def mark_read(
    notification_id: NotificationId, principal: ViewerDep, session: SessionDep, platform: PlatformDep
) -> NotificationOut:
    if principal.user_id is None:
        raise NotFound(f"notification {notification_id} not found")
    row = notifications.mark_read(
        session,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        notification_id=notification_id,
        bus=platform.bus,
        now=platform.clock.now(),
    )
    return NotificationOut.model_validate(row)


@router.post("/read-all", summary="Mark all your notifications in this workspace read")
def mark_all_read(principal: ViewerDep, session: SessionDep, platform: PlatformDep) -> MarkedRead:
    if principal.user_id is None:
        return MarkedRead(updated=0, unread=0)
    scope = {"workspace_id": principal.workspace_id, "user_id": principal.user_id}
    updated = notifications.mark_all_read(session, **scope, bus=platform.bus, now=platform.clock.now())
    return MarkedRead(updated=updated, unread=notifications.unread_count(session, **scope))
