"""The seller due sources: a backfill run per connection with due windows, a daily sync per
connection once its plan ends before today, never two seller runs at once."""

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
from shelfscope.seller.tasks import SYNC_KIND, queue_daily_syncs, queue_due_backfills
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


def test_daily_sync_is_queued_once_a_day_after_the_backfill(settings: Settings, sqlite_db: Database) -> None:
    assert find_kind(SYNC_KIND) is not None
    active = _connection(sqlite_db)
    _connection(sqlite_db, status=ConnectionStatus.PAUSED)
    with jobs_platform(settings, sqlite_db, clock=FakeClock(NOW)) as platform:
        # The plan reaches today's midnight: nothing to sync until tomorrow.
        assert queue_daily_syncs(platform, NOW + timedelta(hours=6), 10) == 0
        tomorrow = NOW + timedelta(days=1)
        assert queue_daily_syncs(platform, tomorrow, 10) == 1
        assert queue_daily_syncs(platform, tomorrow + timedelta(minutes=1), 10) == 0  # already queued
        assert queue_due_backfills(platform, tomorrow, 10) == 0  # one seller run per connection
    with sqlite_db.session() as session:
        runs = session.scalars(select(Run).where(Run.kind == SYNC_KIND)).all()
        assert [run.payload for run in runs] == [{"connection_id": active}]
