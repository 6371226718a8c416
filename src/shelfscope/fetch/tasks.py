"""Run kinds and due work of the fetch engine, registered with the job system on import.

* ``fetch.maintenance``: prune the request log past ``fetch.request_log_retention_days`` and
  check bandwidth thresholds (one alert per provider per day). The scheduler queues a *system*
  run of it every ``fetch.maintenance_interval_seconds`` (due source ``fetch.maintenance``, see
  :mod:`.maintenance`), which checks every workspace that set a threshold; a workspace may also
  schedule its own, which checks only that workspace. It is idempotent, so a missed or doubled
  run changes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shelfscope.fetch.maintenance import MAINTENANCE_DUE_SOURCE, MAINTENANCE_KIND, queue_system_maintenance
from shelfscope.fetch.models_db import UsageThreshold
from shelfscope.fetch.requestlog import delete_expired
from shelfscope.fetch.usage import check_thresholds
from shelfscope.jobs import RunContext, register_due_source, register_kind

__all__ = ["MAINTENANCE_KIND", "maintenance_job"]


def maintenance_job(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``fetch.maintenance``: a system run checks every workspace, a workspace's run its own."""
    platform = ctx.platform
    now = platform.clock.now()
    pruned = delete_expired(
        platform.db, now=now, retention_days=platform.settings.fetch.request_log_retention_days
    )
    alerted: list[str] = []
    with platform.db.session() as session:
        if ctx.workspace_id is not None:
            workspaces = [ctx.workspace_id]
        else:
            workspaces = list(session.scalars(select(UsageThreshold.workspace_id).distinct()))
        for workspace_id in workspaces:
            alerted += check_thresholds(session, platform.bus, workspace_id=workspace_id, now=now)
    return {"pruned": pruned, "alerted": alerted}


register_kind(MAINTENANCE_KIND, maintenance_job, max_attempts=3)
register_due_source(MAINTENANCE_DUE_SOURCE, queue_system_maintenance)
