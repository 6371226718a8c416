"""The fetch API: proxies CRUD with a real connection test through a sandbox proxy, log, health, usage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfscope.api.app import create_app
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.fetch.models_db import RequestLogEntry
from shelfscope.fetch.requestlog import log_row
from shelfscope.fetch.signals import Outcome, RequestRecord
from shelfscope.platform import Platform
from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.proxies import fleet_of, proxies_simulator
from shelfscope.settings import Settings
from tests.support import platform_for

PASSWORD = "correct horse battery"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(app=create_sandbox_app(simulators=[proxies_simulator(count=1)]))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def platform(settings: Settings, sandbox: SandboxServer) -> Iterator[Platform]:
    sandboxed = settings.model_copy(
        update={"sandbox": settings.sandbox.model_copy(update={"url": sandbox.url})}
    )
    with platform_for(sandboxed) as platform:
        yield platform


@pytest.fixture
def api(platform: Platform) -> Iterator[tuple[TestClient, dict[str, str], int]]:
    with platform.db.session() as session:
        user = create_user(session, email="ops@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=user.id, name="Ops").id
    with TestClient(create_app(platform)) as client:
        token = client.post("/api/v1/auth/token", data={"username": "ops@example.com", "password": PASSWORD})
        yield client, {"Authorization": f"Bearer {token.json()['access_token']}"}, workspace


def _record(*, blocked: bool, provider_proxy: str | None) -> RequestRecord:
    return RequestRecord(
        at=datetime.now(UTC),
        run_id="r1",
        site="amazon",
        marketplace="US",
        method="GET",
        host="www.amazon.com",
        path="/s",
        status=200,
        latency=0.3,
        duration=0.3,
        bytes_in=2_000_000,
        bytes_out=1000,
        attempts=1,
        identity_id=None,
        session_id="s",
        proxy_id=provider_proxy,
        blocked=blocked,
        block_kind="captcha" if blocked else None,
        outcome=Outcome.SUCCEEDED,
        error=None,
    )


def test_proxy_lifecycle_with_a_real_connection_test(
    api: tuple[TestClient, dict[str, str], int], sandbox: SandboxServer
) -> None:
    client, auth, _ = api
    exit_proxy = fleet_of(sandbox.context).proxies[0]
    exit_proxy.behaviour.username, exit_proxy.behaviour.password = "ops", "exit-pass-1"
    body: dict[str, Any] = {
        "name": "local",
        "host": "127.0.0.1",
        "port": exit_proxy.port,
        "username": "ops",
        "password": "exit-pass-1",
    }
    created = client.post("/api/v1/fetch/proxies", json=body, headers=auth)
    assert created.status_code == 201, created.text
    proxy = created.json()
    assert proxy["has_password"] is True and "password" not in proxy and "exit-pass-1" not in created.text
    tested = client.post(f"/api/v1/fetch/proxies/{proxy['id']}/test", headers=auth).json()
    assert tested["ok"] is True and tested["country"] == "US" and tested["exit_ip"] == "127.0.0.1"
    assert tested["latency_ms"] >= 0 and exit_proxy.counters.requests == 1
    bad = client.patch(f"/api/v1/fetch/proxies/{proxy['id']}", json={"password": "wrong-pass"}, headers=auth)
    assert bad.status_code == 200
    failed = client.post(f"/api/v1/fetch/proxies/{proxy['id']}/test", headers=auth).json()
    assert failed["ok"] is False and exit_proxy.counters.auth_failures == 1
    assert (
        client.post(f"/api/v1/fetch/proxies/{proxy['id']}/disable", headers=auth).json()["enabled"] is False
    )
    listed = client.get("/api/v1/fetch/proxies", headers=auth).json()["items"]
    assert [(p["name"], p["enabled"], p["last_test_ok"]) for p in listed] == [("local", False, False)]
    assert client.delete(f"/api/v1/fetch/proxies/{proxy['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/fetch/proxies/{proxy['id']}", headers=auth).status_code == 404


def test_provider_defaults_and_validation(api: tuple[TestClient, dict[str, str], int]) -> None:
    client, auth, _ = api
    made = client.post(
        "/api/v1/fetch/proxies",
        json={
            "name": "bd",
            "provider": "bright_data",
            "username": "brd-customer-c1-zone-res",
            "password": "p",
        },
        headers=auth,
    )
    assert made.status_code == 201 and (made.json()["host"], made.json()["port"]) == (
        "brd.superproxy.io",
        33335,
    )
    missing = client.post("/api/v1/fetch/proxies", json={"name": "ox", "provider": "oxylabs"}, headers=auth)
    assert missing.status_code == 422 and missing.json()["error"] == "invalid_input"


def test_request_log_health_and_usage(
    api: tuple[TestClient, dict[str, str], int], platform: Platform
) -> None:
    client, auth, workspace = api
    with platform.db.session() as session:
        for blocked in (False, False, False, True):
            session.add(
                RequestLogEntry(
                    **log_row(
                        _record(blocked=blocked, provider_proxy="7"),
                        workspace_id=workspace,
                        provider="oxylabs",
                    )
                )
            )
    page = client.get("/api/v1/fetch/requests", params={"blocked": "true", "limit": 10}, headers=auth).json()
    assert page["total"] == 1 and page["items"][0]["block_kind"] == "captcha"
    health = client.get("/api/v1/fetch/health", headers=auth).json()
    assert health["factors"]["block_avoidance"] == 0.75 and health["weights"]["success"] == 0.4
    assert health["score"] == pytest.approx(40 + 20 + 22.5 + 10)
    [usage] = client.get("/api/v1/fetch/usage", headers=auth).json()["items"]
    assert (usage["provider"], usage["requests"], usage["bytes"]) == ("oxylabs", 4, 8_004_000)
    put = client.put(
        "/api/v1/fetch/thresholds", params={"provider": "oxylabs"}, json={"mb_per_day": 5}, headers=auth
    )
    assert put.status_code == 200 and put.json()["mb_per_day"] == 5
    thresholds = client.get("/api/v1/fetch/thresholds", headers=auth).json()
    assert thresholds["total"] == 1 and thresholds["items"][0]["provider"] == "oxylabs"
