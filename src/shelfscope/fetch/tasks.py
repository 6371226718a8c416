"""Run kinds of the fetch engine, registered with the job system on import.

* ``fetch.maintenance``: prune the request log past ``fetch.request_log_retention_days`` and
  check the run's workspace's bandwidth thresholds (one alert per provider per day). Schedule
  it (hourly is plenty) from the schedules API; it is idempotent, so a missed or doubled run
  changes nothing.
"""

from __future__ import annotations

from typing import Any

from shelfscope.fetch.requestlog import delete_expired
from shelfscope.fetch.usage import check_thresholds
from shelfscope.jobs import RunContext, register_kind

__all__ = ["MAINTENANCE_KIND", "maintenance_job"]

MAINTENANCE_KIND = "fetch.maintenance"


def maintenance_job(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``fetch.maintenance``."""
    platform = ctx.platform
    now = platform.clock.now()
    pruned = delete_expired(
        platform.db, now=now, retention_days=platform.settings.fetch.request_log_retention_days
    )
    alerted: list[str] = []
    if ctx.workspace_id is not None:  # a system run has no workspace, hence no thresholds
        with platform.db.session() as session:
            alerted = check_thresholds(session, platform.bus, workspace_id=ctx.workspace_id, now=now)
    return {"pruned": pruned, "alerted": alerted}


register_kind(MAINTENANCE_KIND, maintenance_job, max_attempts=3)
