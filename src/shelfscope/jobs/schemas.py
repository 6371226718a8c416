"""Request and response bodies of the runs and schedules API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shelfscope.jobs.cadence import MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS
from shelfscope.jobs.demo import MAX_ITEMS, MAX_SLEEP_SECONDS
from shelfscope.jobs.models import RunStatus

__all__ = ["DemoRunsCreate", "RunOut", "RunsCreated", "ScheduleCreate", "ScheduleOut", "ScheduleUpdate"]

_Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)
_Rows = ConfigDict(from_attributes=True)


class RunOut(BaseModel):
    model_config = _Rows

    id: int
    workspace_id: int | None
    kind: str
    subject: str
    status: RunStatus
    progress_done: int
    progress_total: int | None
    message: str | None
    attempts: int
    max_attempts: int
    priority: int
    payload: dict[str, Any]
    result: dict[str, Any] | None
    error: str | None
    parent_id: int | None
    schedule_id: int | None
    created_by_user_id: int | None
    queued_at: datetime
    available_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    cancel_requested: bool


class RunsCreated(BaseModel):
    """Runs queued by one request; a collection, so it has ``items`` like every list response."""

    items: list[RunOut]


class DemoRunsCreate(BaseModel):
    """Queue demo runs that count items slowly, to watch progress live."""

    model_config = _Strict

    count: int = Field(1, ge=1, le=100, description="How many runs.")
    items: int = Field(20, ge=0, le=MAX_ITEMS, description="Units each run processes.")
    sleep_seconds: float = Field(0.5, ge=0, le=MAX_SLEEP_SECONDS, description="Seconds per unit.")


class _ScheduleFields(BaseModel):
    model_config = _Strict

    name: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, min_length=1, max_length=100)
    subject: str | None = Field(None, max_length=500)
    payload: dict[str, Any] | None = None
    cron: str | None = Field(None, min_length=9, max_length=100, description="Five-field cron, UTC.")
    interval_seconds: int | None = Field(None, ge=MIN_INTERVAL_SECONDS, le=MAX_INTERVAL_SECONDS)
    priority: int | None = Field(None, ge=-100, le=100)
    enabled: bool | None = None


class ScheduleCreate(_ScheduleFields):
    """Give ``kind`` and exactly one of ``cron`` or ``interval_seconds``."""

    kind: str = Field(..., min_length=1, max_length=100)


class ScheduleUpdate(_ScheduleFields):
    """Only the fields sent are changed."""


class ScheduleOut(BaseModel):
    model_config = _Rows

    id: int
    workspace_id: int
    name: str
    kind: str
    subject: str
    payload: dict[str, Any]
    cron: str | None
    interval_seconds: int | None
    priority: int
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None
    last_run_id: int | None
    created_at: datetime
    updated_at: datetime
