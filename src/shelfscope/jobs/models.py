"""Tables of background work: runs (one row per unit of work), schedules, and the demo's output.

A run row, not a queue message, is the truth about a unit of work. Workers claim it with a
compare-and-set on ``status``, prove they are alive through ``heartbeat_at``, and fence every
later write with ``attempts`` and ``worker``, so a worker that lost its claim cannot overwrite
the work of the one that took over.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.auth.audit import Auditable
from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK, TimestampMixin

__all__ = ["TERMINAL_STATUSES", "DemoItem", "Run", "RunStatus", "Schedule"]

_WORKSPACE_FK = "workspaces.id"
_USER_FK = "users.id"
_RUN_FK = "runs.id"


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIAL = "partial"
    CANCELLED = "cancelled"


TERMINAL_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.PARTIAL, RunStatus.CANCELLED})


class Run(Auditable, Base):
    """One unit of background work and everything known about its execution.

    Audited only for people's actions (create, cancel, retry): workers rewrite runs constantly.
    """

    __tablename__ = "runs"
    __audit_system__ = False
    __table_args__ = (
        Index("ix_runs_workspace_id_id", "workspace_id", "id"),
        Index("ix_runs_workspace_id_status", "workspace_id", "status"),
        # The scheduler's dispatch query and the reconciler's stale-heartbeat query.
        Index("ix_runs_status_available_at", "status", "available_at"),
        Index("ix_runs_status_heartbeat_at", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"), doc="None only for system runs."
    )
    kind: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(500), default="", doc="What the run works on, for people.")
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED.value)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int | None]
    message: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    priority: Mapped[int] = mapped_column(default=0)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    result: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey(_RUN_FK, ondelete="CASCADE"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id", ondelete="SET NULL"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime] = mapped_column(default=utcnow, doc="Not claimable before this (backoff).")
    enqueued_at: Mapped[datetime | None] = mapped_column(doc="Last hand-over to the queue; None: not yet.")
    started_at: Mapped[datetime | None] = mapped_column(doc="Start of the current or last attempt.")
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    worker: Mapped[str | None] = mapped_column(String(200), doc="host:pid of the worker holding the run.")
    cancel_requested: Mapped[bool] = mapped_column(default=False)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES


class Schedule(Auditable, TimestampMixin, Base):
    """Periodic work of a workspace: a run of ``kind`` every interval or on a cron expression (UTC)."""

    __tablename__ = "schedules"
    __audit_ignore__ = frozenset({"next_run_at", "last_run_at", "last_run_id"})
    __table_args__ = (
        CheckConstraint(
            "(cron IS NULL AND interval_seconds IS NOT NULL) "
            "OR (cron IS NOT NULL AND interval_seconds IS NULL)",
            name="one_cadence",
        ),
        Index("ix_schedules_enabled_next_run_at", "enabled", "next_run_at"),
        Index("ix_schedules_workspace_id_id", "workspace_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(500), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    cron: Mapped[str | None] = mapped_column(String(100))
    interval_seconds: Mapped[int | None]
    priority: Mapped[int] = mapped_column(default=0)
    enabled: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    # No foreign key: runs already reference schedules, and a cycle would complicate migrations.
    last_run_id: Mapped[int | None]
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))


class DemoItem(Base):
    """One processed unit of a ``demo.count`` run; (run_id, n) makes a re-run write nothing twice."""

    __tablename__ = "demo_items"
    __table_args__ = (UniqueConstraint("run_id", "n"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey(_RUN_FK, ondelete="CASCADE"))
    n: Mapped[int]
    worker: Mapped[str | None] = mapped_column(String(200))
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)
