"""The seller JSON API and the OAuth callback, end to end against the SP-API sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfscope.api.app import create_app
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.jobs import Run
from shelfscope.seller.backfill.runner import run_backfill
from shelfscope.seller.connections import BACKFILL_KIND, BACKFILL_PRIORITY
from shelfscope.seller.models import SellerConnection
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, consent_redirect, seller_sandbox

PASSWORD = "correct horse battery"


@pytest.fixture
def sandbox(settings: Settings, sqlite_db: Database) -> Iterator[SellerSandbox]:
    # The platform runs on the sandbox clock, which report polls move forward: keep API logins valid.
    long_logins = settings.model_copy(
        update={"auth": settings.auth.model_copy(update={"access_token_minutes": 1440})}
    )
    with seller_sandbox(long_logins, sqlite_db, speed=1.0) as running:
        yield running


@pytest.fixture
def client(sandbox: SellerSandbox) -> Iterator[TestClient]:
    with TestClient(create_app(sandbox.platform), raise_server_exceptions=False) as client:
        yield client


def _owner(sandbox: SellerSandbox, client: TestClient, email: str) -> dict[str, str]:
    with sandbox.platform.db.session() as session:
        user = create_user(session, email=email, password=PASSWORD)
        create_workspace(session, owner_id=user.id, name=email.split("@", maxsplit=1)[0])
    token = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def _connect(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post("/api/v1/seller/connections/consent-url", json={"region": "NA"}, headers=headers)
    assert response.status_code == 200, response.text
    callback = consent_redirect(response.json()["url"])
    answer = client.get("/api/amazon/oauth-callback", params=callback, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith("/seller/connections/")
    (connection,) = client.get("/api/v1/seller/connections", headers=headers).json()["items"]
    return dict(connection)


def test_connect_queues_a_high_priority_backfill_and_never_shows_the_token(
    sandbox: SellerSandbox, client: TestClient
) -> None:
    headers = _owner(sandbox, client, "alice@example.com")
    connection = _connect(client, headers)
    assert connection["status"] == "active"
    assert "refresh_token" not in connection
    assert "ATVPDKIKX0DER" in connection["marketplace_ids"]
    with sandbox.platform.db.session() as session:
        run = session.scalars(select(Run).where(Run.kind == BACKFILL_KIND)).one()
        assert run.priority == BACKFILL_PRIORITY
        assert run.payload == {"connection_id": connection["id"]}
    status = client.get("/api/v1/seller/status", headers=headers).json()["items"]
    kinds = {row["kind"]: row for row in status}
    assert set(kinds) == {
        "inventory_ledger",
        "reimbursements",
        "customer_returns",
        "orders",
        "fee_preview",
        "settlement",
        "financial_events",
    }
    assert kinds["inventory_ledger"]["windows_total"] == 6  # 18 months in 3-month windows
    assert kinds["fee_preview"]["windows_total"] == len(connection["marketplace_ids"])


def test_the_callback_state_cannot_be_replayed(sandbox: SellerSandbox, client: TestClient) -> None:
    headers = _owner(sandbox, client, "alice@example.com")
    response = client.post("/api/v1/seller/connections/consent-url", json={"region": "NA"}, headers=headers)
    callback = consent_redirect(response.json()["url"])
    assert (
        client.get("/api/amazon/oauth-callback", params=callback, follow_redirects=False).status_code == 303
    )
    replay = client.get("/api/amazon/oauth-callback", params=callback, follow_redirects=False)
    assert replay.status_code == 409
    assert replay.json()["error"] == "conflict"


def test_ledger_is_filtered_paginated_and_scoped(sandbox: SellerSandbox, client: TestClient) -> None:
    headers = _owner(sandbox, client, "alice@example.com")
    connection = _connect(client, headers)
    # Two runs: the first requests two reports, the second (once they are ready) downloads them.
    run_backfill(sandbox.runtime, connection_id=connection["id"], max_windows=2)
    sandbox.clock.advance(timedelta(minutes=10))
    run_backfill(sandbox.runtime, connection_id=connection["id"], max_windows=2)
    page = client.get("/api/v1/seller/ledger", params={"limit": 5}, headers=headers).json()
    assert page["total"] > 5 and len(page["items"]) == 5
    source = page["items"][0]["source"]
    filtered = client.get("/api/v1/seller/ledger", params={"source": source}, headers=headers).json()
    assert filtered["total"] > 0 and {item["source"] for item in filtered["items"]} == {source}
    other = _owner(sandbox, client, "bob@example.com")
    assert client.get("/api/v1/seller/ledger", headers=other).json()["total"] == 0
    assert (
        client.post(f"/api/v1/seller/connections/{connection['id']}/pause", headers=other).status_code == 404
    )


def test_test_pause_and_disconnect(sandbox: SellerSandbox, client: TestClient) -> None:
    headers = _owner(sandbox, client, "alice@example.com")
    connection = _connect(client, headers)
    base = f"/api/v1/seller/connections/{connection['id']}"
    tested = client.post(f"{base}/test", headers=headers).json()
    assert tested["ok"] is True and "ATVPDKIKX0DER" in tested["marketplace_ids"]
    assert client.post(f"{base}/pause", headers=headers).json()["status"] == "paused"
    assert client.post(f"{base}/resume", headers=headers).json()["status"] == "active"
    assert client.delete(base, headers=headers).json()["status"] == "disconnected"
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection["id"])
        assert stored is not None and stored.refresh_token is None
    assert client.post(f"{base}/test", headers=headers).status_code == 409
