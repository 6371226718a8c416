"""The health of a workspace's Amazon connections, as the dashboard shows it.

One :class:`ConnectionHealth` per connection joins what the connection row knows (status,
marketplaces, the last authorization error) with what the backfill plan knows per data kind
(windows done/total, rows, last success, last error). The plan is the source of truth for
progress; live events only tell the page when to look again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfscope.jobs.models import Run
from shelfscope.jobs.service import list_runs
from shelfscope.seller.backfill.plan import KindStatus, kind_status
from shelfscope.seller.connections import BACKFILL_KIND, get_connection, list_connections
from shelfscope.seller.models import ConnectionStatus, LedgerEntry, SellerConnection

__all__ = [
    "ConnectionHealth",
    "backfill_runs",
    "connection_health",
    "ledger_rows_by_connection",
    "workspace_health",
]

RECENT_RUNS = 50


@dataclass
class ConnectionHealth:
    """A connection with its sync status per kind and the figures the health panel shows."""

    connection: SellerConnection
    kinds: list[KindStatus] = field(default_factory=list)
    ledger_rows: int = 0

    @property
    def windows_total(self) -> int:
        return sum(kind.windows_total for kind in self.kinds)

    @property
    def windows_done(self) -> int:
        return sum(kind.windows_done for kind in self.kinds)

    @property
    def windows_failed(self) -> int:
        return sum(kind.by_status.get("failed", 0) for kind in self.kinds)

    @property
    def windows_open(self) -> int:
        return self.windows_total - self.windows_done - self.windows_failed

    @property
    def last_success(self) -> datetime | None:
        return max((k.last_success for k in self.kinds if k.last_success), default=None)

    @property
    def last_error(self) -> str | None:
        """The authorization problem first (it stops everything), else the latest window error."""
        if self.connection.last_error:
            return self.connection.last_error
        return next((k.last_error for k in self.kinds if k.last_error), None)

    @property
    def needs_reauth(self) -> bool:
        return self.connection.status == ConnectionStatus.REAUTH_NEEDED.value

    @property
    def sync_state(self) -> str:
        """``syncing``, ``synced`` or ``waiting`` while active; otherwise the connection's status."""
        if self.connection.status != ConnectionStatus.ACTIVE.value:
            return self.connection.status
        if not self.windows_total:
            return "waiting"
        return "syncing" if self.windows_open else "synced"


def ledger_rows_by_connection(session: Session, *, workspace_id: int) -> dict[int, int]:
    query = (
        select(LedgerEntry.connection_id, func.count())
        .where(LedgerEntry.workspace_id == workspace_id)
        .group_by(LedgerEntry.connection_id)
    )
    return {int(connection_id): int(count) for connection_id, count in session.execute(query)}


def _health(session: Session, connection: SellerConnection, rows: int) -> ConnectionHealth:
    return ConnectionHealth(
        connection=connection, kinds=kind_status(session, connection_id=connection.id), ledger_rows=rows
    )


def workspace_health(session: Session, *, workspace_id: int) -> list[ConnectionHealth]:
    """Every connection of the workspace, disconnected ones last."""
    rows = ledger_rows_by_connection(session, workspace_id=workspace_id)
    connections = list_connections(session, workspace_id=workspace_id)
    connections.sort(key=lambda c: (c.status == ConnectionStatus.DISCONNECTED.value, c.id))
    return [_health(session, connection, rows.get(connection.id, 0)) for connection in connections]


def connection_health(session: Session, *, workspace_id: int, connection_id: int) -> ConnectionHealth:
    connection = get_connection(session, workspace_id=workspace_id, connection_id=connection_id)
    rows = session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.connection_id == connection.id)
    )
    return _health(session, connection, int(rows or 0))


def backfill_runs(session: Session, *, workspace_id: int, connection_id: int, limit: int = 5) -> list[Run]:
    """The connection's latest backfill runs (the job system keeps the connection in the payload)."""
    runs, _ = list_runs(session, workspace_id=workspace_id, kind=BACKFILL_KIND, limit=RECENT_RUNS)
    mine = [run for run in runs if int((run.payload or {}).get("connection_id", 0)) == connection_id]
    return mine[:limit]
