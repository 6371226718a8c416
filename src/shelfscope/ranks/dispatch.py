"""The scheduler's due source for tracking jobs: claim due jobs atomically and create their runs.

On each tick, active jobs whose ``next_run_at`` has passed are read, shuffled (so no workspace
is always first in line) and claimed one by one until ``limit`` runs exist. A claim is a
compare-and-set on ``next_run_at`` and ``last_run_id`` in the transaction that creates the run:
of two schedulers racing for a job, exactly one creates its run. A job whose previous check is
still queued or running skips the slot (its ``next_run_at`` moves on) instead of stacking a
second check. Runs of one batch become available a random pause apart
(``ranks.job_pause_*``), so a batch reaches the marketplace as a trickle.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shelfscope.logs import get_logger
from shelfscope.ranks.check_runs import active_run, start_check
from shelfscope.ranks.models import Frequency, JobStatus, TrackingJob
from shelfscope.ranks.schedule import job_pauses, next_run_after

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["claim_due_job", "dispatch_due_jobs"]

log = get_logger(__name__)

_CANDIDATES_PER_SLOT = 4


def _sandbox(platform: Platform) -> bool:
    return platform.settings.sandbox.enabled or platform.settings.sandbox.url is not None


def dispatch_due_jobs(
    platform: Platform, now: datetime, limit: int, *, rng: random.Random | None = None
) -> int:
    """Create runs for at most ``limit`` due jobs; returns how many this call created."""
    generator = rng or random.Random()  # noqa: S311 - fairness, not security
    with platform.db.session() as session:
        due = list(
            session.execute(
                select(TrackingJob.id, TrackingJob.next_run_at)
                .where(TrackingJob.status == JobStatus.ACTIVE.value, TrackingJob.next_run_at <= now)
                .order_by(TrackingJob.next_run_at, TrackingJob.id)
                .limit(limit * _CANDIDATES_PER_SLOT)
            ).all()
        )
    generator.shuffle(due)
    offsets = job_pauses(limit, settings=platform.settings.ranks, sandbox=_sandbox(platform), rng=generator)
    created = 0
    for job_id, seen_next in due:
        if created >= limit:
            break
        available_at = now + timedelta(seconds=offsets[created])
        if claim_due_job(platform, job_id, seen_next, now=now, available_at=available_at, rng=generator):
            created += 1
    return created


def claim_due_job(
    platform: Platform,
    job_id: int,
    seen_next: datetime,
    *,
    now: datetime,
    available_at: datetime,
    rng: random.Random | None = None,
) -> int | None:
    """Claim one due job and create its run; None when another tick won or the slot was skipped."""
    with platform.db.session() as session:
        job = session.get(TrackingJob, job_id)
        if job is None or job.status != JobStatus.ACTIVE.value or job.next_run_at != seen_next:
            return None
        following = next_run_after(
            now, frequency=Frequency(job.frequency), settings=platform.settings.ranks, rng=rng
        )
        still_due = (TrackingJob.next_run_at == seen_next, TrackingJob.status == JobStatus.ACTIVE.value)
        running = active_run(session, job)
        if running is not None:
            _skip_slot(session, job_id, still_due, following)
            log.info("rank_job_slot_skipped", job_id=job_id, busy_run_id=running.id)
            return None
        run = start_check(
            session,
            platform,
            job,
            seen_last_run_id=job.last_run_id,
            extra_where=still_due,
            values={"next_run_at": following, "last_run_at": now},
            enqueue=False,
        )
        if run is None:
            session.rollback()
            return None
        run.available_at = max(available_at, run.available_at)
        return run.id


def _skip_slot(session: Session, job_id: int, still_due: tuple[Any, ...], following: datetime) -> None:
    session.execute(
        update(TrackingJob)
        .where(TrackingJob.id == job_id, *still_due)
        .values(next_run_at=following)
        .execution_options(synchronize_session=False)
    )
