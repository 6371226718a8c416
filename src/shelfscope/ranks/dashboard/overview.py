"""What the rank pages show about jobs at a glance: rows of the jobs list, health, counts and movers.

Health answers "can I trust the latest numbers of this job?": it comes from the job's last
check run (a partial run means some keywords failed and still show older ranks), and a job
that was never checked says so instead of looking healthy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfscope.jobs.models import Run, RunStatus
from shelfscope.ranks.history import Change, rank_change
from shelfscope.ranks.keywords import keyword_counts
from shelfscope.ranks.models import JobStatus, Observation, ObservationStatus, TrackedKeyword, TrackingJob

__all__ = [
    "Health",
    "JobRow",
    "Mover",
    "TrackedCounts",
    "job_health",
    "job_rows",
    "top_movers",
    "tracked_counts",
]

_HEALTHY = (ObservationStatus.OK.value, ObservationStatus.NOT_FOUND.value)


@dataclass(frozen=True, slots=True)
class Health:
    key: str
    """``healthy``, ``degraded``, ``failing``, ``checking``, ``new`` or ``paused``."""
    label: str
    tone: str
    """A status colour of the shell (succeeded, partial, failed, running, queued, cancelled)."""


_HEALTH = {
    "healthy": Health("healthy", "Healthy", "succeeded"),
    "degraded": Health("degraded", "Some keywords failed", "partial"),
    "failing": Health("failing", "Last check failed", "failed"),
    "checking": Health("checking", "Checking now", "running"),
    "new": Health("new", "Not checked yet", "queued"),
    "paused": Health("paused", "Paused", "cancelled"),
}
_BY_RUN_STATUS = {
    RunStatus.SUCCEEDED.value: "healthy",
    RunStatus.PARTIAL.value: "degraded",
    RunStatus.FAILED.value: "failing",
    RunStatus.CANCELLED.value: "degraded",
    RunStatus.QUEUED.value: "checking",
    RunStatus.RUNNING.value: "checking",
}


def job_health(job: TrackingJob, last_run: Run | None) -> Health:
    """The job's health from its status and its last check run."""
    if last_run is not None and last_run.status in (RunStatus.QUEUED.value, RunStatus.RUNNING.value):
        return _HEALTH["checking"]
    if job.status == JobStatus.PAUSED.value:
        return _HEALTH["paused"]
    if last_run is None:
        return _HEALTH["new"]
    return _HEALTH[_BY_RUN_STATUS.get(last_run.status, "degraded")]


@dataclass(frozen=True, slots=True)
class JobRow:
    job: TrackingJob
    keyword_count: int
    last_run: Run | None
    health: Health


def job_rows(session: Session, *, workspace_id: int, jobs: Sequence[TrackingJob]) -> list[JobRow]:
    """Rows of the jobs list: each job with its keyword count, last run and health (3 queries)."""
    counts = keyword_counts(session, workspace_id=workspace_id, job_ids=[job.id for job in jobs])
    run_ids = [job.last_run_id for job in jobs if job.last_run_id is not None]
    runs = {
        run.id: run
        for run in session.scalars(select(Run).where(Run.workspace_id == workspace_id, Run.id.in_(run_ids)))
    }
    rows = []
    for job in jobs:
        last_run = runs.get(job.last_run_id) if job.last_run_id is not None else None
        rows.append(JobRow(job, counts.get(job.id, 0), last_run, job_health(job, last_run)))
    return rows


@dataclass(frozen=True, slots=True)
class TrackedCounts:
    active_jobs: int
    paused_jobs: int
    keywords: int
    marketplaces: int
    asins: int


def tracked_counts(session: Session, *, workspace_id: int) -> TrackedCounts:
    by_status = dict(
        session.execute(
            select(TrackingJob.status, func.count())
            .where(TrackingJob.workspace_id == workspace_id)
            .group_by(TrackingJob.status)
        ).all()
    )
    spread = session.execute(
        select(
            func.count(func.distinct(TrackingJob.marketplace)), func.count(func.distinct(TrackingJob.asin))
        ).where(TrackingJob.workspace_id == workspace_id)
    ).one()
    keywords = session.scalar(
        select(func.count()).select_from(TrackedKeyword).where(TrackedKeyword.workspace_id == workspace_id)
    )
    return TrackedCounts(
        active_jobs=int(by_status.get(JobStatus.ACTIVE.value, 0)),
        paused_jobs=int(by_status.get(JobStatus.PAUSED.value, 0)),
        keywords=int(keywords or 0),
        marketplaces=int(spread[0] or 0),
        asins=int(spread[1] or 0),
    )


@dataclass(frozen=True, slots=True)
class Mover:
    job_id: int
    keyword_id: int
    keyword: str
    asin: str
    marketplace: str
    organic_rank: int | None
    previous_rank: int | None
    change: Change
    delta: int | None

    @property
    def url(self) -> str:
        return f"/ranks/jobs/{self.job_id}?keyword={self.keyword_id}"


def _latest_two(workspace_id: int) -> Any:
    """The two newest healthy observations of every keyword for its job's own ASIN."""
    order = func.row_number().over(
        partition_by=(Observation.job_id, Observation.keyword_id),
        order_by=(Observation.observed_at.desc(), Observation.id.desc()),
    )
    inner = (
        select(
            Observation.job_id,
            Observation.keyword_id,
            Observation.organic_rank,
            order.label("n"),
        )
        .join(TrackingJob, TrackingJob.id == Observation.job_id)
        .where(
            Observation.workspace_id == workspace_id,
            Observation.asin == TrackingJob.asin,
            Observation.status.in_(_HEALTHY),
        )
        .subquery()
    )
    return (
        select(inner, TrackedKeyword.keyword, TrackingJob.asin, TrackingJob.marketplace)
        .join(TrackedKeyword, TrackedKeyword.id == inner.c.keyword_id)
        .join(TrackingJob, TrackingJob.id == inner.c.job_id)
        .where(inner.c.n <= 2)
    )


def top_movers(session: Session, *, workspace_id: int, limit: int = 6) -> list[Mover]:
    """Keywords whose organic rank moved most between their last two healthy checks.

    Entering or leaving the searched pages counts as the biggest move of all.
    """
    pairs: dict[tuple[int, int], dict[int, Any]] = {}
    for row in session.execute(_latest_two(workspace_id)):
        pairs.setdefault((row.job_id, row.keyword_id), {})[row.n] = row
    movers = []
    for newest in (pair[1] for pair in pairs.values() if 1 in pair and 2 in pair):
        previous = pairs[(newest.job_id, newest.keyword_id)][2]
        change, delta = rank_change(newest.organic_rank, previous.organic_rank)
        if change is None or change == "stable":
            continue
        movers.append(
            Mover(
                job_id=newest.job_id,
                keyword_id=newest.keyword_id,
                keyword=newest.keyword,
                asin=newest.asin,
                marketplace=newest.marketplace,
                organic_rank=newest.organic_rank,
                previous_rank=previous.organic_rank,
                change=change,
                delta=delta,
            )
        )
    movers.sort(key=lambda m: (-(abs(m.delta) if m.delta is not None else 10_000), m.keyword))
    return movers[:limit]
