"""The rank chart's data under /api/v1/ranks: one keyword's ranks over a window, with page boundaries.

The dashboard's chart reads it with the session cookie; scripts can read it with a bearer key.
Another workspace's ids answer 404, like every ranks route.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from shelfscope.api.deps import PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath
from shelfscope.ranks.dashboard.chart_data import keyword_chart
from shelfscope.ranks.models import ObservationStatus
from shelfscope.ranks.windows import MAX_WINDOW_DAYS

__all__ = ["ChartOut", "ChartPointOut", "router"]

router = APIRouter(prefix="/ranks", tags=["ranks"])


class ChartPointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    observed_at: datetime
    status: ObservationStatus
    organic_rank: int | None
    sponsored_rank: int | None
    page: int | None
    position: int | None
    failure_reason: str | None
    run_id: int


class ChartOut(BaseModel):
    """Checks of one keyword, oldest first; failed checks have no ranks and say why."""

    model_config = ConfigDict(from_attributes=True)

    job_id: int
    keyword_id: int
    keyword: str
    asin: str
    marketplace: str
    depth: int
    since: datetime
    until: datetime
    page_boundaries: list[float]
    points: list[ChartPointOut]


@router.get(
    "/jobs/{tracking_job_id}/keywords/{tracked_keyword_id}/chart",
    summary="A keyword's organic and sponsored ranks over the last days, for a chart",
)
def keyword_chart_data(
    *,
    tracking_job_id: IdPath,
    tracked_keyword_id: IdPath,
    principal: ViewerDep,
    session: SessionDep,
    platform: PlatformDep,
    days: Annotated[int, Query(ge=1, le=MAX_WINDOW_DAYS, description="Days back from now.")] = 30,
    asin: Annotated[
        str | None, Query(min_length=10, max_length=10, description="A competitor ASIN [default: the job's].")
    ] = None,
) -> ChartOut:
    chart = keyword_chart(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        keyword_id=tracked_keyword_id,
        now=platform.clock.now(),
        days=days,
        asin=asin,
    )
    return ChartOut.model_validate(chart)
