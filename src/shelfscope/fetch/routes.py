"""JSON API of the fetch engine under /api/v1/fetch: proxies, health score, request log, usage.

Another workspace's proxy ids answer 404. Passwords are write-only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shelfscope.api.deps import AdminDep, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.fetch import proxy_service
from shelfscope.fetch.requestlog import log_query
from shelfscope.fetch.schemas import (
    ConnectionTestOut,
    HealthScoreOut,
    ProxyCreate,
    ProxyOut,
    ProxyUpdate,
    RequestLogOut,
    ThresholdOut,
    ThresholdSet,
    UsageOut,
)
from shelfscope.fetch.scoring import WEIGHTS, health_score
from shelfscope.fetch.usage import set_threshold, thresholds_query, usage_by_provider_day

__all__ = ["router"]

router = APIRouter(prefix="/fetch", tags=["fetch"])


@router.get("/proxies", response_model=Page[ProxyOut], summary="Proxies of the workspace")
def list_proxies(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[ProxyOut]:
    rows, total = paginate(session, proxy_service.proxies_query(workspace_id=principal.workspace_id), page)
    items = [ProxyOut.model_validate(row) for row in rows]
    return Page[ProxyOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/proxies", response_model=ProxyOut, status_code=status.HTTP_201_CREATED, summary="Add a proxy")
def create_proxy(
    body: ProxyCreate, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> ProxyOut:
    proxy = proxy_service.create_proxy(
        session, platform.vault, workspace_id=principal.workspace_id, **body.model_dump()
    )
    return ProxyOut.model_validate(proxy)


@router.get("/proxies/{proxy_id}", response_model=ProxyOut, summary="One proxy")
def get_proxy(proxy_id: IdPath, principal: ViewerDep, session: SessionDep) -> ProxyOut:
    proxy = proxy_service.get_proxy(session, workspace_id=principal.workspace_id, proxy_id=proxy_id)
    return ProxyOut.model_validate(proxy)


@router.patch("/proxies/{proxy_id}", response_model=ProxyOut, summary="Change a proxy")
def update_proxy(
    proxy_id: IdPath, body: ProxyUpdate, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> ProxyOut:
    changes = body.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    proxy = proxy_service.update_proxy(
        session,
        platform.vault,
        workspace_id=principal.workspace_id,
        proxy_id=proxy_id,
        changes=changes,
        password=password,
    )
    return ProxyOut.model_validate(proxy)


@router.delete("/proxies/{proxy_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a proxy")
def delete_proxy(proxy_id: IdPath, principal: AdminDep, session: SessionDep) -> Response:
    proxy_service.delete_proxy(session, workspace_id=principal.workspace_id, proxy_id=proxy_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/proxies/{proxy_id}/enable", response_model=ProxyOut, summary="Enable a proxy")
def enable_proxy(proxy_id: IdPath, principal: AdminDep, session: SessionDep) -> ProxyOut:
    proxy = proxy_service.set_enabled(
        session, workspace_id=principal.workspace_id, proxy_id=proxy_id, enabled=True
    )
    return ProxyOut.model_validate(proxy)


@router.post("/proxies/{proxy_id}/disable", response_model=ProxyOut, summary="Disable a proxy")
def disable_proxy(proxy_id: IdPath, principal: AdminDep, session: SessionDep) -> ProxyOut:
    proxy = proxy_service.set_enabled(
        session, workspace_id=principal.workspace_id, proxy_id=proxy_id, enabled=False
    )
    return ProxyOut.model_validate(proxy)


@router.post(
    "/proxies/{proxy_id}/test", response_model=ConnectionTestOut, summary="Test a proxy's connection"
)
async def test_proxy(
    proxy_id: IdPath, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> ConnectionTestOut:
    proxy = proxy_service.get_proxy(session, workspace_id=principal.workspace_id, proxy_id=proxy_id)
    settings = platform.settings
    check_url = proxy_service.check_url_for(settings, sandbox_url=settings.sandbox.url)
    result = await proxy_service.test_connection(
        settings, proxy_service.entry_for(proxy, platform.vault), check_url=check_url
    )
    proxy_service.record_test(proxy, result, now=platform.clock.now())
    return ConnectionTestOut(**vars(result))


@router.get("/health", response_model=HealthScoreOut, summary="Fetch health score with its breakdown")
def get_health(
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    hours: Annotated[int, Query(ge=1, le=24 * 30)] = 24,
) -> HealthScoreOut:
    score = health_score(
        session, workspace_id=principal.workspace_id, now=platform.clock.now(), window=timedelta(hours=hours)
    )
    return HealthScoreOut(weights=WEIGHTS, **vars(score))


@router.get("/requests", response_model=Page[RequestLogOut], summary="Request log, newest first")
def list_requests(
    *,
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    outcome: Annotated[str | None, Query(pattern=r"^(succeeded|failed)$")] = None,
    blocked: bool | None = None,
    provider: Annotated[str | None, Query(max_length=20)] = None,
    host: Annotated[str | None, Query(max_length=255)] = None,
    run_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[int | None, Query(ge=100, le=599)] = None,
    proxy_id: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[RequestLogOut]:
    query = log_query(
        workspace_id=principal.workspace_id,
        outcome=outcome,
        blocked=blocked,
        provider=provider,
        host=host,
        run_id=run_id,
        status=status,
        proxy_id=proxy_id,
        since=since,
        until=until,
    )
    rows, total = paginate(session, query, page)
    items = [RequestLogOut.model_validate(row) for row in rows]
    return Page[RequestLogOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/usage", response_model=Page[UsageOut], summary="Bandwidth per provider per day")
def get_usage(
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    page: PageParamsDep,
    days: Annotated[int, Query(ge=1, le=90)] = 7,
) -> Page[UsageOut]:
    today = platform.clock.now().date()
    usage = usage_by_provider_day(
        session, workspace_id=principal.workspace_id, since=today - timedelta(days=days - 1), until=today
    )
    items = [
        UsageOut(
            provider=u.provider,
            day=u.day,
            requests=u.requests,
            bytes=u.bytes,
            megabytes=round(u.megabytes, 3),
            estimated_cost=u.estimated_cost,
        )
        for u in usage[page.offset : page.offset + page.limit]
    ]
    return Page[UsageOut](items=items, total=len(usage), limit=page.limit, offset=page.offset)


@router.get("/thresholds", response_model=Page[ThresholdOut], summary="Bandwidth thresholds")
def get_thresholds(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[ThresholdOut]:
    rows, total = paginate(session, thresholds_query(workspace_id=principal.workspace_id), page)
    items = [ThresholdOut.model_validate(row) for row in rows]
    return Page[ThresholdOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.put("/thresholds", response_model=ThresholdOut, summary="Set a provider's MB/day threshold")
def put_threshold(
    body: ThresholdSet,
    principal: AdminDep,
    session: SessionDep,
    provider: Annotated[str, Query(pattern=r"^(bright_data|smartproxy|oxylabs|custom)$")],
) -> ThresholdOut:
    row = set_threshold(
        session, workspace_id=principal.workspace_id, provider=provider, mb_per_day=body.mb_per_day
    )
    return ThresholdOut.model_validate(row)
