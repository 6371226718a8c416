"""JSON API of alert delivery: channels (with "send test") and the alert history.

Channels are workspace configuration: members read them, admins change them, because a
webhook URL decides where the workspace's data goes. Another workspace's ids answer 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shelfscope.alerts import channels, history
from shelfscope.alerts.channels import masked_url
from shelfscope.alerts.models import AlertChannel
from shelfscope.alerts.schemas import (
    AlertEventOut,
    ChannelCreate,
    ChannelOut,
    ChannelTestOut,
    ChannelUpdate,
    DeliveryOut,
)
from shelfscope.api.deps import AdminDep, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.auth.principal import Principal, Role

__all__ = ["router"]

router = APIRouter(prefix="/alerts", tags=["alerts"])


def _out(channel: AlertChannel, principal: Principal) -> ChannelOut:
    """Webhook paths are credentials: only admins, who may change them, see them whole."""
    out = ChannelOut.model_validate(channel)
    return out if principal.role.allows(Role.ADMIN) else out.model_copy(update={"url": masked_url(out.url)})


@router.get("/channels", summary="Alert channels of the workspace")
def list_channels(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[ChannelOut]:
    rows, total = paginate(session, channels.channels_query(workspace_id=principal.workspace_id), page)
    items = [_out(row, principal) for row in rows]
    return Page[ChannelOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/channels", status_code=status.HTTP_201_CREATED, summary="Add a webhook or email channel")
def create_channel(
    body: ChannelCreate, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> ChannelOut:
    channel = channels.create_channel(
        session, platform, workspace_id=principal.workspace_id, **body.model_dump()
    )
    return ChannelOut.model_validate(channel)


@router.get("/channels/{alert_channel_id}", summary="An alert channel")
def get_channel(alert_channel_id: IdPath, principal: ViewerDep, session: SessionDep) -> ChannelOut:
    channel = channels.get_channel(session, workspace_id=principal.workspace_id, channel_id=alert_channel_id)
    return _out(channel, principal)


@router.patch("/channels/{alert_channel_id}", summary="Change an alert channel")
def update_channel(
    alert_channel_id: IdPath,
    body: ChannelUpdate,
    principal: AdminDep,
    session: SessionDep,
    platform: PlatformDep,
) -> ChannelOut:
    changes = body.model_dump(exclude_unset=True)
    channel = channels.update_channel(
        session, platform, workspace_id=principal.workspace_id, channel_id=alert_channel_id, changes=changes
    )
    return ChannelOut.model_validate(channel)


@router.delete(
    "/channels/{alert_channel_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a channel"
)
def delete_channel(alert_channel_id: IdPath, principal: AdminDep, session: SessionDep) -> Response:
    channels.delete_channel(session, workspace_id=principal.workspace_id, channel_id=alert_channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/channels/{alert_channel_id}/test", summary="Send a sample alert to the channel now")
def test_channel(
    alert_channel_id: IdPath, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> ChannelTestOut:
    result = history.send_test(
        session, platform, workspace_id=principal.workspace_id, channel_id=alert_channel_id
    )
    return ChannelTestOut(ok=result.ok, response_status=result.response_status, error=result.error)


@router.get("/events", summary="Alerts that fired, newest first, with their deliveries")
def list_events(
    *,
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    source: Annotated[str | None, Query(max_length=32, description="Feature, for example `ranks`.")] = None,
    source_id: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="Row of the feature.")] = None,
    kind: Annotated[str | None, Query(max_length=64, description="Alert kind, e.g. `rank_moved`.")] = None,
) -> Page[AlertEventOut]:
    query = history.events_query(
        workspace_id=principal.workspace_id, source=source, source_id=source_id, kind=kind
    )
    rows, total = paginate(session, query, page)
    sent = history.deliveries_of(
        session, workspace_id=principal.workspace_id, event_ids=[row.id for row in rows]
    )
    items = [
        AlertEventOut.model_validate(row).model_copy(
            update={"deliveries": [DeliveryOut.model_validate(d) for d in sent.get(row.id, [])]}
        )
        for row in rows
    ]
    return Page[AlertEventOut](items=items, total=total, limit=page.limit, offset=page.offset)
