"""Per-proxy standing and top errors read back from the request log, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from shelfscope.db import Database
from shelfscope.fetch.insights import top_block_kinds, top_errors
from shelfscope.fetch.models_db import ProxyConfig, RequestLogEntry
from shelfscope.fetch.proxy_standing import proxy_standings
from shelfscope.fetch.requestlog import log_row
from shelfscope.fetch.signals import Outcome, RequestRecord
from shelfscope.settings import FetchSettings
from tests.jobs_support import make_workspace

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SETTINGS = FetchSettings(proxy_dead_after=3, proxy_cooldown_seconds=600)


def _row(workspace_id: int, proxy: ProxyConfig | None, minutes_ago: float, **changes: Any) -> RequestLogEntry:
    fields: dict[str, Any] = {
        "at": NOW - timedelta(minutes=minutes_ago),
        "run_id": "r1",
        "site": "amazon",
        "marketplace": "US",
        "method": "GET",
        "host": "www.amazon.com",
        "path": "/s",
        "status": 200,
        "latency": 0.5,
        "duration": 0.5,
        "bytes_in": 250_000_000,
        "bytes_out": 0,
        "attempts": 1,
        "identity_id": None,
        "session_id": "s",
        "proxy_id": str(proxy.id) if proxy else None,
        "blocked": False,
        "block_kind": None,
        "outcome": Outcome.SUCCEEDED,
        "error": None,
    }
    fields.update(changes)
    return RequestLogEntry(**log_row(RequestRecord(**fields), workspace_id=workspace_id, provider=None))


def _failure(workspace_id: int, proxy: ProxyConfig, minutes_ago: float) -> RequestLogEntry:
    return _row(
        workspace_id,
        proxy,
        minutes_ago,
        status=None,
        outcome=Outcome.FAILED,
        error="connection_failed",
        bytes_in=0,
    )


def test_standing_counts_the_window_and_replays_the_pools_cooldown_rules(db: Database) -> None:
    workspace_id = make_workspace(db)
    other_workspace = make_workspace(db, "Other")
    with db.session() as session:
        steady, dying, recovering, idle = (
            ProxyConfig(
                workspace_id=workspace_id, name=name, provider="custom", host="h", port=1, cost_per_gb=cost
            )
            for name, cost in (
                ("steady", Decimal("8")),
                ("dying", Decimal(0)),
                ("back", Decimal(0)),
                ("idle", 1),
            )
        )
        session.add_all([steady, dying, recovering, idle])
        session.flush()
        session.add_all(
            [
                _row(workspace_id, steady, 30, latency=0.2),
                _row(workspace_id, steady, 20, latency=0.4, blocked=True, block_kind="captcha"),
                _row(workspace_id, steady, 60 * 30),  # outside the 24 h window
                _row(other_workspace, steady, 10),  # someone else's row naming the same id
                *(_failure(workspace_id, dying, m) for m in (3, 2, 1)),
                *(_failure(workspace_id, recovering, m) for m in (40, 39, 38)),
                _row(workspace_id, recovering, 5),
            ]
        )
        session.flush()
        standings = proxy_standings(session, SETTINGS, workspace_id=workspace_id, now=NOW)
        ids = {"steady": steady.id, "dying": dying.id, "back": recovering.id, "idle": idle.id}
    steady_standing = standings[ids["steady"]]
    assert (steady_standing.requests, steady_standing.succeeded, steady_standing.blocks) == (2, 2, 1)
    assert steady_standing.mean_latency_ms == 300.0
    assert steady_standing.megabytes == 500.0 and steady_standing.estimated_cost == Decimal("4.00")
    assert steady_standing.state == "healthy"
    dying_standing = standings[ids["dying"]]
    assert dying_standing.state == "cooldown" and dying_standing.success_rate == 0.0
    assert dying_standing.cooldown_until == NOW - timedelta(minutes=1) + timedelta(seconds=600)
    back = standings[ids["back"]]
    assert back.state == "healthy" and back.consecutive_failures == 0, "a success clears the deaths"
    assert standings[ids["idle"]].state == "idle" and standings[ids["idle"]].success_rate is None


def test_top_errors_and_block_kinds_are_ranked_per_workspace(db: Database) -> None:
    workspace_id = make_workspace(db)
    other_workspace = make_workspace(db, "Other")
    failed = {"status": 503, "outcome": Outcome.FAILED}
    with db.session() as session:
        session.add_all(
            [
                _row(workspace_id, None, 1, error="timeout", **failed),
                _row(workspace_id, None, 2, error="timeout", host="shopee.sg", **failed),
                _row(workspace_id, None, 3, error="server_error", **failed),
                _row(workspace_id, None, 4, blocked=True, block_kind="captcha"),
                _row(workspace_id, None, 60 * 48, error="proxy_failed", **failed),  # too old
                _row(other_workspace, None, 1, error="proxy_failed", **failed),
            ]
        )
        session.flush()
        since = NOW - timedelta(hours=24)
        errors = top_errors(session, workspace_id=workspace_id, since=since, until=NOW)
        blocks = top_block_kinds(session, workspace_id=workspace_id, since=since, until=NOW)
    assert [(e.name, e.count, e.hosts) for e in errors] == [("timeout", 2, 2), ("server_error", 1, 1)]
    assert errors[0].last_at == NOW - timedelta(minutes=1)
    assert [(b.name, b.count) for b in blocks] == [("captcha", 1)]
