"""Live events about runs (progress, finished), published to the workspace's dashboards.

A bus outage must never fail the work itself: events are a view of the ``runs`` table, which
stays the truth, so publishing errors are logged and swallowed.
"""

from __future__ import annotations

from typing import Any

from shelfscope.events.types import Event, EventBus, EventType
from shelfscope.jobs.models import Run
from shelfscope.logs import get_logger

__all__ = ["publish_finished", "publish_progress", "run_payload"]

log = get_logger(__name__)


def run_payload(run: Run) -> dict[str, Any]:
    """The fields a dashboard needs to redraw one run."""
    return {
        "run_id": run.id,
        "kind": run.kind,
        "subject": run.subject,
        "status": run.status,
        "done": run.progress_done,
        "total": run.progress_total,
        "message": run.message,
        "attempts": run.attempts,
        "error": run.error,
    }


def _publish(bus: EventBus, event_type: str, workspace_id: int | None, payload: dict[str, Any]) -> None:
    try:
        bus.publish(Event(type=event_type, workspace_id=workspace_id, payload=payload))
    except Exception as exc:
        log.warning("run_event_not_published", type=event_type, run_id=payload.get("run_id"), error=str(exc))


def publish_progress(bus: EventBus, workspace_id: int | None, payload: dict[str, Any]) -> None:
    _publish(bus, EventType.RUN_PROGRESS, workspace_id, payload)


def publish_finished(bus: EventBus, workspace_id: int | None, payload: dict[str, Any]) -> None:
    _publish(bus, EventType.RUN_FINISHED, workspace_id, payload)
