"""A database that goes away for a while: the scheduler keeps ticking and catches up afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import FakeClock
from shelfscope.jobs.models import Run
from shelfscope.jobs.schedule_service import create_schedule
from shelfscope.jobs.scheduler_loop import SchedulerLoop
from shelfscope.settings import Settings
from tests.support import platform_for, postgres_behind_link


@pytest.mark.postgres
def test_scheduler_survives_a_database_outage_and_dispatches_after_it(
    postgres_server_url: str, settings: Settings
) -> None:
    with (
        postgres_behind_link(settings, postgres_server_url) as (proxied, link),
        platform_for(proxied) as platform,
    ):
        platform.clock = clock = FakeClock()
        with platform.db.session() as session:
            owner = create_user(session, email="outage@example.com", password="outage password 1")
            workspace = create_workspace(session, owner_id=owner.id, name="Outage")
            create_schedule(
                session,
                platform,
                workspace_id=workspace.id,
                kind="demo.count",
                interval_seconds=60,
                payload={"items": 1},
            )
        loop = SchedulerLoop(platform, interval=0.01)
        link.cut()
        clock.advance(timedelta(minutes=5))
        for _ in range(3):
            loop.run_once()  # logged and swallowed: the loop must not die
        assert loop.ticks == 3
        link.restore()
        loop.run_once()
        with platform.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Run)) == 1
