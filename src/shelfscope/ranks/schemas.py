"""Request and response bodies of the rank tracking API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shelfscope.ranks.history import Change
from shelfscope.ranks.models import (
    DEFAULT_DELAY_MAX_SECONDS,
    DEFAULT_DELAY_MIN_SECONDS,
    DEFAULT_DEPTH,
    MAX_DEPTH,
    Frequency,
    JobStatus,
    ObservationStatus,
)
from shelfscope.ranks.validation import MAX_COMPETITORS, MAX_KEYWORD_LENGTH

__all__ = [
    "BulkKeywords",
    "BulkReportOut",
    "InvalidLineOut",
    "JobCreate",
    "JobOut",
    "JobUpdate",
    "KeywordCreate",
    "KeywordOut",
    "KeywordStatusOut",
    "ObservationOut",
    "SavingsOut",
    "SchedulePreviewOut",
]

_Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)
_Rows = ConfigDict(from_attributes=True)
_MAX_BULK_CHARS = 200_000


class JobCreate(BaseModel):
    """A new tracking job. ``keywords`` may be given now or added later."""

    model_config = _Strict

    asin: str = Field(..., min_length=1, max_length=20, description="B0 + 8 letters/digits, or an ISBN-10.")
    marketplace: str = Field(..., min_length=2, max_length=40, description="Code (DE, UK, US …) or domain.")
    frequency: Frequency = Frequency.DAILY
    depth: int = Field(DEFAULT_DEPTH, ge=1, le=MAX_DEPTH, description="Search pages read per keyword.")
    delay_min_seconds: int = Field(DEFAULT_DELAY_MIN_SECONDS, ge=0, le=600)
    delay_max_seconds: int = Field(DEFAULT_DELAY_MAX_SECONDS, ge=0, le=600)
    competitor_asins: list[str] = Field(default_factory=list, max_length=MAX_COMPETITORS)
    keywords: list[str] = Field(default_factory=list, max_length=1000)
    name: str = Field("", max_length=200)
    status: JobStatus = JobStatus.ACTIVE


class JobUpdate(BaseModel):
    """Only the fields sent change. The ASIN and marketplace of a job are fixed."""

    model_config = _Strict

    name: str | None = Field(None, max_length=200)
    frequency: Frequency | None = None
    depth: int | None = Field(None, ge=1, le=MAX_DEPTH)
    delay_min_seconds: int | None = Field(None, ge=0, le=600)
    delay_max_seconds: int | None = Field(None, ge=0, le=600)
    competitor_asins: list[str] | None = Field(None, max_length=MAX_COMPETITORS)
    status: JobStatus | None = None


class JobOut(BaseModel):
    model_config = _Rows

    id: int
    workspace_id: int
    name: str
    asin: str
    marketplace: str
    frequency: Frequency
    depth: int
    delay_min_seconds: int
    delay_max_seconds: int
    competitor_asins: list[str]
    status: JobStatus
    next_run_at: datetime
    last_run_at: datetime | None
    last_run_id: int | None
    keyword_count: int = 0
    created_at: datetime
    updated_at: datetime


class SchedulePreviewOut(BaseModel):
    first_run_at: datetime
    following_run_at: datetime
    interval_seconds: int


class KeywordCreate(BaseModel):
    model_config = _Strict

    keyword: str = Field(..., min_length=1, max_length=MAX_KEYWORD_LENGTH * 2)


class BulkKeywords(BaseModel):
    """Keywords pasted from a textarea (one per line) or a CSV file (first column)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(..., max_length=_MAX_BULK_CHARS)
    format: Literal["lines", "csv"] = "lines"


class KeywordOut(BaseModel):
    model_config = _Rows

    id: int
    job_id: int
    keyword: str
    normalised: str
    created_at: datetime


class InvalidLineOut(BaseModel):
    model_config = _Rows

    line: int
    text: str
    reason: str


class BulkReportOut(BaseModel):
    model_config = _Rows

    added: list[str]
    duplicates: list[str]
    invalid: list[InvalidLineOut]


class KeywordStatusOut(BaseModel):
    """One row of a job's keyword table: the last healthy ranks and the last check's status."""

    model_config = _Rows

    keyword_id: int
    keyword: str
    asin: str
    status: ObservationStatus | None
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


class ObservationOut(BaseModel):
    model_config = _Rows

    id: int
    job_id: int
    keyword_id: int
    marketplace: str
    asin: str
    run_id: int
    observed_at: datetime
    status: ObservationStatus
    failure_reason: str | None
    found: bool
    organic_rank: int | None
    organic_page: int | None
    organic_position: int | None
    sponsored_rank: int | None
    sponsored_page: int | None
    sponsored_position: int | None
    page: int | None
    position: int | None
    depth: int
    pages_checked: int
    total_results: int | None


class SavingsOut(BaseModel):
    """What sharing public pages between jobs saved this workspace."""

    pages_reused: int
    bytes_saved: int
