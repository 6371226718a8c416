"""The jobs page (every run of the workspace, live progress), a run's detail, cancel and retry."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.jobs.models import RunStatus
from shelfscope.jobs.registry import known_kinds, load_task_modules
from shelfscope.jobs.service import cancel_run, get_run, list_runs, retry_run, runs_query
from shelfscope.web.context import WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import back_to, user_errors
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.templating import redirect, render

__all__ = ["router", "status_counts"]

router = APIRouter(include_in_schema=False)

STATUS_ORDER = [status.value for status in RunStatus]
CANCELLABLE = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)
RETRYABLE = (RunStatus.FAILED.value, RunStatus.CANCELLED.value, RunStatus.PARTIAL.value)


def status_counts(session: Session, *, workspace_id: int) -> dict[str, int]:
    """How many of the workspace's runs are in each status (every status present, zero if none)."""
    scoped = runs_query(workspace_id=workspace_id).order_by(None).subquery()
    rows = session.execute(select(scoped.c.status, func.count()).group_by(scoped.c.status))
    counts = dict.fromkeys(STATUS_ORDER, 0)
    counts.update({str(status): int(count) for status, count in rows})
    return counts


def _status_filter(value: str | None) -> RunStatus | None:
    return RunStatus(value) if value in STATUS_ORDER else None


@router.get("/jobs")
def jobs_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    status: str | None = None,
    kind: str | None = None,
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    page_limit, page_offset = page_params(limit, offset)
    load_task_modules()
    runs, total = list_runs(
        session,
        workspace_id=web.workspace.id,
        status=_status_filter(status),
        kind=kind or None,
        limit=page_limit,
        offset=page_offset,
    )
    return render(
        request,
        "jobs/list.html",
        web=web,
        runs=runs,
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        counts=status_counts(session, workspace_id=web.workspace.id),
        statuses=STATUS_ORDER,
        status_options=[("", "Any status"), *((s, s.capitalize()) for s in STATUS_ORDER)],
        kind_options=[
            ("", "Any kind"),
            *((k, k) for k in sorted(set(known_kinds()) | ({kind} if kind else set()))),
        ],
        status_filter=status if status in STATUS_ORDER else "",
        kind_filter=kind or "",
        cancellable=CANCELLABLE,
        retryable=RETRYABLE,
    )


@router.get("/jobs/{run_id}")
def run_page(request: Request, run_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    run = get_run(session, workspace_id=web.workspace.id, run_id=run_id)
    children, child_total = list_runs(session, workspace_id=web.workspace.id, parent_id=run.id, limit=50)
    return render(
        request,
        "jobs/detail.html",
        web=web,
        run=run,
        children=children,
        child_total=child_total,
        payload_json=json.dumps(run.payload, indent=2, sort_keys=True, default=str),
        result_json=json.dumps(run.result, indent=2, sort_keys=True, default=str) if run.result else None,
        cancellable=CANCELLABLE,
        retryable=RETRYABLE,
    )


@router.post("/jobs/{run_id}/cancel")
def cancel(
    request: Request, run_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    web.principal.require(Role.MEMBER)
    with user_errors(request, session):
        run = cancel_run(session, platform, workspace_id=web.workspace.id, run_id=run_id)
        if run.status == RunStatus.CANCELLED.value:
            flash(request, "success", f"Run #{run_id} cancelled")
        else:
            flash(request, "info", f"Run #{run_id} will stop at its next checkpoint")
    return redirect(request, back_to(request, default="/jobs", prefix="/jobs"))


@router.post("/jobs/{run_id}/retry")
def retry(
    request: Request, run_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    web.principal.require(Role.MEMBER)
    with user_errors(request, session, success=f"Run #{run_id} queued again"):
        retry_run(session, platform, workspace_id=web.workspace.id, run_id=run_id)
    return redirect(request, back_to(request, default="/jobs", prefix="/jobs"))
