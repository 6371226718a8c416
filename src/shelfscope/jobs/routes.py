"""JSON API of runs and schedules, under /api/v1. Another workspace's ids answer 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shelfscope.api.deps import MemberDep, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.errors import InvalidInput
from shelfscope.jobs import service
from shelfscope.jobs.demo import create_demo_runs
from shelfscope.jobs.models import RunStatus
from shelfscope.jobs.schemas import (
    DemoRunsCreate,
    RunOut,
    RunsCreated,
    ScheduleCreate,
    ScheduleOut,
    ScheduleUpdate,
)

__all__ = ["router"]

router = APIRouter()


@router.get("/runs", response_model=Page[RunOut], tags=["runs"], summary="Runs, newest first")
def list_runs(
    *,
    principal: ViewerDep,
    session: SessionDep,
    page: PageParamsDep,
    status_: Annotated[RunStatus | None, Query(alias="status")] = None,
    kind: Annotated[str | None, Query(max_length=100)] = None,
    parent_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Page[RunOut]:
    query = service.runs_query(
        workspace_id=principal.workspace_id, status=status_, kind=kind, parent_id=parent_id
    )
    rows, total = paginate(session, query, page)
    items = [RunOut.model_validate(row) for row in rows]
    return Page[RunOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/runs/{run_id}", response_model=RunOut, tags=["runs"], summary="One run")
@router.get("/jobs/{run_id}", response_model=RunOut, tags=["runs"], summary="One run (alias of /runs/{id})")
def get_run(run_id: IdPath, principal: ViewerDep, session: SessionDep) -> RunOut:
    return RunOut.model_validate(service.get_run(session, workspace_id=principal.workspace_id, run_id=run_id))


@router.post("/runs/{run_id}/cancel", response_model=RunOut, tags=["runs"], summary="Cancel a run")
def cancel_run(run_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep) -> RunOut:
    run = service.cancel_run(session, platform, workspace_id=principal.workspace_id, run_id=run_id)
    return RunOut.model_validate(run)


@router.post("/runs/{run_id}/retry", response_model=RunOut, tags=["runs"], summary="Retry an ended run")
def retry_run(run_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep) -> RunOut:
    run = service.retry_run(session, platform, workspace_id=principal.workspace_id, run_id=run_id)
    return RunOut.model_validate(run)


@router.post(
    "/runs/demo",
    response_model=RunsCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["runs"],
    summary="Queue demo runs that count slowly",
)
def create_demo(
    body: DemoRunsCreate, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> RunsCreated:
    runs = create_demo_runs(
        session,
        platform,
        workspace_id=principal.workspace_id,
        count=body.count,
        items=body.items,
        sleep_seconds=body.sleep_seconds,
        created_by_user_id=principal.user_id,
    )
    return RunsCreated(items=[RunOut.model_validate(run) for run in runs])


@router.get("/schedules", response_model=Page[ScheduleOut], tags=["schedules"], summary="Schedules")
def list_schedules(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[ScheduleOut]:
    rows, total = paginate(session, service.schedules_query(workspace_id=principal.workspace_id), page)
    items = [ScheduleOut.model_validate(row) for row in rows]
    return Page[ScheduleOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/schedules",
    response_model=ScheduleOut,
    status_code=status.HTTP_201_CREATED,
    tags=["schedules"],
    summary="Create a schedule",
)
def create_schedule(
    body: ScheduleCreate, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> ScheduleOut:
    schedule = service.create_schedule(
        session,
        platform,
        workspace_id=principal.workspace_id,
        kind=body.kind,
        cron=body.cron,
        interval_seconds=body.interval_seconds,
        name=body.name or "",
        subject=body.subject or "",
        payload=body.payload,
        priority=body.priority or 0,
        enabled=True if body.enabled is None else body.enabled,
        created_by_user_id=principal.user_id,
    )
    return ScheduleOut.model_validate(schedule)


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut, tags=["schedules"], summary="A schedule")
def get_schedule(schedule_id: IdPath, principal: ViewerDep, session: SessionDep) -> ScheduleOut:
    schedule = service.get_schedule(session, workspace_id=principal.workspace_id, schedule_id=schedule_id)
    return ScheduleOut.model_validate(schedule)


@router.patch(
    "/schedules/{schedule_id}", response_model=ScheduleOut, tags=["schedules"], summary="Change a schedule"
)
def update_schedule(
    *,
    schedule_id: IdPath,
    body: ScheduleUpdate,
    principal: MemberDep,
    session: SessionDep,
    platform: PlatformDep,
) -> ScheduleOut:
    changes = body.model_dump(exclude_unset=True)
    for required in ("name", "kind", "subject", "priority", "enabled"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required} cannot be null", field=required)
    schedule = service.update_schedule(
        session, platform, workspace_id=principal.workspace_id, schedule_id=schedule_id, changes=changes
    )
    return ScheduleOut.model_validate(schedule)


@router.delete(
    "/schedules/{schedule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    tags=["schedules"],
    summary="Delete a schedule",
)
def delete_schedule(schedule_id: IdPath, principal: MemberDep, session: SessionDep) -> Response:
    service.delete_schedule(session, workspace_id=principal.workspace_id, schedule_id=schedule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
