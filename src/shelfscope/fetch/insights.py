"""What went wrong lately, from the request log: the commonest errors and block kinds.

The health score says *how* healthy fetching is; these lists say *why not*: an error code that
suddenly dominates (``proxy_failed``, ``timeout``) points at a proxy or a slow site, a block kind
(``captcha``, ``robot_check``) at a site that has started to recognise us.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from shelfscope.fetch.models_db import RequestLogEntry

__all__ = ["ProblemCount", "top_block_kinds", "top_errors"]


@dataclass(frozen=True, kw_only=True)
class ProblemCount:
    """One error code (or block kind) with how often it came back, on how many hosts, and when last."""

    name: str
    count: int
    hosts: int
    last_at: datetime


def _top(
    session: Session,
    column: InstrumentedAttribute[str | None],
    *,
    workspace_id: int,
    since: datetime,
    until: datetime,
    limit: int,
) -> list[ProblemCount]:
    log = RequestLogEntry
    rows = session.execute(
        select(column, func.count(), func.count(func.distinct(log.host)), func.max(log.at))
        .where(log.workspace_id == workspace_id, log.at >= since, log.at <= until, column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(limit)
    ).all()
    return [
        ProblemCount(name=str(name), count=int(count), hosts=int(hosts), last_at=last_at)
        for name, count, hosts, last_at in rows
    ]


def top_errors(
    session: Session, *, workspace_id: int, since: datetime, until: datetime, limit: int = 5
) -> list[ProblemCount]:
    """Error codes of failed fetches, commonest first."""
    return _top(
        session, RequestLogEntry.error, workspace_id=workspace_id, since=since, until=until, limit=limit
    )


def top_block_kinds(
    session: Session, *, workspace_id: int, since: datetime, until: datetime, limit: int = 5
) -> list[ProblemCount]:
    """Kinds of block pages met (even when a retry then got through), commonest first."""
    return _top(
        session, RequestLogEntry.block_kind, workspace_id=workspace_id, since=since, until=until, limit=limit
    )
