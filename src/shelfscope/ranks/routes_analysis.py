"""JSON API of the rank analyses under /api/v1/ranks: statistics, share of voice, competition,
and exports (CSV streamed, or the same rows as JSON pages). Another workspace's job answers 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from shelfscope.api.deps import MAX_ID, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep
from shelfscope.ranks import competition, export, sov, stats
from shelfscope.ranks.schemas_analysis import (
    ExportRowOut,
    KeywordCompetitionOut,
    KeywordShareOut,
    KeywordStatsOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/ranks", tags=["ranks"])

AsinQuery = Annotated[
    str | None, Query(min_length=10, max_length=10, description="A competitor ASIN [default: the job's].")
]
WindowQuery = Annotated[int, Query(description="Days back from now (1 to 365).")]


@router.get("/jobs/{tracking_job_id}/stats", summary="Statistics per keyword over 7, 30 or 90 days")
def keyword_stats(
    *,
    tracking_job_id: IdPath,
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    page: PageParamsDep,
    days: Annotated[int, Query(description="7, 30 or 90.")] = 30,
    asin: AsinQuery = None,
) -> Page[KeywordStatsOut]:
    sliced = stats.keyword_stats(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        days=days,
        now=platform.clock.now(),
        asin=asin,
        offset=page.offset,
        limit=page.limit,
    )
    items = [KeywordStatsOut.model_validate(row) for row in sliced.items]
    return Page[KeywordStatsOut](items=items, total=sliced.total, limit=page.limit, offset=page.offset)


@router.get(
    "/jobs/{tracking_job_id}/share-of-voice",
    summary="Share of voice per keyword and brand, with the tracked ASINs side by side",
)
def share_of_voice(
    *,
    tracking_job_id: IdPath,
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    page: PageParamsDep,
    scope: sov.SovScope = sov.SovScope.PAGE1,
    days: WindowQuery = 30,
    brands: Annotated[int, Query(ge=1, le=100, description="Top brands per keyword.")] = 10,
) -> Page[KeywordShareOut]:
    sliced = sov.share_of_voice(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        scope=scope,
        days=days,
        now=platform.clock.now(),
        top_brands=brands,
        offset=page.offset,
        limit=page.limit,
    )
    items = [KeywordShareOut.model_validate(row) for row in sliced.items]
    return Page[KeywordShareOut](items=items, total=sliced.total, limit=page.limit, offset=page.offset)


@router.get(
    "/jobs/{tracking_job_id}/competition",
    summary="Competition level per keyword (a heuristic) and search volume where a real source has it",
)
def keyword_competition(
    *,
    tracking_job_id: IdPath,
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    page: PageParamsDep,
    days: WindowQuery = 30,
) -> Page[KeywordCompetitionOut]:
    sliced = competition.keyword_competition(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        now=platform.clock.now(),
        days=days,
        offset=page.offset,
        limit=page.limit,
    )
    items = [KeywordCompetitionOut.model_validate(row) for row in sliced.items]
    return Page[KeywordCompetitionOut](items=items, total=sliced.total, limit=page.limit, offset=page.offset)


def _filters(
    *,
    since: Annotated[datetime | None, Query(description="From this time (UTC when no offset).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
    asin: Annotated[str | None, Query(max_length=20, description="Only this ASIN.")] = None,
    keyword: Annotated[str | None, Query(max_length=400, description="Only this keyword (any case).")] = None,
    marketplace: Annotated[str | None, Query(max_length=40, description="Only this marketplace.")] = None,
    job: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this tracking job.")] = None,
) -> export.ExportFilters:
    return export.export_filters(
        since=since, until=until, asin=asin, keyword=keyword, marketplace=marketplace, job_id=job
    )


FiltersDep = Annotated[export.ExportFilters, Depends(_filters)]


@router.get(
    "/export.csv",
    summary="Observations as CSV, streamed: combined, organic-only or sponsored-only",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_csv(
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    filters: FiltersDep,
    kind: export.ExportKind = export.ExportKind.COMBINED,
) -> StreamingResponse:
    query = export.export_query(session, workspace_id=principal.workspace_id, filters=filters)
    filename = export.export_filename(kind, filters)
    return StreamingResponse(
        export.stream_csv(platform.db, query, kind),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/export",
    summary="The rows of the CSV export as JSON pages",
    response_model_exclude_unset=True,
)
def export_json(
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    filters: FiltersDep,
    kind: export.ExportKind = export.ExportKind.COMBINED,
) -> Page[ExportRowOut]:
    rows, total = export.export_page(
        session,
        workspace_id=principal.workspace_id,
        kind=kind,
        filters=filters,
        offset=page.offset,
        limit=page.limit,
    )
    items = [ExportRowOut.model_validate(row) for row in rows]
    return Page[ExportRowOut](items=items, total=total, limit=page.limit, offset=page.offset)
