"""Background work: runs in the database, Huey as the trigger, a scheduler and a reconciler.

What features use: :func:`register_kind` (from their ``tasks.py``, listed in
:data:`TASK_MODULES`) with a handler taking a :class:`RunContext`; :func:`register_due_source`
for their own tables of due work; and :mod:`shelfscope.jobs.service` (``create_run`` …) to
queue work. Only this package imports huey.
"""

from __future__ import annotations

from shelfscope.jobs.context import RunCancelled, RunContext, RunLost
from shelfscope.jobs.models import Run, RunStatus, Schedule
from shelfscope.jobs.registry import TASK_MODULES, register_kind
from shelfscope.jobs.scheduler import DueSource, register_due_source

__all__ = [
    "TASK_MODULES",
    "DueSource",
    "Run",
    "RunCancelled",
    "RunContext",
    "RunLost",
    "RunStatus",
    "Schedule",
    "register_due_source",
    "register_kind",
]
