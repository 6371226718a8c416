"""Starting a job's check run: "run now", the scheduler's claim, and the runs of a job.

A check run is a ``ranks.check`` run whose payload names the job. Starting one is a
compare-and-set on the job's ``last_run_id`` in the transaction that creates the run, so "run
now" racing the scheduler (or two schedulers) never starts two checks of one job, and a job
whose last check is still queued or running gets no second one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Select, select, update
from sqlalchemy.orm import Session

from shelfscope.errors import Conflict
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.service import create_run
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import TrackingJob

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["CHECK_KIND", "active_run", "job_runs_query", "run_job_now", "start_check"]

CHECK_KIND = "ranks.check"
"""The run kind that checks every keyword of one job once."""
_ACTIVE_RUN = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)


def active_run(session: Session, job: TrackingJob) -> Run | None:
    """The job's last run if it is still queued or running."""
    if job.last_run_id is None:
        return None
    run = session.get(Run, job.last_run_id)
    return run if run is not None and run.status in _ACTIVE_RUN else None


def _subject(job: TrackingJob) -> str:
    domain = amazon_marketplace(job.marketplace).domain
    label = f" ({job.name})" if job.name else ""
    return f"{job.asin} on {domain}{label}"[:500]


def start_check(
    session: Session,
    platform: Platform,
    job: TrackingJob,
    *,
    seen_last_run_id: int | None,
    extra_where: tuple[Any, ...] = (),
    values: dict[str, Any] | None = None,
    created_by_user_id: int | None = None,
    enqueue: bool = True,
) -> Run | None:
    """Create the job's check run and record it, if ``last_run_id`` is still ``seen_last_run_id``.

    Returns None when someone else started a check first (the caller's transaction should be
    rolled back then). ``extra_where``/``values`` let the scheduler claim ``next_run_at`` in the
    same compare-and-set.
    """
    run = create_run(
        session,
        platform,
        workspace_id=job.workspace_id,
        kind=CHECK_KIND,
        subject=_subject(job),
        payload={"job_id": job.id},
        created_by_user_id=created_by_user_id,
        enqueue=enqueue,
    )
    seen = (
        TrackingJob.last_run_id.is_(None)
        if seen_last_run_id is None
        else TrackingJob.last_run_id == seen_last_run_id
    )
    claim = (
        update(TrackingJob)
        .where(TrackingJob.id == job.id, seen, *extra_where)
        .values(last_run_id=run.id, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", session.execute(claim)).rowcount != 1:
        return None
    return run


def run_job_now(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int,
    job_id: int,
    created_by_user_id: int | None = None,
) -> Run:
    """Queue a check of every keyword now, outside the schedule (which is left as it is)."""
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    running = active_run(session, job)
    if running is not None:
        raise Conflict(f"a check of job {job_id} is already {running.status} (run {running.id})")
    run = start_check(
        session, platform, job, seen_last_run_id=job.last_run_id, created_by_user_id=created_by_user_id
    )
    if run is None:
        raise Conflict(f"a check of job {job_id} was just started; try again in a moment")
    session.refresh(job)
    return run


def job_runs_query(*, workspace_id: int, job_id: int) -> Select[Run]:
    """The check runs of one job, newest first."""
    return (
        select(Run)
        .where(
            Run.workspace_id == workspace_id,
            Run.kind == CHECK_KIND,
            Run.payload["job_id"].as_integer() == job_id,
        )
        .order_by(Run.id.desc())
    )
