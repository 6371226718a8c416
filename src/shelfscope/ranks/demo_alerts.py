"""Alert rules of the demo workspace: every demo job watches big moves, page 1 and its ads.

Runs after :mod:`.demo` created the jobs. The backfilled history raises nothing (it is written
without check runs); the live checks that follow evaluate these rules like any other job's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.ranks.alert_rules import RuleKind, create_rule
from shelfscope.ranks.models import TrackingJob

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["seed_demo"]

# (kind, positions, percent)
_DEMO_RULES: tuple[tuple[RuleKind, int | None, int | None], ...] = (
    (RuleKind.RANK_MOVED, 5, 30),
    (RuleKind.PAGE_ONE, None, None),
    (RuleKind.SPONSORED, None, None),
    (RuleKind.NOT_FOUND, None, None),
)


def seed_demo(session: Session, platform: Platform, *, workspace_id: int, owner_id: int) -> None:
    job_ids = list(session.scalars(select(TrackingJob.id).where(TrackingJob.workspace_id == workspace_id)))
    for job_id in job_ids:
        for kind, positions, percent in _DEMO_RULES:
            create_rule(
                session,
                workspace_id=workspace_id,
                job_id=job_id,
                kind=kind.value,
                positions=positions,
                percent=percent,
                created_by_user_id=owner_id,
            )
