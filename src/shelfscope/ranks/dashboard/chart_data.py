"""The rank chart of one keyword: its observations over a window, and where the pages end.

The chart plots organic and sponsored rank per check on an inverted axis, with a line at each
page boundary, so "fell to page 2" is visible at a glance. Boundaries come from the keyword's
latest snapshot (the organic cards each page actually held), because Amazon's grid size varies
by layout and marketplace; without a snapshot they are estimated from the observations.
Failed checks are kept as points without ranks, so a gap in the line is explained, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.ranks.history import keyword_history_query
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.keywords import get_keyword
from shelfscope.ranks.models import Observation, SerpSnapshot
from shelfscope.ranks.windows import validate_days, window_since

__all__ = ["MAX_POINTS", "ChartPoint", "KeywordChart", "keyword_chart", "page_boundaries"]

MAX_POINTS = 5000
"""An hourly job over a year is 8,760 checks; the chart keeps the newest this many."""


@dataclass(frozen=True, slots=True)
class ChartPoint:
    observed_at: datetime
    status: str
    organic_rank: int | None
    sponsored_rank: int | None
    page: int | None
    position: int | None
    failure_reason: str | None
    run_id: int


@dataclass(frozen=True, slots=True)
class KeywordChart:
    job_id: int
    keyword_id: int
    keyword: str
    asin: str
    marketplace: str
    depth: int
    since: datetime
    until: datetime
    page_boundaries: list[float] = field(default_factory=list)
    """Ranks between the last card of page n and the first of page n+1, for n = 1, 2, …"""
    points: list[ChartPoint] = field(default_factory=list)


def keyword_chart(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    keyword_id: int,
    now: datetime,
    days: int = 30,
    asin: str | None = None,
) -> KeywordChart:
    """The chart of one keyword over the last ``days``; NotFound for another workspace's ids."""
    since = window_since(now, validate_days(days))
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    keyword = get_keyword(session, workspace_id=workspace_id, job_id=job_id, keyword_id=keyword_id)
    query = keyword_history_query(
        session, workspace_id=workspace_id, job_id=job_id, keyword_id=keyword_id, asin=asin, since=since
    )
    rows = list(session.scalars(query.limit(MAX_POINTS)))
    rows.reverse()
    return KeywordChart(
        job_id=job.id,
        keyword_id=keyword.id,
        keyword=keyword.keyword,
        asin=rows[0].asin if rows else (asin or job.asin).strip().upper(),
        marketplace=job.marketplace,
        depth=job.depth,
        since=since,
        until=now,
        page_boundaries=_boundaries(session, job_id=job.id, keyword_id=keyword.id, rows=rows),
        points=[_point(row) for row in rows],
    )


def _point(row: Observation) -> ChartPoint:
    return ChartPoint(
        observed_at=row.observed_at,
        status=row.status,
        organic_rank=row.organic_rank,
        sponsored_rank=row.sponsored_rank,
        page=row.page,
        position=row.position,
        failure_reason=row.failure_reason,
        run_id=row.run_id,
    )


def _boundaries(session: Session, *, job_id: int, keyword_id: int, rows: list[Observation]) -> list[float]:
    snapshot = session.scalar(
        select(SerpSnapshot)
        .where(SerpSnapshot.job_id == job_id, SerpSnapshot.keyword_id == keyword_id)
        .order_by(SerpSnapshot.observed_at.desc(), SerpSnapshot.id.desc())
        .limit(1)
    )
    last_rank_by_page: dict[int, int] = {}
    if snapshot is not None:
        for result in snapshot.results.get("results", []):
            _asin, _brand, sponsored, rank, page = result[:5]
            if not sponsored and isinstance(rank, int) and isinstance(page, int):
                last_rank_by_page[page] = max(rank, last_rank_by_page.get(page, 0))
    if not last_rank_by_page:
        pairs = [(r.organic_page, r.organic_rank) for r in rows if r.organic_page and r.organic_rank]
        return _estimated(pairs)
    return page_boundaries(last_rank_by_page)


def page_boundaries(last_rank_by_page: dict[int, int]) -> list[float]:
    """Half a rank after the last organic card of each page that has a next page in the data."""
    pages = sorted(last_rank_by_page)
    return [last_rank_by_page[page] + 0.5 for page in pages if page + 1 in last_rank_by_page]


def _estimated(pairs: list[tuple[int, int]]) -> list[float]:
    """Boundaries between pages seen in observations: midway between one page's worst and the next's best."""
    worst: dict[int, int] = {}
    best: dict[int, int] = {}
    for page, rank in pairs:
        worst[page] = max(rank, worst.get(page, 0))
        best[page] = min(rank, best.get(page, rank))
    return [(worst[page] + best[page + 1]) / 2 for page in sorted(worst) if page + 1 in best]
