"""The fetch health panel: the score and its factors, block rate, top errors, bandwidth per day.

Also the overview card, which shows the last 24 hours' score. Everything is read from the
request log, so it covers every worker that fetched for the workspace.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.auth.principal import Principal
from shelfscope.fetch.insights import top_block_kinds, top_errors
from shelfscope.fetch.pages._forms import PROVIDER_LABELS
from shelfscope.fetch.pages.proxies import WINDOWS, window_hours
from shelfscope.fetch.scoring import WEIGHTS, HealthScore, health_score
from shelfscope.fetch.usage import usage_by_provider_day
from shelfscope.platform import Platform
from shelfscope.web.cards import Stat
from shelfscope.web.context import WebContextDep
from shelfscope.web.templating import render
from shelfscope.web.vendor import plotly_url

__all__ = ["FACTOR_LABELS", "HEALTH_PATH", "health_card", "router", "score_tone"]

router = APIRouter(include_in_schema=False)

HEALTH_PATH = "/fetch"
USAGE_DAYS = 14
FACTOR_LABELS = {
    "success": "Successful requests",
    "latency": "Latency",
    "block_avoidance": "Block avoidance",
    "active_jobs": "Runs getting pages",
}


def score_tone(score: float) -> str:
    """The status colour of a score: green from 90, amber from 70, red below."""
    if score >= 90:
        return "succeeded"
    return "partial" if score >= 70 else "failed"


def block_rate(score: HealthScore) -> float:
    return score.blocked / score.requests if score.requests else 0.0


@router.get(HEALTH_PATH)
def health_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    hours: Annotated[int | None, Query()] = None,
) -> Response:
    window = window_hours(hours)
    now = platform.clock.now()
    since = now - timedelta(hours=window)
    score = health_score(session, workspace_id=web.workspace.id, now=now, window=timedelta(hours=window))
    usage = usage_by_provider_day(
        session,
        workspace_id=web.workspace.id,
        since=(now - timedelta(days=USAGE_DAYS - 1)).date(),
        until=now.date(),
    )
    return render(
        request,
        "fetch/health.html",
        web=web,
        score=score,
        tone=score_tone(score.score),
        weights=WEIGHTS,
        factor_labels=FACTOR_LABELS,
        block_rate=block_rate(score),
        errors=top_errors(session, workspace_id=web.workspace.id, since=since, until=now),
        block_kinds=top_block_kinds(session, workspace_id=web.workspace.id, since=since, until=now),
        usage=usage,
        peak_bytes=max((u.bytes for u in usage), default=0),
        providers=PROVIDER_LABELS,
        usage_days=USAGE_DAYS,
        window=window,
        window_options=[(str(h), label.capitalize()) for h, label in WINDOWS.items()],
        window_label=WINDOWS[window],
        since=since,
        plotly_src=plotly_url(),
    )


def health_card(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    """The overview card: the last 24 hours' score, requests and block rate."""
    score = health_score(session, workspace_id=principal.workspace_id, now=platform.clock.now())
    note = None if score.requests else "No fetches in the last 24 hours: nothing is failing."
    return {
        "stats": [
            Stat(
                label="Health score",
                value=f"{score.score:.0f}",
                url=HEALTH_PATH,
                tone=score_tone(score.score),
            ),
            Stat(label="Requests (24 h)", value=score.requests, url="/fetch/requests"),
            Stat(label="Block rate", value=f"{block_rate(score):.1%}", url="/fetch/requests?blocked=yes"),
        ],
        "note": note,
    }
