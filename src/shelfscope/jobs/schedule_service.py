"""Use cases of schedules: periodic runs of a kind for one workspace (re-exported by service)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shelfscope.errors import InvalidInput, NotFound
from shelfscope.jobs.cadence import next_fire_after, validate_cadence
from shelfscope.jobs.models import Schedule
from shelfscope.jobs.registry import require_kind

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = [
    "UPDATABLE_FIELDS",
    "create_schedule",
    "delete_schedule",
    "get_schedule",
    "list_schedules",
    "schedules_query",
    "update_schedule",
]

UPDATABLE_FIELDS = frozenset(
    {"name", "kind", "subject", "payload", "cron", "interval_seconds", "priority", "enabled"}
)


def create_schedule(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int,
    kind: str,
    cron: str | None = None,
    interval_seconds: int | None = None,
    name: str = "",
    subject: str = "",
    payload: dict[str, Any] | None = None,
    priority: int = 0,
    enabled: bool = True,
    created_by_user_id: int | None = None,
) -> Schedule:
    """A schedule whose first run is due at the cadence's next fire time from now."""
    require_kind(kind)
    validate_cadence(cron=cron, interval_seconds=interval_seconds)
    now = platform.clock.now()
    schedule = Schedule(
        workspace_id=workspace_id,
        name=name,
        kind=kind,
        subject=subject,
        payload=dict(payload or {}),
        cron=cron,
        interval_seconds=interval_seconds,
        priority=priority,
        enabled=enabled,
        next_run_at=next_fire_after(now, cron=cron, interval_seconds=interval_seconds),
        created_by_user_id=created_by_user_id,
    )
    session.add(schedule)
    session.flush()
    return schedule


def get_schedule(session: Session, *, workspace_id: int, schedule_id: int) -> Schedule:
    schedule = session.scalar(
        select(Schedule).where(Schedule.id == schedule_id, Schedule.workspace_id == workspace_id)
    )
    if schedule is None:
        raise NotFound(f"schedule {schedule_id} not found")
    return schedule


def schedules_query(*, workspace_id: int) -> Select[Schedule]:
    return select(Schedule).where(Schedule.workspace_id == workspace_id).order_by(Schedule.id.desc())


def list_schedules(
    session: Session, *, workspace_id: int, limit: int = 50, offset: int = 0
) -> tuple[list[Schedule], int]:
    query = schedules_query(workspace_id=workspace_id)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(session.scalars(query.limit(limit).offset(offset))), total


def update_schedule(
    session: Session, platform: Platform, *, workspace_id: int, schedule_id: int, changes: Mapping[str, Any]
) -> Schedule:
    """Apply ``changes`` (a subset of :data:`UPDATABLE_FIELDS`); a new cadence restarts the timing."""
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    schedule = get_schedule(session, workspace_id=workspace_id, schedule_id=schedule_id)
    if "kind" in changes:
        require_kind(changes["kind"])
    cron = changes.get("cron", schedule.cron)
    interval = changes.get("interval_seconds", schedule.interval_seconds)
    if "cron" in changes and "interval_seconds" not in changes and cron is not None:
        interval = None
    if "interval_seconds" in changes and "cron" not in changes and interval is not None:
        cron = None
    validate_cadence(cron=cron, interval_seconds=interval)
    retime = (cron, interval) != (schedule.cron, schedule.interval_seconds) or (
        changes.get("enabled") is True and not schedule.enabled
    )
    for field in UPDATABLE_FIELDS - {"cron", "interval_seconds"}:
        if field in changes:
            value = changes[field]
            setattr(schedule, field, dict(value or {}) if field == "payload" else value)
    schedule.cron, schedule.interval_seconds = cron, interval
    if retime:
        schedule.next_run_at = next_fire_after(platform.clock.now(), cron=cron, interval_seconds=interval)
    session.flush()
    return schedule


def delete_schedule(session: Session, *, workspace_id: int, schedule_id: int) -> None:
    """Delete the schedule; runs it already created stay (their ``schedule_id`` is cleared)."""
    schedule = get_schedule(session, workspace_id=workspace_id, schedule_id=schedule_id)
    session.delete(schedule)
    session.flush()
