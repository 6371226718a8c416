"""JSON API of rank tracking under /api/v1/ranks. Another workspace's ids answer 404."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shelfscope.api.deps import MemberDep, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.jobs.schemas import RunOut
from shelfscope.ranks import check_runs, history, jobs, keywords
from shelfscope.ranks.models import Frequency, JobStatus, TrackingJob
from shelfscope.ranks.pages import savings_of
from shelfscope.ranks.schemas import (
    BulkKeywords,
    BulkReportOut,
    JobCreate,
    JobOut,
    JobUpdate,
    KeywordCreate,
    KeywordOut,
    KeywordStatusOut,
    ObservationOut,
    SavingsOut,
    SchedulePreviewOut,
)

__all__ = ["router"]

router = APIRouter(prefix="/ranks", tags=["ranks"])

AsinQuery = Annotated[
    str | None, Query(min_length=10, max_length=10, description="A competitor ASIN [default: the job's].")
]
_CREATED = status.HTTP_201_CREATED
_NO_CONTENT = status.HTTP_204_NO_CONTENT


def _utc(value: datetime | None) -> datetime | None:
    """Query datetimes without an offset are taken as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _job_out(session: SessionDep, job: TrackingJob) -> JobOut:
    counts = keywords.keyword_counts(session, workspace_id=job.workspace_id, job_ids=[job.id])
    return JobOut.model_validate(job).model_copy(update={"keyword_count": counts.get(job.id, 0)})


@router.get("/jobs", summary="Tracking jobs, newest first")
def list_jobs(
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
) -> Page[JobOut]:
    rows, total = paginate(
        session, jobs.jobs_query(workspace_id=principal.workspace_id, status=status_), page
    )
    counts = keywords.keyword_counts(
        session, workspace_id=principal.workspace_id, job_ids=[r.id for r in rows]
    )
    items = [JobOut.model_validate(r).model_copy(update={"keyword_count": counts.get(r.id, 0)}) for r in rows]
    return Page[JobOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post("/jobs", status_code=_CREATED, summary="Start tracking an ASIN on a marketplace")
def create_job(body: JobCreate, principal: MemberDep, session: SessionDep, platform: PlatformDep) -> JobOut:
    job = jobs.create_job(
        session,
        platform,
        workspace_id=principal.workspace_id,
        asin=body.asin,
        marketplace=body.marketplace,
        frequency=body.frequency.value,
        depth=body.depth,
        delay_min_seconds=body.delay_min_seconds,
        delay_max_seconds=body.delay_max_seconds,
        competitor_asins=body.competitor_asins,
        keywords=body.keywords,
        name=body.name,
        status=body.status,
        created_by_user_id=principal.user_id,
    )
    return _job_out(session, job)


@router.get("/schedule-preview", summary="When a job with this frequency would run")
def schedule_preview(
    principal: ViewerDep, platform: PlatformDep, frequency: Frequency = Frequency.DAILY
) -> SchedulePreviewOut:
    preview = jobs.preview_schedule(platform, frequency=frequency.value)
    return SchedulePreviewOut(
        first_run_at=preview.first_run_at,
        following_run_at=preview.following_run_at,
        interval_seconds=preview.interval_seconds,
    )


@router.get("/savings", summary="Bytes saved by sharing search pages between jobs")
def savings(principal: ViewerDep, session: SessionDep) -> SavingsOut:
    pages, saved = savings_of(session, workspace_id=principal.workspace_id)
    return SavingsOut(pages_reused=pages, bytes_saved=saved)


@router.get("/jobs/{tracking_job_id}", summary="A tracking job")
def get_job(tracking_job_id: IdPath, principal: ViewerDep, session: SessionDep) -> JobOut:
    return _job_out(
        session, jobs.get_job(session, workspace_id=principal.workspace_id, job_id=tracking_job_id)
    )


@router.patch("/jobs/{tracking_job_id}", summary="Change a tracking job")
def update_job(
    tracking_job_id: IdPath, body: JobUpdate, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> JobOut:
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    job = jobs.update_job(
        session, platform, workspace_id=principal.workspace_id, job_id=tracking_job_id, changes=changes
    )
    return _job_out(session, job)


@router.delete(
    "/jobs/{tracking_job_id}",
    summary="Delete a job and its history",
    status_code=_NO_CONTENT,
    response_class=Response,
)
def delete_job(
    tracking_job_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> Response:
    jobs.delete_job(session, platform, workspace_id=principal.workspace_id, job_id=tracking_job_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/jobs/{tracking_job_id}/pause", summary="Stop scheduling a job")
def pause_job(
    tracking_job_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> JobOut:
    job = jobs.pause_job(session, platform, workspace_id=principal.workspace_id, job_id=tracking_job_id)
    return _job_out(session, job)


@router.post("/jobs/{tracking_job_id}/resume", summary="Schedule a paused job again")
def resume_job(
    tracking_job_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> JobOut:
    job = jobs.resume_job(session, platform, workspace_id=principal.workspace_id, job_id=tracking_job_id)
    return _job_out(session, job)


@router.post("/jobs/{tracking_job_id}/run", status_code=_CREATED, summary="Check every keyword of a job now")
def run_now(
    tracking_job_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> RunOut:
    run = check_runs.run_job_now(
        session,
        platform,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        created_by_user_id=principal.user_id,
    )
    return RunOut.model_validate(run)


@router.get("/jobs/{tracking_job_id}/runs", summary="Check runs of a job, newest first")
def job_runs(
    tracking_job_id: IdPath, principal: ViewerDep, session: SessionDep, page: PageParamsDep
) -> Page[RunOut]:
    jobs.get_job(session, workspace_id=principal.workspace_id, job_id=tracking_job_id)
    rows, total = paginate(
        session, check_runs.job_runs_query(workspace_id=principal.workspace_id, job_id=tracking_job_id), page
    )
    items = [RunOut.model_validate(row) for row in rows]
    return Page[RunOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/jobs/{tracking_job_id}/keywords", summary="The keyword table: latest ranks, change and status")
def keyword_table(
    *,
    tracking_job_id: IdPath,
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    page: PageParamsDep,
    asin: AsinQuery = None,
    window_days: Annotated[int, Query(ge=1, le=365, description="Days of best/worst rank.")] = 30,
) -> Page[KeywordStatusOut]:
    statuses = history.keyword_statuses(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        asin=asin,
        now=platform.clock.now(),
        window_days=window_days,
    )
    chosen = statuses[page.offset : page.offset + page.limit]
    items = [KeywordStatusOut.model_validate(row) for row in chosen]
    return Page[KeywordStatusOut](items=items, total=len(statuses), limit=page.limit, offset=page.offset)


@router.post("/jobs/{tracking_job_id}/keywords", status_code=_CREATED, summary="Add one keyword")
def add_keyword(
    tracking_job_id: IdPath,
    body: KeywordCreate,
    principal: MemberDep,
    session: SessionDep,
    platform: PlatformDep,
) -> KeywordOut:
    row = keywords.add_keyword(
        session,
        settings=platform.settings.ranks,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        keyword=body.keyword,
    )
    return KeywordOut.model_validate(row)


@router.post("/jobs/{tracking_job_id}/keywords/bulk", summary="Add keywords from pasted lines or CSV")
def add_keywords_bulk(
    tracking_job_id: IdPath,
    body: BulkKeywords,
    principal: MemberDep,
    session: SessionDep,
    platform: PlatformDep,
) -> BulkReportOut:
    report = keywords.add_keywords_from_text(
        session,
        settings=platform.settings.ranks,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        text=body.text,
        csv_format=body.format == "csv",
    )
    return BulkReportOut.model_validate(report)


@router.delete(
    "/jobs/{tracking_job_id}/keywords/{tracked_keyword_id}",
    summary="Stop tracking a keyword",
    status_code=_NO_CONTENT,
    response_class=Response,
)
def remove_keyword(
    tracking_job_id: IdPath, tracked_keyword_id: IdPath, principal: MemberDep, session: SessionDep
) -> Response:
    keywords.remove_keyword(
        session, workspace_id=principal.workspace_id, job_id=tracking_job_id, keyword_id=tracked_keyword_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/jobs/{tracking_job_id}/keywords/{tracked_keyword_id}/history",
    summary="Observations of a keyword, newest first",
)
def keyword_history(
    *,
    tracking_job_id: IdPath,
    tracked_keyword_id: IdPath,
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    asin: AsinQuery = None,
    since: Annotated[datetime | None, Query(description="From this time (UTC when no offset).")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
) -> Page[ObservationOut]:
    query = history.keyword_history_query(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        keyword_id=tracked_keyword_id,
        asin=asin,
        since=_utc(since),
        until=_utc(until),
    )
    rows, total = paginate(session, query, page)
    items = [ObservationOut.model_validate(row) for row in rows]
    return Page[ObservationOut](items=items, total=total, limit=page.limit, offset=page.offset)
