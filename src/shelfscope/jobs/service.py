"""Use cases of runs: create, read, list, cancel and retry, always within one workspace.

Functions take the caller's session and never commit it, so a feature can create a run in the
same transaction as the row it works on. Queue messages and live events go out only after
that transaction commits. ``workspace_id=None`` addresses system runs (CLI only); another
workspace's run is reported exactly like a missing one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import Session

from shelfscope.auth.audit import record_statement_change
from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.jobs.dispatch import after_commit, enqueue_after_commit
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.registry import require_kind
from shelfscope.jobs.run_events import publish_finished, publish_progress, run_payload
from shelfscope.jobs.schedule_service import (
    create_schedule,
    delete_schedule,
    get_schedule,
    list_schedules,
    schedules_query,
    update_schedule,
)

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = [
    "cancel_run",
    "create_run",
    "create_schedule",
    "delete_schedule",
    "get_run",
    "get_schedule",
    "list_runs",
    "list_schedules",
    "retry_run",
    "run_workspace_id",
    "runs_query",
    "schedules_query",
    "update_schedule",
]

RETRYABLE = (RunStatus.FAILED.value, RunStatus.CANCELLED.value, RunStatus.PARTIAL.value)
MAX_PRIORITY = 100


def _scoped(workspace_id: int | None) -> Any:
    return Run.workspace_id.is_(None) if workspace_id is None else Run.workspace_id == workspace_id


def _validated_payload(payload: dict[str, Any] | None) -> dict[str, Any]:
    try:
        normalised: dict[str, Any] = json.loads(json.dumps(payload or {}))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"payload must be JSON: {exc}", field="payload") from exc
    return normalised


def _max_attempts(platform: Platform, kind: str, requested: int | None) -> int:
    spec = require_kind(kind)
    return requested or spec.max_attempts or platform.settings.jobs.max_attempts


def create_run(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int | None,
    kind: str,
    subject: str = "",
    payload: dict[str, Any] | None = None,
    priority: int = 0,
    max_attempts: int | None = None,
    parent_id: int | None = None,
    schedule_id: int | None = None,
    created_by_user_id: int | None = None,
    enqueue: bool = True,
) -> Run:
    """Record a queued run and hand it to the queue once the session commits.

    ``enqueue=False`` leaves the hand-over to the next scheduler tick (bulk creation).
    """
    if len(subject) > 500:
        raise InvalidInput("subject is longer than 500 characters", field="subject")
    if not -MAX_PRIORITY <= priority <= MAX_PRIORITY:
        raise InvalidInput(f"priority must be between -{MAX_PRIORITY} and {MAX_PRIORITY}", field="priority")
    if parent_id is not None:
        get_run(session, workspace_id=workspace_id, run_id=parent_id)
    now = platform.clock.now()
    run = Run(
        workspace_id=workspace_id,
        kind=kind,
        subject=subject,
        status=RunStatus.QUEUED.value,
        payload=_validated_payload(payload),
        priority=priority,
        max_attempts=_max_attempts(platform, kind, max_attempts),
        parent_id=parent_id,
        schedule_id=schedule_id,
        created_by_user_id=created_by_user_id,
        queued_at=now,
        available_at=now,
        enqueued_at=now if enqueue else None,
    )
    session.add(run)
    session.flush()
    if enqueue:
        enqueue_after_commit(session, platform, run_id=run.id, priority=priority)
    return run


def get_run(session: Session, *, workspace_id: int | None, run_id: int) -> Run:
    run = session.scalar(select(Run).where(Run.id == run_id, _scoped(workspace_id)))
    if run is None:
        raise NotFound(f"run {run_id} not found")
    return run


def run_workspace_id(session: Session, *, run_id: int) -> int | None:
    """The workspace a run belongs to, for local administration that starts from a bare id."""
    row = session.execute(select(Run.workspace_id).where(Run.id == run_id)).first()
    if row is None:
        raise NotFound(f"run {run_id} not found")
    workspace_id: int | None = row[0]
    return workspace_id


def runs_query(
    *,
    workspace_id: int | None,
    status: RunStatus | None = None,
    kind: str | None = None,
    parent_id: int | None = None,
) -> Select[Run]:
    """Runs of one workspace, newest first, optionally filtered."""
    query = select(Run).where(_scoped(workspace_id))
    if status is not None:
        query = query.where(Run.status == status.value)
    if kind is not None:
        query = query.where(Run.kind == kind)
    if parent_id is not None:
        query = query.where(Run.parent_id == parent_id)
    return query.order_by(Run.id.desc())


def list_runs(
    session: Session,
    *,
    workspace_id: int | None,
    status: RunStatus | None = None,
    kind: str | None = None,
    parent_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Run], int]:
    """One page of runs, newest first, and how many match in total."""
    query = runs_query(workspace_id=workspace_id, status=status, kind=kind, parent_id=parent_id)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(session.scalars(query.limit(limit).offset(offset))), total


def _cas(session: Session, run_id: int, from_status: str, **values: Any) -> bool:
    stmt = (
        update(Run)
        .where(Run.id == run_id, Run.status == from_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", session.execute(stmt)).rowcount == 1


def _cancel_one(session: Session, platform: Platform, run_id: int) -> bool:
    """Cancel a queued run now, or ask a running one to stop; False if it had already ended."""
    now = platform.clock.now()
    cancelled = {"status": RunStatus.CANCELLED.value, "cancel_requested": True, "finished_at": now}
    if _cas(session, run_id, RunStatus.QUEUED.value, **cancelled):
        return True
    return _cas(session, run_id, RunStatus.RUNNING.value, cancel_requested=True)


def cancel_run(session: Session, platform: Platform, *, workspace_id: int | None, run_id: int) -> Run:
    """Cancel a run and its unfinished children: queued ones at once, running ones at their next check."""
    run = get_run(session, workspace_id=workspace_id, run_id=run_id)
    if run.is_terminal:
        raise Conflict(f"run {run_id} has already ended ({run.status})")
    if not _cancel_one(session, platform, run_id):
        raise Conflict(f"run {run_id} has already ended")
    pending = [run_id]
    while pending:
        children = session.scalars(
            select(Run.id).where(
                Run.parent_id.in_(pending),
                Run.status.in_((RunStatus.QUEUED.value, RunStatus.RUNNING.value)),
            )
        ).all()
        pending = [child for child in children if _cancel_one(session, platform, child)]
    session.refresh(run)
    record_statement_change(session, run, action="update", fields=["status", "cancel_requested"])
    if run.status == RunStatus.CANCELLED.value:
        payload, ws = run_payload(run), run.workspace_id
        after_commit(session, lambda: publish_finished(platform.bus, ws, payload))
    return run


def retry_run(session: Session, platform: Platform, *, workspace_id: int | None, run_id: int) -> Run:
    """Run a failed, cancelled or partial run again, with a fresh budget of attempts."""
    run = get_run(session, workspace_id=workspace_id, run_id=run_id)
    if run.status not in RETRYABLE:
        raise Conflict(f"only failed, cancelled or partial runs can be retried; run {run_id} is {run.status}")
    now = platform.clock.now()
    reset = {
        "status": RunStatus.QUEUED.value,
        "attempts": 0,
        "queued_at": now,
        "available_at": now,
        "enqueued_at": now,
        "worker": None,
        "started_at": None,
        "heartbeat_at": None,
        "finished_at": None,
        "error": None,
        "result": None,
        "message": None,
        "progress_done": 0,
        "progress_total": None,
        "cancel_requested": False,
    }
    if not _cas(session, run_id, run.status, **reset):
        raise Conflict(f"run {run_id} changed while retrying it; try again")
    session.refresh(run)
    record_statement_change(session, run, action="update", fields=reset)
    enqueue_after_commit(session, platform, run_id=run.id, priority=run.priority)
    payload, ws = run_payload(run), run.workspace_id
    after_commit(session, lambda: publish_progress(platform.bus, ws, payload))
    return run
