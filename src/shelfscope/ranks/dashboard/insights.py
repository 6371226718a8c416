"""A job's analyses: statistics per keyword, share of voice by brand, competition and competitors.

The numbers come from the analysis services (:mod:`shelfscope.ranks.stats`, :mod:`.sov`,
:mod:`.competition`); this page only chooses the window and the share-of-voice scope and lays
them out. The competition level is a heuristic and the page says so, as the service does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.ranks.competition import keyword_competition
from shelfscope.ranks.dashboard.exports import export_links
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.sov import SovScope, share_of_voice
from shelfscope.ranks.stats import STAT_WINDOWS, keyword_stats
from shelfscope.ranks.windows import window_since
from shelfscope.web import WebContextDep, render

__all__ = ["SCOPE_LABELS", "router"]

router = APIRouter(include_in_schema=False)

SCOPE_LABELS = {SovScope.PAGE1.value: "Page 1", SovScope.PAGES_1_3.value: "Pages 1\u20133"}
_DEFAULT_DAYS = 30


def _days(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) in STAT_WINDOWS else _DEFAULT_DAYS


def _scope(value: str | None) -> SovScope:
    return SovScope(value) if value in SCOPE_LABELS else SovScope.PAGE1


@router.get("/ranks/jobs/{job_id}/insights")
def insights_page(
    request: Request,
    *,
    job_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    days: Annotated[str | None, Query()] = None,
    scope: Annotated[str | None, Query()] = None,
) -> Response:
    workspace_id = web.workspace.id
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    window, chosen = _days(days), _scope(scope)
    now = platform.clock.now()
    stats = keyword_stats(session, workspace_id=workspace_id, job_id=job.id, days=window, now=now)
    shares = share_of_voice(
        session, workspace_id=workspace_id, job_id=job.id, scope=chosen, days=window, now=now
    )
    competition = keyword_competition(session, workspace_id=workspace_id, job_id=job.id, days=window, now=now)
    return render(
        request,
        "ranks/insights.html",
        web=web,
        job=job,
        window=window,
        windows=STAT_WINDOWS,
        scope=chosen.value,
        scope_labels=SCOPE_LABELS,
        stats=stats.items,
        shares=shares.items,
        competition={row.keyword_id: row for row in competition.items},
        exports=export_links(request, job_id=job.id, since=window_since(platform.clock.now(), window)),
    )
