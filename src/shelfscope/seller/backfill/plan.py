"""The persisted backfill plan: windows written once, claimed when due, and their status.

Planning is an insert-or-ignore on (connection, kind, scope, start, end), so planning twice, or
a daily re-plan, adds only new windows. A worker claims a due window with a compare-and-set on
``claimed_until`` (a lease), so two workers never fetch the same window, and a window whose
worker died becomes due again once the lease lapses.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from shelfscope.db import upsert
from shelfscope.seller.backfill.windows import (
    PlannedWindow,
    incremental_windows,
    kind_plan,
    plan_end,
    plan_windows,
)
from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.models import BackfillWindow, SellerConnection, WindowStatus

__all__ = [
    "KindStatus",
    "claim_window",
    "due_windows",
    "kind_status",
    "plan_backfill",
    "plan_incremental",
    "synced_until",
    "windows_by_status",
]

OPEN_STATUSES = tuple(s.value for s in WindowStatus if not s.is_final)


def plan_backfill(session: Session, connection: SellerConnection, *, now: datetime, months: int) -> int:
    """Write the windows of ``connection``'s backfill; returns how many were new."""
    planned = plan_windows(
        region=connection.region, marketplace_ids=list(connection.marketplace_ids), now=now, months=months
    )
    return _insert(session, connection, planned)


def plan_incremental(
    session: Session, connection: SellerConnection, *, now: datetime, lookback: timedelta
) -> int:
    """Add today's sync windows after the backfill; returns how many were new (0 once planned today).

    Nothing is planned before the connection has a backfill plan: the daily sync continues
    from where the synced history ends.
    """
    since = synced_until(session, connection_id=connection.id)
    if since is None or since >= plan_end(now):
        return 0
    planned = incremental_windows(
        region=connection.region,
        marketplace_ids=list(connection.marketplace_ids),
        since=since,
        now=now,
        lookback=lookback,
    )
    return _insert(session, connection, planned)


def synced_until(session: Session, *, connection_id: int) -> datetime | None:
    """How far the plan reaches: the end of its latest inventory-ledger window (every day's
    plan has one, and the backfill's Finances windows deliberately stop 48 hours short)."""
    return session.scalar(
        select(func.max(BackfillWindow.window_end)).where(
            BackfillWindow.connection_id == connection_id,
            BackfillWindow.kind == SourceKind.INVENTORY_LEDGER.value,
        )
    )


def _insert(session: Session, connection: SellerConnection, planned: list[PlannedWindow]) -> int:
    before = _count(session, connection.id)
    upsert(
        session,
        BackfillWindow,
        [
            {
                "workspace_id": connection.workspace_id,
                "connection_id": connection.id,
                "kind": window.kind,
                "scope": window.scope,
                "window_start": window.start,
                "window_end": window.end,
                "status": WindowStatus.PLANNED.value,
                "rows_ingested": 0,
                "attempts": 0,
            }
            for window in planned
        ],
        key=("connection_id", "kind", "scope", "window_start", "window_end"),
        update=(),
    )
    return _count(session, connection.id) - before


def _count(session: Session, connection_id: int) -> int:
    query = (
        select(func.count()).select_from(BackfillWindow).where(BackfillWindow.connection_id == connection_id)
    )
    return int(session.scalar(query) or 0)


def _due(now: datetime) -> Any:
    return and_(
        BackfillWindow.status.in_(OPEN_STATUSES),
        or_(BackfillWindow.next_attempt_at.is_(None), BackfillWindow.next_attempt_at <= now),
        or_(BackfillWindow.claimed_until.is_(None), BackfillWindow.claimed_until < now),
    )


def due_windows(session: Session, *, connection_id: int, now: datetime, limit: int = 1000) -> list[int]:
    """Ids of windows ready to work on, oldest data first within each kind."""
    query = (
        select(BackfillWindow.id)
        .where(BackfillWindow.connection_id == connection_id, _due(now))
        .order_by(BackfillWindow.kind, BackfillWindow.window_start, BackfillWindow.scope)
        .limit(limit)
    )
    return list(session.scalars(query))


def claim_window(session: Session, *, window_id: int, now: datetime, lease: timedelta) -> bool:
    """Take a due window for ``lease``; False when another worker has it or it is not due."""
    result = cast(
        "CursorResult[object]",
        session.execute(
            update(BackfillWindow)
            .where(BackfillWindow.id == window_id, _due(now))
            .values(claimed_until=now + lease)
        ),
    )
    return result.rowcount == 1


def windows_by_status(session: Session, *, connection_id: int) -> dict[str, dict[str, int]]:
    """``{kind: {status: count}}``."""
    query = (
        select(BackfillWindow.kind, BackfillWindow.status, func.count())
        .where(BackfillWindow.connection_id == connection_id)
        .group_by(BackfillWindow.kind, BackfillWindow.status)
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, count in session.execute(query):
        counts[kind][status] = int(count)
    return dict(counts)


@dataclass
class KindStatus:
    """The sync status of one data kind of a connection."""

    kind: str
    windows_total: int = 0
    windows_done: int = 0
    rows: int = 0
    last_success: datetime | None = None
    last_error: str | None = None
    by_status: dict[str, int] = field(default_factory=dict)


def kind_status(session: Session, *, connection_id: int) -> list[KindStatus]:
    """Per data kind: windows done/total, rows ingested, last success and the latest error.

    A kind with two ways in (settlement: reports, and event groups for older periods) is one
    status: the seller asked for their settlements, not for an API's windows.
    """
    statuses: dict[str, KindStatus] = {}
    windows = session.scalars(
        select(BackfillWindow)
        .where(BackfillWindow.connection_id == connection_id)
        .order_by(BackfillWindow.id)
    )
    for window in windows:
        kind = kind_plan(window.kind).kind.value  # settlement_groups windows are settlement's
        status = statuses.setdefault(kind, KindStatus(kind=kind))
        status.windows_total += 1
        status.by_status[window.status] = status.by_status.get(window.status, 0) + 1
        status.rows += window.rows_ingested
        if WindowStatus(window.status).is_final and window.status != WindowStatus.FAILED:
            status.windows_done += 1
            if window.finished_at and (
                status.last_success is None or window.finished_at > status.last_success
            ):
                status.last_success = window.finished_at
        if window.last_error:
            status.last_error = window.last_error
    return sorted(statuses.values(), key=lambda s: s.kind)
