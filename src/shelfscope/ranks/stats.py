"""Per-keyword statistics of a job over 7, 30 or 90 days: the "history and trends" view.

What is counted, and why:

* A **failed** check (blocked, timeout, parse error) is unknown, not "not ranked": it counts in
  ``failed_checks`` and nowhere else. Found rate, averages and page-1 days use successful checks
  (``ok`` and ``not_found``) only.
* **Best/worst/average** ranks are over the successful checks in which the ASIN ranked. A check
  where it was not within the searched pages has no rank to average; it lowers the found rate.
* **Days on page 1**: distinct UTC days with a successful check that saw the ASIN organically on
  page 1, next to ``days_checked`` (distinct days with a successful check).
* **Volatility**: the mean absolute move of the organic rank between consecutive successful
  checks that both ranked it (places per check); None without two such checks.
* **Trend**: the organic rank of the first and the last ranked check in the window, as a
  :func:`~shelfscope.ranks.history.rank_change` (``delta`` > 0: it climbed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.ranks.history import Change, rank_change
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import Observation, ObservationStatus
from shelfscope.ranks.windows import Sliced, chosen_asin, keyword_slice, validate_days, window_since

__all__ = ["STAT_WINDOWS", "KeywordStats", "RankPoint", "keyword_stats", "summarise"]

STAT_WINDOWS: tuple[int, ...] = (7, 30, 90)
_BATCH = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class RankPoint:
    """One check of one keyword and ASIN, as the statistics need it."""

    observed_at: datetime
    status: ObservationStatus
    organic_rank: int | None = None
    organic_page: int | None = None
    sponsored_rank: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordStats:
    keyword_id: int
    keyword: str
    asin: str
    days: int
    checks: int
    successful_checks: int
    failed_checks: int
    found_checks: int
    found_rate: float | None
    """Share of successful checks that found the ASIN (organically or in an ad); None: none."""
    best_organic_rank: int | None
    worst_organic_rank: int | None
    average_organic_rank: float | None
    best_sponsored_rank: int | None
    worst_sponsored_rank: int | None
    average_sponsored_rank: float | None
    days_checked: int
    days_on_page1: int
    volatility: float | None
    trend: Change | None
    trend_delta: int | None
    last_checked_at: datetime | None


@dataclass(slots=True)
class _Tally:
    """The running totals of one keyword; memory stays constant in the number of checks."""

    checks: int = 0
    failed: int = 0
    found: int = 0
    organic: list[int] = field(default_factory=list)
    sponsored: list[int] = field(default_factory=list)
    days: set[date] = field(default_factory=set)
    page1_days: set[date] = field(default_factory=set)
    moves: list[int] = field(default_factory=list)
    previous_organic: int | None = None
    previous_ranked: bool = False
    last_at: datetime | None = None

    def add(self, point: RankPoint) -> None:
        self.checks += 1
        self.last_at = point.observed_at if self.last_at is None else max(self.last_at, point.observed_at)
        if point.status is ObservationStatus.FAILED:
            self.failed += 1
            return
        day = point.observed_at.date()
        self.days.add(day)
        if point.organic_rank is not None or point.sponsored_rank is not None:
            self.found += 1
        if point.sponsored_rank is not None:
            self.sponsored.append(point.sponsored_rank)
        if point.organic_rank is None:
            self.previous_ranked = False
            return
        self.organic.append(point.organic_rank)
        if point.organic_page == 1:
            self.page1_days.add(day)
        if self.previous_ranked and self.previous_organic is not None:
            self.moves.append(abs(point.organic_rank - self.previous_organic))
        self.previous_organic, self.previous_ranked = point.organic_rank, True


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _summary(tally: _Tally, *, keyword_id: int, keyword: str, asin: str, days: int) -> KeywordStats:
    successful = tally.checks - tally.failed
    trend, delta = (None, None)
    if len(tally.organic) > 1:
        trend, delta = rank_change(tally.organic[-1], tally.organic[0])
    return KeywordStats(
        keyword_id=keyword_id,
        keyword=keyword,
        asin=asin,
        days=days,
        checks=tally.checks,
        successful_checks=successful,
        failed_checks=tally.failed,
        found_checks=tally.found,
        found_rate=round(tally.found / successful, 4) if successful else None,
        best_organic_rank=min(tally.organic, default=None),
        worst_organic_rank=max(tally.organic, default=None),
        average_organic_rank=_mean(tally.organic),
        best_sponsored_rank=min(tally.sponsored, default=None),
        worst_sponsored_rank=max(tally.sponsored, default=None),
        average_sponsored_rank=_mean(tally.sponsored),
        days_checked=len(tally.days),
        days_on_page1=len(tally.page1_days),
        volatility=_mean(tally.moves),
        trend=trend,
        trend_delta=delta,
        last_checked_at=tally.last_at,
    )


def summarise(
    points: Iterable[RankPoint], *, keyword_id: int = 0, keyword: str = "", asin: str = "", days: int = 30
) -> KeywordStats:
    """The statistics of one keyword's checks, given oldest first."""
    tally = _Tally()
    for point in points:
        tally.add(point)
    return _summary(tally, keyword_id=keyword_id, keyword=keyword, asin=asin, days=days)


def keyword_stats(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    days: int,
    now: datetime,
    asin: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> Sliced[KeywordStats]:
    """Statistics per keyword of the job (in the order keywords were added) over ``days``.

    ``days`` is 7, 30 or 90; ``asin`` picks a competitor of the job (default: the job's own).
    Observations are read in batches, so a long window costs memory per keyword, not per check.
    """
    validate_days(days, allowed=STAT_WINDOWS)
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    chosen = chosen_asin(job.tracked_asins, asin)
    keywords, total = keyword_slice(
        session, workspace_id=workspace_id, job_id=job_id, offset=offset, limit=limit
    )
    tallies: dict[int, _Tally] = {keyword.id: _Tally() for keyword in keywords}
    query = (
        select(
            Observation.keyword_id,
            Observation.observed_at,
            Observation.status,
            Observation.organic_rank,
            Observation.organic_page,
            Observation.sponsored_rank,
        )
        .where(
            Observation.workspace_id == workspace_id,
            Observation.job_id == job.id,
            Observation.asin == chosen,
            Observation.observed_at >= window_since(now, days),
            Observation.observed_at <= now,
            Observation.keyword_id.in_(list(tallies)),
        )
        .order_by(Observation.keyword_id, Observation.observed_at, Observation.id)
        .execution_options(yield_per=_BATCH)
    )
    for keyword_id, observed_at, status, organic, page, sponsored in session.execute(query):
        tallies[keyword_id].add(
            RankPoint(
                observed_at=observed_at,
                status=ObservationStatus(status),
                organic_rank=organic,
                organic_page=page,
                sponsored_rank=sponsored,
            )
        )
    items = [
        _summary(tallies[kw.id], keyword_id=kw.id, keyword=kw.keyword, asin=chosen, days=days)
        for kw in keywords
    ]
    return Sliced(items=items, total=total)
