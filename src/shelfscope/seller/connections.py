"""Use cases on seller connections: list, pause, resume, disconnect, test, and queue a backfill.

Every query is scoped by workspace: an id from another workspace is simply not found.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shelfscope.errors import Conflict, NotFound
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.seller.backfill.plan import plan_backfill
from shelfscope.seller.models import BackfillWindow, ConnectionStatus, SellerConnection
from shelfscope.seller.runtime import SellerRuntime
from shelfscope.seller.spapi import parse_marketplace_participations

__all__ = [
    "BACKFILL_KIND",
    "BACKFILL_PRIORITY",
    "check_connection",
    "disconnect",
    "get_connection",
    "list_connections",
    "queue_backfill",
    "set_paused",
]

BACKFILL_KIND = "seller.backfill"
BACKFILL_PRIORITY = 80
"""A fresh connection's backfill goes ahead of routine work: the seller is watching it."""


def list_connections(session: Session, *, workspace_id: int) -> list[SellerConnection]:
    query = (
        select(SellerConnection)
        .where(SellerConnection.workspace_id == workspace_id)
        .order_by(SellerConnection.id)
    )
    return list(session.scalars(query))


def get_connection(session: Session, *, workspace_id: int, connection_id: int) -> SellerConnection:
    connection = session.get(SellerConnection, connection_id)
    if connection is None or connection.workspace_id != workspace_id:
        raise NotFound(f"seller connection {connection_id} not found")
    return connection


def set_paused(session: Session, *, workspace_id: int, connection_id: int, paused: bool) -> SellerConnection:
    connection = get_connection(session, workspace_id=workspace_id, connection_id=connection_id)
    if connection.status in (ConnectionStatus.DISCONNECTED, ConnectionStatus.REAUTH_NEEDED):
        raise Conflict(f"the connection is {connection.status}; reconnect it through Amazon instead")
    connection.status = (ConnectionStatus.PAUSED if paused else ConnectionStatus.ACTIVE).value
    return connection


def disconnect(session: Session, *, workspace_id: int, connection_id: int) -> SellerConnection:
    """Forget the stored authorization (the ledger stays) and drop unfinished windows."""
    connection = get_connection(session, workspace_id=workspace_id, connection_id=connection_id)
    connection.refresh_token = None
    connection.status = ConnectionStatus.DISCONNECTED.value
    session.execute(
        delete(BackfillWindow).where(
            BackfillWindow.connection_id == connection_id, BackfillWindow.status.not_in(("done", "cancelled"))
        )
    )
    return connection


def check_connection(runtime: SellerRuntime, *, workspace_id: int, connection_id: int) -> list[str]:
    """Call Amazon with the stored authorization; the marketplaces it answers with."""
    with runtime.platform.db.session() as session:
        connection = get_connection(session, workspace_id=workspace_id, connection_id=connection_id)
        session.expunge(connection)
    if connection.status == ConnectionStatus.DISCONNECTED:
        raise Conflict("the connection is disconnected")
    body = runtime.client_for(connection).marketplace_participations()
    return sorted(p.marketplace_id for p in parse_marketplace_participations(body) if p.is_participating)


def queue_backfill(
    session: Session, platform: Platform, *, connection: SellerConnection, months: int | None = None
) -> int:
    """Plan the connection's windows and queue the run that works through them; the run id."""
    plan_backfill(
        session,
        connection,
        now=platform.clock.now(),
        months=months or platform.settings.seller.history_months,
    )
    run = create_run(
        session,
        platform,
        workspace_id=connection.workspace_id,
        kind=BACKFILL_KIND,
        subject=f"Amazon {connection.region} {connection.selling_partner_id}",
        payload={"connection_id": connection.id},
        priority=BACKFILL_PRIORITY,
    )
    return run.id
