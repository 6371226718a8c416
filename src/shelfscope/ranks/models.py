"""Tables of keyword rank tracking: jobs and their keywords, what each check observed, and the
shared page cache.

* :class:`TrackingJob`: one ASIN on one marketplace, checked on a schedule. Its ``next_run_at``
  is the unit of due work the scheduler claims (compare-and-set), so a lost queue message never
  loses a check.
* :class:`Observation`: what one run saw for one (keyword, ASIN). The natural key is
  (job, keyword, marketplace, ASIN, run): a run executed twice writes the same rows. A failed
  check is a row with ``status = "failed"`` and its reason, never "not ranked".
* :class:`SerpSnapshot`: the top results of one keyword in one run, compact, for share of voice.
* :class:`PageCache`: public search pages by (marketplace, keyword, page), shared across
  workspaces. It names no workspace and no job: only the page is shared, never who tracks it.
  :class:`PageCacheSavings` counts, per workspace, what reusing pages saved.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.auth.audit import Auditable
from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK, TimestampMixin

__all__ = [
    "DEFAULT_DELAY_MAX_SECONDS",
    "DEFAULT_DELAY_MIN_SECONDS",
    "DEFAULT_DEPTH",
    "MAX_DEPTH",
    "Frequency",
    "JobStatus",
    "Observation",
    "ObservationStatus",
    "PageCache",
    "PageCacheSavings",
    "SerpSnapshot",
    "TrackedKeyword",
    "TrackingJob",
]

_WORKSPACE_FK = "workspaces.id"
_JOB_FK = "rank_jobs.id"
_KEYWORD_FK = "rank_keywords.id"

DEFAULT_DEPTH = 3
MAX_DEPTH = 7
"""Amazon stops paginating the search grid after 7 pages."""
DEFAULT_DELAY_MIN_SECONDS = 20
DEFAULT_DELAY_MAX_SECONDS = 30


class Frequency(enum.StrEnum):
    HOURLY = "hourly"
    SIX_HOURS = "6h"
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def seconds(self) -> int:
        return {"hourly": 3600, "6h": 6 * 3600, "daily": 86400, "weekly": 7 * 86400}[self.value]


class JobStatus(enum.StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class ObservationStatus(enum.StrEnum):
    OK = "ok"
    """Found within the searched pages (organically, in an ad, or both)."""
    NOT_FOUND = "not_found"
    """Every page up to the depth was read and the ASIN was on none of them."""
    FAILED = "failed"
    """The check could not be completed (blocked, timeout, parse error): nothing is known."""


class TrackingJob(Auditable, TimestampMixin, Base):
    """Track one ASIN on one marketplace for a set of keywords, on a schedule."""

    __tablename__ = "rank_jobs"
    __audit_ignore__ = frozenset({"next_run_at", "last_run_at", "last_run_id"})
    __table_args__ = (
        UniqueConstraint("workspace_id", "asin", "marketplace"),
        Index("ix_rank_jobs_workspace_id_id", "workspace_id", "id"),
        # The scheduler's due query.
        Index("ix_rank_jobs_status_next_run_at", "status", "next_run_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    asin: Mapped[str] = mapped_column(String(10))
    marketplace: Mapped[str] = mapped_column(String(2), doc="Amazon marketplace code (DE, UK, US …).")
    frequency: Mapped[str] = mapped_column(String(8), default=Frequency.DAILY.value)
    delay_min_seconds: Mapped[int] = mapped_column(default=DEFAULT_DELAY_MIN_SECONDS)
    delay_max_seconds: Mapped[int] = mapped_column(default=DEFAULT_DELAY_MAX_SECONDS)
    depth: Mapped[int] = mapped_column(default=DEFAULT_DEPTH, doc="Search pages read per keyword (1-7).")
    competitor_asins: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(8), default=JobStatus.ACTIVE.value)
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    # No foreign key: a run row may be pruned while the job lives on.
    last_run_id: Mapped[int | None]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def tracked_asins(self) -> list[str]:
        """The job's own ASIN first, then its competitors."""
        return [self.asin, *[str(asin) for asin in self.competitor_asins]]


class TrackedKeyword(Auditable, Base):
    """A keyword of a job. ``normalised`` (case and whitespace folded) is unique per job."""

    __tablename__ = "rank_keywords"
    __table_args__ = (
        UniqueConstraint("job_id", "normalised"),
        Index("ix_rank_keywords_workspace_id_job_id", "workspace_id", "job_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey(_JOB_FK, ondelete="CASCADE"))
    keyword: Mapped[str] = mapped_column(String(200), doc="As the user typed it (trimmed).")
    normalised: Mapped[str] = mapped_column(String(200), doc="What is searched, and the duplicate key.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Observation(Base):
    """What one run saw for one (keyword, ASIN).

    Ranks are absolute across the pages read: ``organic_rank`` 50 on a grid of 48 organic cards
    per page is page 2. ``page``/``position`` locate the organic hit (the card's order on that
    page, ads included), else the sponsored one; each hit also keeps its own.
    ``page_keys`` are the archive keys of the pages read, in page order, for reparsing.
    """

    __tablename__ = "rank_observations"
    __table_args__ = (
        UniqueConstraint("job_id", "keyword_id", "marketplace", "asin", "run_id"),
        # History of one keyword and ASIN, newest first (paged and counted), and per keyword the
        # latest (healthy) checks and the window's best/worst rank. ``id`` settles ties in time;
        # ``status`` and ``organic_rank`` make the keyword table's lookups index-only.
        Index(
            "ix_rank_observations_history",
            "workspace_id",
            "job_id",
            "keyword_id",
            "asin",
            "observed_at",
            "id",
            "status",
            "organic_rank",
        ),
        Index("ix_rank_observations_workspace_id_job_id", "workspace_id", "job_id", "observed_at"),
        Index("ix_rank_observations_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey(_JOB_FK, ondelete="CASCADE"))
    keyword_id: Mapped[int] = mapped_column(ForeignKey(_KEYWORD_FK, ondelete="CASCADE"))
    marketplace: Mapped[str] = mapped_column(String(2))
    asin: Mapped[str] = mapped_column(String(10))
    run_id: Mapped[int] = mapped_column(BigInteger, doc="The run that observed it: the observed slot.")
    observed_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    found: Mapped[bool] = mapped_column(default=False)
    organic_rank: Mapped[int | None]
    organic_page: Mapped[int | None]
    organic_position: Mapped[int | None]
    sponsored_rank: Mapped[int | None]
    sponsored_page: Mapped[int | None]
    sponsored_position: Mapped[int | None]
    page: Mapped[int | None]
    position: Mapped[int | None]
    depth: Mapped[int]
    pages_checked: Mapped[int] = mapped_column(default=0)
    total_results: Mapped[int | None]
    page_keys: Mapped[list[Any]] = mapped_column(default=list)


class SerpSnapshot(Base):
    """The results of one keyword in one run, compact: ``results`` is ``{"v": 1, "results":
    [[asin, brand, sponsored, rank, page, position], …], "placements": [[kind, page, [asins]], …]}``
    where ``rank`` is the absolute organic or sponsored rank."""

    __tablename__ = "rank_snapshots"
    __table_args__ = (
        UniqueConstraint("job_id", "keyword_id", "run_id"),
        Index("ix_rank_snapshots_workspace_id_job_id", "workspace_id", "job_id", "observed_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey(_JOB_FK, ondelete="CASCADE"))
    keyword_id: Mapped[int] = mapped_column(ForeignKey(_KEYWORD_FK, ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(BigInteger)
    marketplace: Mapped[str] = mapped_column(String(2))
    observed_at: Mapped[datetime]
    total_results: Mapped[int | None]
    corrected_query: Mapped[str | None] = mapped_column(Text)
    results: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PageCache(Base):
    """The latest fetch of a public search page, shared by every workspace's jobs."""

    __tablename__ = "rank_page_cache"
    __table_args__ = (UniqueConstraint("marketplace", "keyword", "page"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    marketplace: Mapped[str] = mapped_column(String(2))
    keyword: Mapped[str] = mapped_column(String(200), doc="The normalised search query.")
    page: Mapped[int]
    fetched_at: Mapped[datetime]
    archive_key: Mapped[str] = mapped_column(String(64), doc="sha256 of the raw page in the archive.")
    bytes: Mapped[int] = mapped_column(doc="Bytes the fetch cost on the wire: what a reuse saves.")


class PageCacheSavings(Base):
    """What reusing shared pages saved one workspace: the dashboard's "bytes saved"."""

    __tablename__ = "rank_page_cache_savings"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    pages_reused: Mapped[int] = mapped_column(default=0)
    bytes_saved: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
