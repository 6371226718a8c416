"""Settings → Alerts: the workspace's delivery channels (add, send test, pause, remove) and the
latest alerts with how their deliveries went. Everyone reads; admins change channels."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from shelfscope.alerts import channels, history
from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.web import WebContextDep, flash, redirect, render, user_errors

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

ALERTS_PATH = "/settings/alerts"
RECENT = 20
FormStr = Annotated[str, Form()]


@router.get(ALERTS_PATH)
def alerts_page(request: Request, web: WebContextDep, session: SessionDep) -> Response:
    workspace_id = web.workspace.id
    rows = list(session.scalars(channels.channels_query(workspace_id=workspace_id)))
    events = list(session.scalars(history.events_query(workspace_id=workspace_id).limit(RECENT)))
    deliveries = history.deliveries_of(session, workspace_id=workspace_id, event_ids=[e.id for e in events])
    names = {row.id: row.name for row in rows}
    return render(
        request, "alerts/channels.html", web=web, tab="alerts", channels=rows, events=events,
        deliveries=deliveries, channel_names=names,
        shown_urls={row.id: row.url if web.is_admin else channels.masked_url(row.url) for row in rows},
    )  # fmt: skip


@router.post(f"{ALERTS_PATH}/channels")
def add_channel(  # noqa: PLR0917 - one form field each
    request: Request,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    name: FormStr = "",
    kind: FormStr = "webhook",
    url: FormStr = "",
    webhook_format: FormStr = "json",
    signing_secret: FormStr = "",
    recipients: FormStr = "",
    digest: FormStr = "",
) -> Response:
    with user_errors(request, session, success="Channel added"):
        web.principal.require(Role.ADMIN)
        channels.create_channel(
            session, platform, workspace_id=web.workspace.id, name=name, kind=kind, url=url or None,
            webhook_format=webhook_format, signing_secret=signing_secret or None,
            recipients=recipients.replace(";", ",").replace("\n", ",").split(","), digest=digest == "on",
        )  # fmt: skip
    return redirect(request, ALERTS_PATH)


@router.post(f"{ALERTS_PATH}/channels/{{alert_channel_id}}/test")
def test_channel(
    request: Request, alert_channel_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    with user_errors(request, session) as outcome:
        web.principal.require(Role.ADMIN)
        result = history.send_test(
            session, platform, workspace_id=web.workspace.id, channel_id=alert_channel_id
        )
    if outcome.ok:
        if result.ok:
            flash(request, "success", f"Test alert delivered ({result.response_status})")
        else:
            flash(request, "error", f"Test alert failed: {result.error}")
    return redirect(request, ALERTS_PATH)


@router.post(f"{ALERTS_PATH}/channels/{{alert_channel_id}}/toggle")
def toggle_channel(
    request: Request, alert_channel_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    with user_errors(request, session) as outcome:
        web.principal.require(Role.ADMIN)
        channel = channels.get_channel(session, workspace_id=web.workspace.id, channel_id=alert_channel_id)
        channels.update_channel(
            session, platform, workspace_id=web.workspace.id, channel_id=channel.id,
            changes={"enabled": not channel.enabled},
        )  # fmt: skip
    if outcome.ok:
        flash(request, "success", f"Channel “{channel.name}” {'resumed' if channel.enabled else 'paused'}")
    return redirect(request, ALERTS_PATH)


@router.post(f"{ALERTS_PATH}/channels/{{alert_channel_id}}/delete")
def delete_channel(
    request: Request, alert_channel_id: IdPath, web: WebContextDep, session: SessionDep
) -> Response:
    with user_errors(request, session, success="Channel removed"):
        web.principal.require(Role.ADMIN)
        channels.delete_channel(session, workspace_id=web.workspace.id, channel_id=alert_channel_id)
    return redirect(request, ALERTS_PATH)
