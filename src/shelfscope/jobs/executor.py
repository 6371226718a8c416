"""Executing one delivered run id: claim, run the kind's handler, record the outcome.

Safe to call any number of times for the same id: only a queued, due run can be claimed, so
duplicate deliveries and stale re-enqueues return without doing anything.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shelfscope.errors import ShelfscopeError
from shelfscope.jobs.context import RunContext
from shelfscope.jobs.heartbeat import Heartbeat
from shelfscope.jobs.lease import InFlight, RunLease, claim_run
from shelfscope.jobs.models import RunStatus
from shelfscope.jobs.policy import Outcome, backoff_seconds, classify, describe_error
from shelfscope.jobs.registry import find_kind
from shelfscope.jobs.run_events import publish_finished, publish_progress
from shelfscope.logs import get_logger

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["execute_claimed", "execute_run"]

log = get_logger(__name__)


def execute_run(
    platform: Platform, run_id: int, *, worker: str, in_flight: InFlight | None = None
) -> RunStatus | None:
    """Claim and execute ``run_id``; returns the status it ended in, None when not claimed or lost.

    ``in_flight`` tracks the claim while it runs, so a stopping worker can hand it back.
    """
    claimed = claim_run(platform.db, run_id=run_id, worker=worker, now=platform.clock.now())
    if claimed is None:
        log.info("run_not_claimed", run_id=run_id, worker=worker)
        return None
    lease = RunLease(platform.db, claimed, platform.clock)
    if in_flight is None:
        return execute_claimed(platform, lease)
    with in_flight.track(lease):
        return execute_claimed(platform, lease)


def execute_claimed(platform: Platform, lease: RunLease) -> RunStatus | None:
    """Run the handler of an already claimed run and record how it ended."""
    claimed = lease.claimed
    spec = find_kind(claimed.kind)
    if spec is None:
        error = f"unknown run kind {claimed.kind!r}: no handler is registered in this worker"
        return _finish(platform, lease, RunStatus.FAILED, error=error)
    jobs = platform.settings.jobs
    ctx = RunContext(platform=platform, lease=lease, progress_interval=jobs.progress_interval_seconds)
    ctx.log.info("run_started", attempt=claimed.attempt, worker=claimed.worker)
    publish_progress(platform.bus, claimed.workspace_id, _payload(lease, RunStatus.RUNNING, ctx))
    try:
        with Heartbeat(lease, interval=jobs.heartbeat_seconds, on_lost=ctx.mark_lost):
            returned = spec.handler(ctx)
        result = _json_result(returned)
    except BaseException as exc:
        return _on_error(platform, lease, ctx, exc)
    if ctx.partial_reason is not None:
        return _finish(platform, lease, RunStatus.PARTIAL, result=result, error=ctx.partial_reason, ctx=ctx)
    return _finish(platform, lease, RunStatus.SUCCEEDED, result=result, error=None, ctx=ctx)


def _json_result(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"a run handler must return a dict or None, not {type(value).__name__}")
    normalised: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return normalised


def _on_error(platform: Platform, lease: RunLease, ctx: RunContext, exc: BaseException) -> RunStatus | None:
    outcome = classify(exc)
    claimed = lease.claimed
    if outcome is Outcome.ABANDON:
        ctx.log.warning("run_abandoned", reason=str(exc))
        return None
    if outcome is Outcome.CANCEL:
        ctx.log.info("run_cancelled")
        return _finish(platform, lease, RunStatus.CANCELLED, error=None, ctx=ctx, message="cancelled")
    error = describe_error(exc)
    if outcome is Outcome.RETRY and claimed.attempt < claimed.max_attempts:
        return _retry_later(platform, lease, ctx, exc, error)
    if outcome is Outcome.RETRY:
        error = f"{error} (gave up after {claimed.attempt} attempts)"
    if isinstance(exc, ShelfscopeError):
        ctx.log.warning("run_failed", error=error)
    else:
        ctx.log.error("run_crashed", error=error, exc_info=exc)
    return _finish(platform, lease, RunStatus.FAILED, error=error, ctx=ctx)


def _retry_later(
    platform: Platform, lease: RunLease, ctx: RunContext, exc: BaseException, error: str
) -> RunStatus | None:
    jobs = platform.settings.jobs
    delay = backoff_seconds(
        lease.claimed.attempt, exc, base=jobs.retry_backoff_seconds, cap=jobs.retry_backoff_max_seconds
    )
    if not lease.retry_later(available_at=platform.clock.now() + timedelta(seconds=delay), error=error):
        ctx.log.warning("run_claim_lost_before_retry")
        return None
    ctx.log.info("run_retry_scheduled", error=error, delay_seconds=round(delay, 1))
    payload = _payload(lease, RunStatus.QUEUED, ctx, error=error)
    payload["message"] = f"retrying in {delay:.0f}s"
    publish_progress(platform.bus, lease.claimed.workspace_id, payload)
    return RunStatus.QUEUED


def _finish(
    platform: Platform,
    lease: RunLease,
    status: RunStatus,
    *,
    error: str | None,
    result: dict[str, Any] | None = None,
    ctx: RunContext | None = None,
    message: str | None = None,
) -> RunStatus | None:
    done, total, last_message = ctx.progress_snapshot if ctx else (0, None, None)
    progress = (done, total, message or last_message)
    if not lease.finish(status, result=result, error=error, progress=progress):
        log.warning("run_claim_lost_before_finish", run_id=lease.claimed.run_id, status=status.value)
        return None
    log.info("run_finished", run_id=lease.claimed.run_id, kind=lease.claimed.kind, status=status.value)
    publish_finished(platform.bus, lease.claimed.workspace_id, _payload(lease, status, ctx, error=error))
    return status


def _payload(
    lease: RunLease, status: RunStatus, ctx: RunContext | None, *, error: str | None = None
) -> dict[str, Any]:
    done, total, message = ctx.progress_snapshot if ctx else (0, None, None)
    claimed = lease.claimed
    return {
        "run_id": claimed.run_id,
        "kind": claimed.kind,
        "subject": claimed.subject,
        "status": status.value,
        "done": done,
        "total": total,
        "message": message,
        "attempts": claimed.attempt,
        "error": error,
    }
