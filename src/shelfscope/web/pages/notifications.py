"""The notification centre: the user's notifications in this workspace, unread first in mind."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shelfscope.alerts.notifications import list_notifications, mark_all_read, mark_read
from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.web.context import WebContext, WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import back_to
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _user_id(web: WebContext) -> int:
    assert web.principal.user_id is not None  # a web context always has a user
    return web.principal.user_id


@router.get("/notifications")
def notifications_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    show: str = "all",
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    page_limit, page_offset = page_params(limit, offset)
    unread_only = show == "unread"
    rows, total = list_notifications(
        session,
        workspace_id=web.workspace.id,
        user_id=_user_id(web),
        unread_only=unread_only,
        limit=page_limit,
        offset=page_offset,
    )
    return render(
        request,
        "notifications.html",
        web=web,
        notifications=rows,
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        unread_only=unread_only,
    )


@router.post("/notifications/{notification_id}/read")
def read_one(
    request: Request,
    *,
    notification_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
) -> Response:
    mark_read(
        session,
        workspace_id=web.workspace.id,
        user_id=_user_id(web),
        notification_id=notification_id,
        bus=platform.bus,
        now=platform.clock.now(),
    )
    return redirect(request, back_to(request, default="/notifications", prefix="/notifications"))


@router.post("/notifications/read-all")
def read_all(request: Request, web: WebContextDep, session: SessionDep, platform: PlatformDep) -> Response:
    updated = mark_all_read(
        session,
        workspace_id=web.workspace.id,
        user_id=_user_id(web),
        bus=platform.bus,
        now=platform.clock.now(),
    )
    flash(request, "success", f"Marked {updated} notification{'s' if updated != 1 else ''} read")
    return redirect(request, back_to(request, default="/notifications", prefix="/notifications"))
