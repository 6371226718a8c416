"""Use cases of tracking jobs: create, read, edit, pause, resume, delete and preview the schedule.

Every function is scoped to one workspace: another workspace's job is reported exactly like a
missing one. Functions take the caller's session and never commit it. Starting checks (run now,
the scheduler) is in :mod:`.check_runs`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.events import publish_after_commit
from shelfscope.events.data_changed import data_changed_event
from shelfscope.ranks.keywords import add_keywords
from shelfscope.ranks.models import (
    DEFAULT_DELAY_MAX_SECONDS,
    DEFAULT_DELAY_MIN_SECONDS,
    DEFAULT_DEPTH,
    Frequency,
    JobStatus,
    TrackingJob,
)
from shelfscope.ranks.schedule import first_run_at, next_run_after
from shelfscope.ranks.validation import (
    validate_asin,
    validate_competitors,
    validate_delays,
    validate_depth,
    validate_frequency,
    validate_marketplace,
)

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = [
    "EDITABLE_FIELDS",
    "SchedulePreview",
    "create_job",
    "delete_job",
    "get_job",
    "job_workspace_id",
    "jobs_query",
    "pause_job",
    "preview_schedule",
    "resume_job",
    "update_job",
]

ENTITY = "rank_jobs"
EDITABLE_FIELDS = frozenset(
    {"name", "frequency", "depth", "delay_min_seconds", "delay_max_seconds", "competitor_asins", "status"}
)


@dataclass(frozen=True, slots=True)
class SchedulePreview:
    """What the job form shows: when a job with this frequency would run first, and then."""

    first_run_at: datetime
    following_run_at: datetime
    interval_seconds: int


def _announce(session: Session, platform: Platform, job: TrackingJob) -> None:
    event = data_changed_event(workspace_id=job.workspace_id, entity=ENTITY, ids=[job.id])
    publish_after_commit(session, platform.bus, event)


def jobs_query(*, workspace_id: int, status: JobStatus | None = None) -> Select[TrackingJob]:
    """A workspace's jobs, newest first."""
    query = select(TrackingJob).where(TrackingJob.workspace_id == workspace_id)
    if status is not None:
        query = query.where(TrackingJob.status == status.value)
    return query.order_by(TrackingJob.id.desc())


def get_job(session: Session, *, workspace_id: int, job_id: int) -> TrackingJob:
    job = session.scalar(
        select(TrackingJob).where(TrackingJob.id == job_id, TrackingJob.workspace_id == workspace_id)
    )
    if job is None:
        raise NotFound(f"tracking job {job_id} not found")
    return job


def create_job(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int,
    asin: str,
    marketplace: str,
    frequency: str = Frequency.DAILY.value,
    depth: int = DEFAULT_DEPTH,
    delay_min_seconds: int = DEFAULT_DELAY_MIN_SECONDS,
    delay_max_seconds: int = DEFAULT_DELAY_MAX_SECONDS,
    competitor_asins: Iterable[str] = (),
    keywords: Iterable[str] = (),
    name: str = "",
    status: JobStatus = JobStatus.ACTIVE,
    created_by_user_id: int | None = None,
    rng: random.Random | None = None,
) -> TrackingJob:
    """A new job, due within ``ranks.start_jitter_seconds``; one per (workspace, ASIN, marketplace)."""
    own = validate_asin(asin)
    code = validate_marketplace(marketplace)
    delays = validate_delays(delay_min_seconds, delay_max_seconds)
    job = TrackingJob(
        workspace_id=workspace_id,
        name=_name(name),
        asin=own,
        marketplace=code,
        frequency=validate_frequency(frequency).value,
        depth=validate_depth(depth),
        delay_min_seconds=delays[0],
        delay_max_seconds=delays[1],
        competitor_asins=validate_competitors(competitor_asins, own_asin=own),
        status=status.value,
        next_run_at=first_run_at(platform.clock.now(), settings=platform.settings.ranks, rng=rng),
        created_by_user_id=created_by_user_id,
    )
    _insert(session, job)
    report = add_keywords(
        session, settings=platform.settings.ranks, workspace_id=workspace_id, job_id=job.id, keywords=keywords
    )
    if report.invalid:
        first = report.invalid[0]
        raise InvalidInput(f"keyword {first.text!r}: {first.reason}", field="keywords")
    _announce(session, platform, job)
    return job


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if any(ord(char) < 32 or ord(char) == 127 for char in cleaned):
        raise InvalidInput("a job name cannot contain control characters", field="name")
    if len(cleaned) > 200:
        raise InvalidInput("a job name has at most 200 characters", field="name")
    return cleaned


def _insert(session: Session, job: TrackingJob) -> None:
    duplicate = session.scalar(
        select(TrackingJob.id).where(
            TrackingJob.workspace_id == job.workspace_id,
            TrackingJob.asin == job.asin,
            TrackingJob.marketplace == job.marketplace,
        )
    )
    if duplicate is not None:
        raise Conflict(f"{job.asin} on {job.marketplace} is already tracked by job {duplicate}")
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError as exc:  # created concurrently between the check and the insert
        raise Conflict(f"{job.asin} on {job.marketplace} is already tracked") from exc


def update_job(
    session: Session, platform: Platform, *, workspace_id: int, job_id: int, changes: dict[str, Any]
) -> TrackingJob:
    """Change the fields in ``changes`` (see :data:`EDITABLE_FIELDS`); a new frequency reschedules."""
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            f"cannot change {', '.join(unknown)}; the ASIN and marketplace of a job are fixed",
            field=unknown[0],
        )
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    if "name" in changes:
        job.name = _name(str(changes["name"]))
    if "depth" in changes:
        job.depth = validate_depth(_integer(changes["depth"], "depth"))
    if {"delay_min_seconds", "delay_max_seconds"} & set(changes):
        low = _integer(changes.get("delay_min_seconds", job.delay_min_seconds), "delay_min_seconds")
        high = _integer(changes.get("delay_max_seconds", job.delay_max_seconds), "delay_max_seconds")
        job.delay_min_seconds, job.delay_max_seconds = validate_delays(low, high)
    if "competitor_asins" in changes:
        competitors = changes["competitor_asins"]
        if not isinstance(competitors, list | tuple):
            raise InvalidInput("competitor_asins must be a list of ASINs", field="competitor_asins")
        job.competitor_asins = validate_competitors([str(c) for c in competitors], own_asin=job.asin)
    if "frequency" in changes:
        _reschedule(job, platform, validate_frequency(str(changes["frequency"])))
    if "status" in changes:
        _set_status(job, platform, _status(changes["status"]))
    session.flush()
    _announce(session, platform, job)
    return job


def _integer(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be a whole number", field=field)
    return value


def _status(value: Any) -> JobStatus:
    try:
        return JobStatus(value)
    except ValueError:
        raise InvalidInput(f"status {value!r} is not one of active, paused", field="status") from None


def _reschedule(job: TrackingJob, platform: Platform, frequency: Frequency) -> None:
    if frequency.value == job.frequency:
        return
    job.frequency = frequency.value
    now = platform.clock.now()
    following = next_run_after(job.last_run_at or now, frequency=frequency, settings=platform.settings.ranks)
    job.next_run_at = max(following, now)


def _set_status(job: TrackingJob, platform: Platform, status: JobStatus) -> None:
    if status.value == job.status:
        return
    job.status = status.value
    now = platform.clock.now()
    if status is JobStatus.ACTIVE and job.next_run_at < now:
        job.next_run_at = first_run_at(now, settings=platform.settings.ranks)


def pause_job(session: Session, platform: Platform, *, workspace_id: int, job_id: int) -> TrackingJob:
    """Stop scheduling the job (a check already running finishes)."""
    return update_job(
        session, platform, workspace_id=workspace_id, job_id=job_id, changes={"status": JobStatus.PAUSED}
    )


def resume_job(session: Session, platform: Platform, *, workspace_id: int, job_id: int) -> TrackingJob:
    """Schedule the job again; one that missed its slot while paused runs soon."""
    return update_job(
        session, platform, workspace_id=workspace_id, job_id=job_id, changes={"status": JobStatus.ACTIVE}
    )


def delete_job(session: Session, platform: Platform, *, workspace_id: int, job_id: int) -> None:
    """Delete the job with its keywords, observations and snapshots."""
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    _announce(session, platform, job)
    session.delete(job)
    session.flush()


def preview_schedule(
    platform: Platform, *, frequency: str, rng: random.Random | None = None
) -> SchedulePreview:
    """When a job created now with ``frequency`` would run, for the form's preview."""
    parsed = validate_frequency(frequency)
    settings = platform.settings.ranks
    first = first_run_at(platform.clock.now(), settings=settings, rng=rng)
    following = next_run_after(first, frequency=parsed, settings=settings, rng=rng)
    return SchedulePreview(first_run_at=first, following_run_at=following, interval_seconds=parsed.seconds)


def job_workspace_id(session: Session, *, job_id: int) -> int:
    """The workspace a job belongs to, for local administration that starts from a bare id."""
    workspace_id = session.scalar(select(TrackingJob.workspace_id).where(TrackingJob.id == job_id))
    if workspace_id is None:
        raise NotFound(f"tracking job {job_id} not found")
    return workspace_id
