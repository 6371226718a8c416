"""The seller due source: a backfill run per connection with due windows, never two at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.jobs import Run
from shelfscope.jobs.registry import find_kind
from shelfscope.seller.backfill.plan import plan_backfill
from shelfscope.seller.connections import BACKFILL_KIND
from shelfscope.seller.models import ConnectionStatus, SellerConnection
from shelfscope.seller.tasks import queue_due_backfills
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _connection(db: Database, *, status: ConnectionStatus = ConnectionStatus.ACTIVE) -> int:
    workspace_id = make_workspace(db)
    with db.session() as session:
        connection = SellerConnection(
            workspace_id=workspace_id,
            region="NA",
            selling_partner_id=f"A{workspace_id}",
            marketplace_ids=["ATVPDKIKX0DER"],
            status=status.value,
        )
        session.add(connection)
        session.flush()
        plan_backfill(session, connection, now=NOW, months=3)
        return connection.id


def test_due_windows_queue_one_run_per_active_connection(settings: Settings, sqlite_db: Database) -> None:
    assert find_kind(BACKFILL_KIND) is not None
    active = _connection(sqlite_db)
    _connection(sqlite_db, status=ConnectionStatus.PAUSED)
    with jobs_platform(settings, sqlite_db, clock=FakeClock(NOW)) as platform:
        assert queue_due_backfills(platform, NOW + timedelta(seconds=1), 10) == 1
        assert queue_due_backfills(platform, NOW + timedelta(seconds=2), 10) == 0  # already queued
    with sqlite_db.session() as session:
        runs = session.scalars(select(Run).where(Run.kind == BACKFILL_KIND)).all()
        assert [run.payload for run in runs] == [{"connection_id": active}]
