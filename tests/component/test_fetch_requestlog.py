"""Request log rows from fetch signals, retention, usage per provider per day, thresholds, health score."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from shelfscope.alerts.models import Notification
from shelfscope.auth.models import User
from shelfscope.auth.vault import Vault
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.events.memory_bus import InProcessBus
from shelfscope.fetch import Request
from shelfscope.fetch.models_db import ProxyConfig, RequestLogEntry, UsageThreshold
from shelfscope.fetch.proxy_service import create_proxy, get_proxy, pool_entries, set_enabled
from shelfscope.fetch.requestlog import RequestLogWriter, delete_expired
from shelfscope.fetch.scoring import health_score
from shelfscope.fetch.signals import Outcome, RequestFinished, RequestRecord
from shelfscope.fetch.usage import check_thresholds, usage_by_provider_day
from shelfscope.settings import Settings

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REQUEST = Request(url="https://www.amazon.com/dp/B000000001")


def _record(
    *,
    at: datetime = T0,
    ok: bool = True,
    blocked: bool = False,
    proxy_id: str | None = "p1",
    run_id: str | None = "run-1",
    latency: float = 0.5,
    bytes_in: int = 400_000,
) -> RequestRecord:
    return RequestRecord(
        at=at,
        run_id=run_id,
        site="amazon",
        marketplace="US",
        method="GET",
        host="www.amazon.com",
        path="/dp/B000000001",
        status=200 if ok else 503,
        latency=latency,
        duration=latency,
        bytes_in=bytes_in,
        bytes_out=100_000,
        attempts=2 if blocked else 1,
        identity_id="chrome",
        session_id="s-1",
        proxy_id=proxy_id,
        blocked=blocked,
        block_kind="captcha" if blocked else None,
        outcome=Outcome.SUCCEEDED if ok else Outcome.FAILED,
        error=None if ok else "server_error",
    )


@pytest.fixture
def workspace(sqlite_db: Database) -> int:
    with sqlite_db.session() as s:
        owner = User(email="owner@example.com", password_hash="!", is_active=True)
        s.add(owner)
        s.flush()
        return create_workspace(s, owner_id=owner.id, name="Acme").id


def _write(
    db: Database, workspace: int, records: list[RequestRecord], *, batch_size: int = 3
) -> RequestLogWriter:
    writer = RequestLogWriter(
        db=db, workspace_id=workspace, provider_of=lambda p: "oxylabs" if p else None, batch_size=batch_size
    )
    for record in records:
        writer.observe(RequestFinished(request=REQUEST, record=record))
    return writer


def _rows(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(RequestLogEntry)) or 0)


def test_rows_are_inserted_in_batches_and_flush_writes_the_rest(sqlite_db: Database, workspace: int) -> None:
    writer = _write(sqlite_db, workspace, [_record() for _ in range(7)])
    assert (writer.written, _rows(sqlite_db)) == (6, 6)
    assert writer.flush() == 1 and _rows(sqlite_db) == 7
    with sqlite_db.session() as s:
        row = s.scalars(select(RequestLogEntry)).first()
        assert row is not None
        assert (row.provider, row.latency_ms, row.outcome, row.workspace_id) == (
            "oxylabs",
            500,
            "succeeded",
            workspace,
        )


def test_retention_deletes_only_rows_older_than_the_window(sqlite_db: Database, workspace: int) -> None:
    _write(
        sqlite_db, workspace, [_record(at=T0 - timedelta(days=20)), _record(at=T0 - timedelta(days=2))]
    ).flush()
    assert delete_expired(sqlite_db, now=T0, retention_days=14) == 1
    assert _rows(sqlite_db) == 1


def test_usage_per_provider_per_day_with_cost(sqlite_db: Database, workspace: int) -> None:
    with sqlite_db.session() as s:
        s.add(
            ProxyConfig(
                workspace_id=workspace,
                name="oxy",
                provider="oxylabs",
                host="h",
                port=1,
                cost_per_gb=Decimal(8),
            )
        )
    records = [_record(), _record(), _record(at=T0 - timedelta(days=1)), _record(proxy_id=None)]
    _write(sqlite_db, workspace, records).flush()
    with sqlite_db.session() as s:
        usage = usage_by_provider_day(
            s, workspace_id=workspace, since=date(2026, 2, 28), until=date(2026, 3, 1)
        )
    assert [(u.provider, u.day, u.requests, u.bytes) for u in usage] == [
        ("oxylabs", date(2026, 3, 1), 2, 1_000_000),
        ("oxylabs", date(2026, 2, 28), 1, 500_000),
    ]
    assert usage[0].estimated_cost == Decimal("0.0080")


def test_threshold_notifies_once_per_day(sqlite_db: Database, workspace: int) -> None:
    with sqlite_db.session() as s:
        s.add(UsageThreshold(workspace_id=workspace, provider="oxylabs", mb_per_day=1))
    _write(sqlite_db, workspace, [_record(), _record(), _record()]).flush()
    bus = InProcessBus()
    with sqlite_db.session() as s:
        assert check_thresholds(s, bus, workspace_id=workspace, now=T0) == ["oxylabs"]
    with sqlite_db.session() as s:
        assert check_thresholds(s, bus, workspace_id=workspace, now=T0 + timedelta(hours=1)) == []
        notes = list(s.scalars(select(Notification).where(Notification.kind == "fetch.bandwidth")))
    assert len(notes) == 1 and "1.5 MB" in notes[0].title


def test_health_score_weights_and_breakdown(sqlite_db: Database, workspace: int) -> None:
    records = [
        *[_record(latency=0.5) for _ in range(6)],
        _record(blocked=True),
        _record(ok=False, run_id="run-2"),
        _record(ok=False, run_id="run-2"),
        _record(ok=True, latency=5.5, blocked=True),
    ]
    _write(sqlite_db, workspace, records).flush()
    with sqlite_db.session() as s:
        score = health_score(s, workspace_id=workspace, now=T0 + timedelta(minutes=1))
    # success 8/10, blocks 2/10, runs 1 of 2 succeeded; mean latency of successes = (7*500+5500)/8 = 1125 ms.
    assert score.factors == {
        "success": 0.8,
        "latency": pytest.approx(1 - 125 / 9000, abs=1e-4),
        "block_avoidance": 0.8,
        "active_jobs": 0.5,
    }
    assert score.contributions["success"] == 32.0 and score.contributions["active_jobs"] == 5.0
    assert score.score == pytest.approx(32 + 20 * score.factors["latency"] + 24 + 5, abs=0.1)
    with sqlite_db.session() as s:
        empty = health_score(s, workspace_id=workspace + 1, now=T0)
    assert empty.score == 100.0 and empty.requests == 0


def test_proxy_passwords_are_encrypted_and_scoped_to_their_workspace(
    sqlite_db: Database, workspace: int
) -> None:
    vault = Vault([Fernet.generate_key().decode()])
    with sqlite_db.session() as s:
        proxy = create_proxy(
            s,
            vault,
            workspace_id=workspace,
            name="oxy",
            provider="oxylabs",
            username="acme",
            password="pw-secret",
            sticky=True,
        )
        assert proxy.host == "pr.oxylabs.io" and proxy.port == 7777
        assert proxy.password is not None and "pw-secret" not in proxy.password
        with pytest.raises(Conflict):
            create_proxy(s, vault, workspace_id=workspace, name="oxy", host="h", port=1)
        with pytest.raises(InvalidInput):
            create_proxy(s, vault, workspace_id=workspace, name="bad", provider="bright_data")
        with pytest.raises(NotFound):
            get_proxy(s, workspace_id=workspace + 1, proxy_id=proxy.id)
        [entry] = pool_entries(s, vault, workspace_id=workspace)
        assert entry.password == "pw-secret"
        set_enabled(s, workspace_id=workspace, proxy_id=proxy.id, enabled=False)
        assert pool_entries(s, vault, workspace_id=workspace) == []


def test_maintenance_job_prunes_the_log_and_checks_thresholds(settings: Settings) -> None:
    from types import SimpleNamespace
    from typing import cast

    from shelfscope.fetch.tasks import maintenance_job
    from shelfscope.jobs import RunContext
    from tests.support import platform_for

    with platform_for(settings) as platform:
        with platform.db.session() as s:
            owner = User(email="owner@example.com", password_hash="!", is_active=True)
            s.add(owner)
            s.flush()
            workspace = create_workspace(s, owner_id=owner.id, name="Acme").id
            s.add(UsageThreshold(workspace_id=workspace, provider="oxylabs", mb_per_day=1))
        now = platform.clock.now()
        old = _record(at=now - timedelta(days=30))
        _write(platform.db, workspace, [old, _record(at=now), _record(at=now)]).flush()
        ctx = cast(RunContext, SimpleNamespace(platform=platform, workspace_id=workspace))
        assert maintenance_job(ctx) == {"pruned": 1, "alerted": ["oxylabs"]}
        assert maintenance_job(ctx) == {"pruned": 0, "alerted": []}
