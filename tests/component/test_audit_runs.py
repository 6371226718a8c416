"""People's actions on runs are audited; the system's constant rewrites of runs are not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shelfscope.api.app import create_app
from shelfscope.auth.models import AuditLog
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.jobs.models import Run
from shelfscope.jobs.scheduler import tick
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.support import platform_for

PASSWORD = "audit password 123"


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    with platform_for(settings) as platform:
        with platform.db.session() as session:
            owner = create_user(session, email="owner@example.com", password=PASSWORD)
            create_workspace(session, owner_id=owner.id, name="Audited")
        yield platform


def _run_entries(platform: Platform) -> list[AuditLog]:
    with platform.db.session() as session:
        return list(
            session.scalars(select(AuditLog).where(AuditLog.entity_type == "run").order_by(AuditLog.id))
        )


def test_creating_cancelling_and_retrying_a_run_is_audited_with_the_actor(platform: Platform) -> None:
    with TestClient(create_app(platform)) as client:
        token = client.post(
            "/api/v1/auth/token", data={"username": "owner@example.com", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        created = client.post("/api/v1/runs/demo", json={"count": 1, "items": 3}, headers=headers).json()
        run_id = created["items"][0]["id"]
        assert client.post(f"/api/v1/runs/{run_id}/cancel", headers=headers).status_code == 200
        assert client.post(f"/api/v1/runs/{run_id}/retry", headers=headers).status_code == 200
    entries = _run_entries(platform)
    assert [(e.action, e.entity_id, e.via) for e in entries] == [
        ("create", str(run_id), "token"),
        ("update", str(run_id), "token"),
        ("update", str(run_id), "token"),
    ]
    assert all(e.actor_user_id is not None for e in entries)
    assert "status" in entries[1].changed_fields
    assert "attempts" in entries[2].changed_fields


def test_system_writes_to_runs_leave_no_audit_rows(platform: Platform) -> None:
    from shelfscope.jobs.schedule_service import create_schedule

    with platform.db.session() as session:
        create_schedule(
            session, platform, workspace_id=1, kind="demo.count", interval_seconds=60, payload={"items": 1}
        )
    before = len(_run_entries(platform))
    tick(platform, now=platform.clock.now().replace(year=2100))
    with platform.db.session() as session:
        runs = session.scalar(select(func.count()).select_from(Run))
    assert runs == 1, "the tick created the scheduled run"
    assert len(_run_entries(platform)) == before
