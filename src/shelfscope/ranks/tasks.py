"""Run kinds and due work of rank tracking, registered with the job system on import.

* ``ranks.check``: check every keyword of one tracking job (:mod:`.runner`).
* due source ``ranks.jobs``: each scheduler tick claims due tracking jobs (:mod:`.dispatch`).

After a check, the worker prunes the raw-page archive when no process sharing it has done so
for a few hours, so retention needs no schedule of its own. File times are the system's, so
retention is judged by the system clock, not the platform's (injected) one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shelfscope.archive import RawArchive
from shelfscope.clock import utcnow
from shelfscope.jobs import RunContext, register_due_source, register_kind
from shelfscope.ranks.check_runs import CHECK_KIND
from shelfscope.ranks.dispatch import dispatch_due_jobs
from shelfscope.ranks.pages import SERP_ARCHIVE
from shelfscope.ranks.runner import execute_check

__all__ = ["DUE_SOURCE", "check_job"]

DUE_SOURCE = "ranks.jobs"


def check_job(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``ranks.check``."""
    result = execute_check(ctx)
    settings = ctx.platform.settings
    pruned = RawArchive.from_settings(settings, SERP_ARCHIVE).prune_if_due(
        now=utcnow(), retention=timedelta(days=settings.archive.retention_days)
    )
    if pruned:
        ctx.log.info("rank_archive_pruned", pages=pruned)
    return result


register_kind(CHECK_KIND, check_job, max_attempts=3)
register_due_source(DUE_SOURCE, dispatch_due_jobs)
