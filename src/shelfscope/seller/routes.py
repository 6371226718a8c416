"""JSON API of the seller feature: connections, sync status per kind, and the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from shelfscope.api.deps import AdminDep, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.seller import connections
from shelfscope.seller.backfill.plan import kind_status
from shelfscope.seller.exports import ledger_filters, ledger_query
from shelfscope.seller.models import SellerConnection
from shelfscope.seller.oauth import consent_url
from shelfscope.seller.runtime import runtime_for
from shelfscope.seller.schemas import (
    ConnectionOut,
    ConnectionTest,
    ConsentRequest,
    ConsentUrl,
    KindStatusOut,
    LedgerEntryOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/seller", tags=["seller"])


@router.get("/connections", summary="Amazon seller connections of this workspace")
def list_connections(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[ConnectionOut]:
    query = (
        select(SellerConnection)
        .where(SellerConnection.workspace_id == principal.workspace_id)
        .order_by(SellerConnection.id)
    )
    rows, total = paginate(session, query, page)
    return Page[ConnectionOut](
        items=[ConnectionOut.model_validate(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/connections/consent-url", summary="Start Connect Amazon: the Seller Central consent URL")
def start_consent(
    body: ConsentRequest, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> ConsentUrl:
    url = consent_url(
        session,
        settings=platform.settings,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        region=body.region,
        now=platform.clock.now(),
    )
    return ConsentUrl(url=url)


@router.post("/connections/{connection_id}/test", summary="Call Amazon with the stored authorization")
def test_connection(connection_id: IdPath, principal: AdminDep, platform: PlatformDep) -> ConnectionTest:
    marketplaces = connections.check_connection(
        runtime_for(platform), workspace_id=principal.workspace_id, connection_id=connection_id
    )
    return ConnectionTest(ok=True, marketplace_ids=marketplaces)


@router.post("/connections/{connection_id}/pause", summary="Stop syncing until resumed")
def pause(connection_id: IdPath, principal: AdminDep, session: SessionDep) -> ConnectionOut:
    row = connections.set_paused(
        session, workspace_id=principal.workspace_id, connection_id=connection_id, paused=True
    )
    return ConnectionOut.model_validate(row)


@router.post("/connections/{connection_id}/resume", summary="Resume syncing")
def resume(connection_id: IdPath, principal: AdminDep, session: SessionDep) -> ConnectionOut:
    row = connections.set_paused(
        session, workspace_id=principal.workspace_id, connection_id=connection_id, paused=False
    )
    return ConnectionOut.model_validate(row)


@router.delete("/connections/{connection_id}", summary="Disconnect and delete the stored authorization")
def disconnect(connection_id: IdPath, principal: AdminDep, session: SessionDep) -> ConnectionOut:
    row = connections.disconnect(session, workspace_id=principal.workspace_id, connection_id=connection_id)
    return ConnectionOut.model_validate(row)


@router.get("/status", summary="Sync status per connection and data kind")
def status(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[KindStatusOut]:
    result: list[KindStatusOut] = []
    for connection in connections.list_connections(session, workspace_id=principal.workspace_id):
        for kind in kind_status(session, connection_id=connection.id):
            result.append(KindStatusOut(connection_id=connection.id, **vars(kind)))
    items = result[page.offset : page.offset + page.limit]
    return Page[KindStatusOut](items=items, total=len(result), limit=page.limit, offset=page.offset)


@router.get("/ledger", summary="Ledger entries, newest first, with filters")
def ledger(
    *,
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    source: Annotated[str | None, Query(max_length=32, description="Source kind, e.g. orders.")] = None,
    marketplace_id: Annotated[str | None, Query(max_length=32)] = None,
    sku: Annotated[str | None, Query(max_length=100)] = None,
    order_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(description="Event time from (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="Event time before (exclusive).")] = None,
) -> Page[LedgerEntryOut]:
    filters = ledger_filters(
        source=source, marketplace_id=marketplace_id, sku=sku, order_id=order_id, since=since, until=until
    )
    rows, total = paginate(session, ledger_query(workspace_id=principal.workspace_id, filters=filters), page)
    return Page[LedgerEntryOut](
        items=[LedgerEntryOut.model_validate(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
