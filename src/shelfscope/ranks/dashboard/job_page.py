"""A job's page: its health and latest check (live), the rank chart of one keyword, the keyword table.

``?keyword={keyword_id}`` selects the chart's keyword (alerts and movers link there) and
``?days=`` its window; a keyword id that is not the job's falls back to the first keyword.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.ranks.dashboard.exports import export_links, serves
from shelfscope.ranks.dashboard.forms import FREQUENCY_LABELS
from shelfscope.ranks.dashboard.overview import job_rows
from shelfscope.ranks.history import KeywordStatus, keyword_statuses
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import JobStatus
from shelfscope.ranks.windows import window_since
from shelfscope.web import WebContextDep, render
from shelfscope.web.vendor import plotly_url

__all__ = ["CHART_DAYS", "router"]

router = APIRouter(include_in_schema=False)

CHART_DAYS = (7, 30, 90, 365)


def _selected(statuses: list[KeywordStatus], keyword_id: int | None) -> KeywordStatus | None:
    for status in statuses:
        if status.keyword_id == keyword_id:
            return status
    return statuses[0] if statuses else None


@router.get("/ranks/jobs/{job_id}")
def job_page(
    request: Request,
    *,
    job_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    keyword: Annotated[str | None, Query()] = None,
    days: Annotated[str | None, Query()] = None,
) -> Response:
    workspace_id = web.workspace.id
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    row = job_rows(session, workspace_id=workspace_id, jobs=[job])[0]
    statuses = keyword_statuses(session, workspace_id=workspace_id, job_id=job.id, now=platform.clock.now())
    selected = _selected(statuses, int(keyword) if keyword and keyword.isdigit() else None)
    window = int(days) if days and days.isdigit() and int(days) in CHART_DAYS else 30
    chart_url = None
    if selected is not None:
        chart_url = f"/api/v1/ranks/jobs/{job.id}/keywords/{selected.keyword_id}/chart?days={window}"
    return render(
        request,
        "ranks/job.html",
        web=web,
        job=job,
        row=row,
        statuses=statuses,
        selected=selected,
        window=window,
        chart_days=CHART_DAYS,
        chart_url=chart_url,
        focus_chart=selected is not None and keyword is not None,
        plotly_src=plotly_url(),
        frequency_label=FREQUENCY_LABELS.get(job.frequency, job.frequency),
        paused=job.status == JobStatus.PAUSED.value,
        exports=export_links(request, job_id=job.id, since=window_since(platform.clock.now(), window)),
        has_alerts=serves(request, f"/ranks/jobs/{job.id}/alerts"),
        counts={
            "ok": sum(1 for s in statuses if s.status is not None and s.status.value == "ok"),
            "not_found": sum(1 for s in statuses if s.status is not None and s.status.value == "not_found"),
            "failed": sum(1 for s in statuses if s.status is not None and s.status.value == "failed"),
            "unchecked": sum(1 for s in statuses if s.status is None),
        },
    )
