"""Reading observations back: a keyword's history, and the keyword table of a job.

The keyword table shows, per keyword, the last *healthy* ranks (a failed check never blanks
them) next to the status of the last check, the change against the previous successful check,
and the best and worst organic rank over a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from shelfscope.errors import InvalidInput
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.keywords import get_keyword
from shelfscope.ranks.models import Observation, ObservationStatus, TrackedKeyword, TrackingJob

__all__ = [
    "Change",
    "KeywordStatus",
    "history_query",
    "keyword_history_query",
    "keyword_statuses",
    "rank_change",
]

Change = Literal["up", "down", "stable", "new", "lost"]
_HEALTHY = (ObservationStatus.OK.value, ObservationStatus.NOT_FOUND.value)


def rank_change(current: int | None, previous: int | None) -> tuple[Change | None, int | None]:
    """How a rank moved between two successful checks; ``delta`` > 0 means it climbed.

    ``new``: ranked now, not before; ``lost``: ranked before, not now; None: unranked in both.
    """
    if current is not None and previous is not None:
        delta = previous - current
        return ("up" if delta > 0 else "down" if delta < 0 else "stable"), delta
    if current is not None:
        return "new", None
    if previous is not None:
        return "lost", None
    return None, None


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordStatus:
    keyword_id: int
    keyword: str
    asin: str
    status: ObservationStatus | None
    """Of the last check; None when the keyword was never checked."""
    failure_reason: str | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    organic_rank: int | None
    sponsored_rank: int | None
    page: int | None
    position: int | None
    change: Change | None
    delta: int | None
    sponsored_change: Change | None
    sponsored_delta: int | None
    best_organic_rank: int | None
    worst_organic_rank: int | None


def history_query(
    *,
    workspace_id: int,
    job_id: int,
    keyword_id: int,
    asin: str,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Observation]:
    """Observations of one keyword and ASIN, newest first, optionally within [since, until)."""
    query = select(Observation).where(
        Observation.workspace_id == workspace_id,
        Observation.job_id == job_id,
        Observation.keyword_id == keyword_id,
        Observation.asin == asin,
    )
    if since is not None:
        query = query.where(Observation.observed_at >= since)
    if until is not None:
        query = query.where(Observation.observed_at < until)
    return query.order_by(Observation.observed_at.desc(), Observation.id.desc())


def keyword_history_query(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    keyword_id: int,
    asin: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[Observation]:
    """:func:`history_query` after checking the keyword is the workspace's and the ASIN tracked."""
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    get_keyword(session, workspace_id=workspace_id, job_id=job_id, keyword_id=keyword_id)
    chosen = _tracked_asin(job, asin)
    if since is not None and until is not None and since >= until:
        raise InvalidInput("since must be before until", field="since")
    return history_query(
        workspace_id=workspace_id, job_id=job_id, keyword_id=keyword_id, asin=chosen, since=since, until=until
    )


def _tracked_asin(job: TrackingJob, asin: str | None) -> str:
    if asin is None:
        return job.asin
    wanted = asin.strip().upper()
    if wanted not in job.tracked_asins:
        raise InvalidInput(f"job {job.id} does not track {wanted}", field="asin")
    return wanted


def _newest(
    workspace_id: int, job_id: int, asin: str, *, healthy: bool, skip: int
) -> ScalarSelect[int | None]:
    """The id of the ``skip``-th newest observation of the outer query's keyword (a correlated
    subquery: one short backwards walk of the history index per keyword, whatever the history's
    length)."""
    query = select(Observation.id).where(
        Observation.workspace_id == workspace_id,
        Observation.job_id == job_id,
        Observation.keyword_id == TrackedKeyword.id,
        Observation.asin == asin,
    )
    if healthy:
        query = query.where(Observation.status.in_(_HEALTHY))
    ordered = query.order_by(Observation.observed_at.desc(), Observation.id.desc()).limit(1).offset(skip)
    return ordered.correlate(TrackedKeyword).scalar_subquery()


def _extreme(
    workspace_id: int, job_id: int, asin: str, *, since: datetime, worst: bool
) -> ScalarSelect[int | None]:
    """Best (lowest) or worst organic rank of the outer query's keyword since ``since``: a range
    of the covering history index, read without touching the table."""
    rank = func.max(Observation.organic_rank) if worst else func.min(Observation.organic_rank)
    query = select(rank).where(
        Observation.workspace_id == workspace_id,
        Observation.job_id == job_id,
        Observation.keyword_id == TrackedKeyword.id,
        Observation.asin == asin,
        Observation.observed_at >= since,
        Observation.status == ObservationStatus.OK.value,
        Observation.organic_rank.is_not(None),
    )
    return query.correlate(TrackedKeyword).scalar_subquery()


def keyword_statuses(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    asin: str | None = None,
    now: datetime,
    window_days: int = 30,
) -> list[KeywordStatus]:
    """One row per keyword of the job, in the order the keywords were added.

    Two queries whatever the history's size: per keyword, the ids of the last observation and
    of the last two healthy ones plus the window's best and worst rank (correlated subqueries
    that each read a few entries of ``ix_rank_observations_history``), then those rows by id.
    """
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    chosen = _tracked_asin(job, asin)
    since = now - timedelta(days=window_days)
    scope = (workspace_id, job.id, chosen)
    rows = session.execute(
        select(
            TrackedKeyword,
            _newest(*scope, healthy=False, skip=0),
            _newest(*scope, healthy=True, skip=0),
            _newest(*scope, healthy=True, skip=1),
            _extreme(*scope, since=since, worst=False),
            _extreme(*scope, since=since, worst=True),
        )
        .where(TrackedKeyword.workspace_id == workspace_id, TrackedKeyword.job_id == job.id)
        .order_by(TrackedKeyword.id)
    ).all()
    wanted = {obs_id for row in rows for obs_id in row[1:4] if obs_id is not None}
    found = _observations_by_id(session, workspace_id, sorted(wanted))
    statuses = []
    for keyword, last_id, current_id, previous_id, best, worst in rows:
        healthy = [found[i] for i in (current_id, previous_id) if i is not None]
        extremes = (best, worst) if best is not None and worst is not None else None
        last = found.get(last_id) if last_id is not None else None
        statuses.append(_status(keyword, chosen, last, healthy, extremes))
    return statuses


_ID_CHUNK = 500


def _observations_by_id(session: Session, workspace_id: int, ids: list[int]) -> dict[int, Observation]:
    found: dict[int, Observation] = {}
    for start in range(0, len(ids), _ID_CHUNK):
        chunk = ids[start : start + _ID_CHUNK]
        query = select(Observation).where(Observation.workspace_id == workspace_id, Observation.id.in_(chunk))
        found.update((obs.id, obs) for obs in session.scalars(query))
    return found


def _status(
    keyword: TrackedKeyword,
    asin: str,
    last: Observation | None,
    healthy: list[Observation],
    extremes: tuple[int, int] | None,
) -> KeywordStatus:
    current = healthy[0] if healthy else None
    previous = healthy[1] if len(healthy) > 1 else None
    change, delta = (None, None)
    sponsored_change, sponsored_delta = (None, None)
    if current is not None and previous is not None:
        change, delta = rank_change(current.organic_rank, previous.organic_rank)
        sponsored_change, sponsored_delta = rank_change(current.sponsored_rank, previous.sponsored_rank)
    return KeywordStatus(
        keyword_id=keyword.id,
        keyword=keyword.keyword,
        asin=asin,
        status=ObservationStatus(last.status) if last else None,
        failure_reason=last.failure_reason if last else None,
        last_checked_at=last.observed_at if last else None,
        last_success_at=current.observed_at if current else None,
        organic_rank=current.organic_rank if current else None,
        sponsored_rank=current.sponsored_rank if current else None,
        page=current.page if current else None,
        position=current.position if current else None,
        change=change,
        delta=delta,
        sponsored_change=sponsored_change,
        sponsored_delta=sponsored_delta,
        best_organic_rank=extremes[0] if extremes else None,
        worst_organic_rank=extremes[1] if extremes else None,
    )
