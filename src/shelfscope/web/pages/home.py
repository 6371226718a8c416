"""The overview: runs by status, recent runs, unread notifications, then every feature's card."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shelfscope.alerts.notifications import list_notifications
from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.jobs.service import list_runs
from shelfscope.web.cards import load_home_cards
from shelfscope.web.context import WebContextDep
from shelfscope.web.pages.jobs import CANCELLABLE, RETRYABLE, STATUS_ORDER, status_counts
from shelfscope.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

RECENT = 6


@router.get("/")
def home(request: Request, web: WebContextDep, session: SessionDep, platform: PlatformDep) -> Response:
    assert web.principal.user_id is not None
    runs, _ = list_runs(session, workspace_id=web.workspace.id, limit=RECENT)
    unread, _ = list_notifications(
        session, workspace_id=web.workspace.id, user_id=web.principal.user_id, unread_only=True, limit=5
    )
    return render(
        request,
        "home.html",
        web=web,
        counts=status_counts(session, workspace_id=web.workspace.id),
        statuses=STATUS_ORDER,
        recent_runs=runs,
        unread=unread,
        cards=load_home_cards(session, principal=web.principal, platform=platform),
        cancellable=CANCELLABLE,
        retryable=RETRYABLE,
    )
