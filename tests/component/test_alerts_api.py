"""The alerts API: channels (with "send test"), rank alert rules and the alert history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfscope.alerts.firing import Alert, fire_alert
from shelfscope.alerts.models import AlertChannel
from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.alerts_support import webhook_receiver
from tests.jobs_support import jobs_platform

CHANNELS = "/api/v1/alerts/channels"


@dataclass
class Keys:
    admin: dict[str, str]
    member: dict[str, str]
    viewer: dict[str, str]


@pytest.fixture
def platform(settings: Settings, db: Database) -> Iterator[Platform]:
    with jobs_platform(settings, db) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def keys(platform: Platform) -> Keys:
    with platform.db.session() as session:
        owner = create_user(session, email="owner@alpha.example", password="correct-horse-42")
        workspace = create_workspace(session, owner_id=owner.id, name="Alpha")
        principal = Principal(user_id=owner.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
        now = platform.clock.now()
        made = {
            role: create_api_key(session, principal=principal, name=role.value, role=role, now=now)[1]
            for role in (Role.ADMIN, Role.MEMBER, Role.VIEWER)
        }
    auth = {role: {"Authorization": f"Bearer {key}"} for role, key in made.items()}
    return Keys(admin=auth[Role.ADMIN], member=auth[Role.MEMBER], viewer=auth[Role.VIEWER])


def _private_allowed(platform: Platform) -> None:
    platform.settings = platform.settings.model_copy(
        update={"alerts": platform.settings.alerts.model_copy(update={"allow_private_targets": True})}
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://[::1]/x", "http://169.254.169.254/"]
)
def test_webhooks_to_internal_addresses_are_refused(client: TestClient, keys: Keys, url: str) -> None:
    response = client.post(CHANNELS, json={"name": "x", "kind": "webhook", "url": url}, headers=keys.admin)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert "non-public address" in response.json()["message"]


def test_channel_lifecycle_keeps_the_signing_secret_encrypted_and_hidden(
    client: TestClient, keys: Keys, platform: Platform
) -> None:
    _private_allowed(platform)
    with webhook_receiver() as receiver:
        created = client.post(
            CHANNELS,
            json={"name": "ops", "kind": "webhook", "url": receiver.url, "webhook_format": "slack",
                  "signing_secret": "very-secret-key"},
            headers=keys.admin,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        channel = created.json()
        assert channel["has_signing_secret"] is True and "very-secret-key" not in created.text
        tested = client.post(f"{CHANNELS}/{channel['id']}/test", headers=keys.admin)
        assert tested.json() == {"ok": True, "response_status": 200, "error": None}
        (request,) = receiver.received
        assert request.json["text"] == "Test alert from shelfscope"
        assert request.headers["x-shelfscope-signature"].startswith("sha256=")

    with platform.db.session() as session:
        stored = session.scalars(select(AlertChannel.signing_secret)).one()
    assert stored is not None and "very-secret-key" not in stored
    assert platform.vault.decrypt(stored) == "very-secret-key"

    listed = client.get(CHANNELS, headers=keys.viewer).json()
    assert [item["name"] for item in listed["items"]] == ["ops"] and listed["total"] == 1
    host = receiver.url.rsplit("/", 1)[0]
    assert listed["items"][0]["url"] == f"{host}/…"  # the path may be the credential
    assert client.get(f"{CHANNELS}/{channel['id']}", headers=keys.admin).json()["url"] == receiver.url
    changed = client.patch(
        f"{CHANNELS}/{channel['id']}", json={"signing_secret": "", "digest": True}, headers=keys.admin
    )
    assert (changed.json()["has_signing_secret"], changed.json()["digest"]) == (False, True)
    assert client.delete(f"{CHANNELS}/{channel['id']}", headers=keys.admin).status_code == 204
    assert client.get(f"{CHANNELS}/{channel['id']}", headers=keys.admin).status_code == 404


def test_a_failing_test_send_reports_why(client: TestClient, keys: Keys, platform: Platform) -> None:
    _private_allowed(platform)
    with webhook_receiver(statuses=[401]) as receiver:
        created = client.post(
            CHANNELS, json={"name": "ops", "kind": "webhook", "url": receiver.url}, headers=keys.admin
        )
        tested = client.post(f"{CHANNELS}/{created.json()['id']}/test", headers=keys.admin).json()
    assert tested == {
        "ok": False,
        "response_status": 401,
        "error": "delivery_rejected: the webhook answered 401; it will not be retried",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "m", "kind": "email", "recipients": []}, "at least one recipient"),
        ({"name": "m", "kind": "email", "recipients": ["not-an-address"]}, "is not an email address"),
        ({"name": "w", "kind": "webhook"}, "needs a URL"),
        ({"name": "w", "kind": "webhook", "url": "ftp://example.com/x"}, "http:// or https://"),
    ],
)
def test_bad_channels_are_refused_with_a_message(
    client: TestClient, keys: Keys, body: dict[str, Any], message: str
) -> None:
    response = client.post(CHANNELS, json=body, headers=keys.admin)
    assert response.status_code == 422 and message in response.json()["message"]


def test_only_admins_change_channels(client: TestClient, keys: Keys) -> None:
    body = {"name": "m", "kind": "email", "recipients": ["ops@example.com"]}
    assert client.post(CHANNELS, json=body, headers=keys.member).status_code == 403
    assert client.post(CHANNELS, json=body, headers=keys.admin).status_code == 201
    assert client.post(CHANNELS, json=body, headers=keys.admin).status_code == 409


def test_rank_alert_rules_crud_and_validation(client: TestClient, keys: Keys) -> None:
    job = client.post(
        "/api/v1/ranks/jobs", json={"asin": "B0D7KQ3M2X", "marketplace": "DE", "keywords": ["a", "b"]},
        headers=keys.member,
    ).json()  # fmt: skip
    keyword_id = client.get(f"/api/v1/ranks/jobs/{job['id']}/keywords", headers=keys.member).json()["items"][
        0
    ]["keyword_id"]
    rules = f"/api/v1/ranks/jobs/{job['id']}/alert-rules"
    missing = client.post(rules, json={"kind": "rank_moved"}, headers=keys.member)
    assert missing.status_code == 422 and "positions or percent" in missing.json()["message"]
    wrong = client.post(rules, json={"kind": "top_ten", "positions": 3}, headers=keys.member)
    assert wrong.status_code == 422
    created = client.post(
        rules, json={"kind": "rank_moved", "positions": 5, "percent": 20, "direction": "worsened",
                     "keyword_id": keyword_id, "cooldown_minutes": 60},
        headers=keys.member,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["label"] == "rank worsened ≥ 5 positions or ≥ 20 %"
    assert (
        client.post(rules, json={"kind": "not_found", "keyword_id": 999999}, headers=keys.member).status_code
        == 422
    )
    assert client.post(rules, json={"kind": "anomaly"}, headers=keys.viewer).status_code == 403
    changed = client.patch(
        f"{rules}/{rule['id']}", json={"percent": None, "enabled": False}, headers=keys.member
    )
    assert (changed.json()["percent"], changed.json()["enabled"]) == (None, False)
    listed = client.get(rules, headers=keys.viewer).json()
    assert [item["id"] for item in listed["items"]] == [rule["id"]]
    assert client.delete(f"{rules}/{rule['id']}", headers=keys.member).status_code == 204
    assert client.get(f"{rules}/{rule['id']}", headers=keys.viewer).status_code == 404


def test_the_alert_history_lists_alerts_with_their_deliveries(
    client: TestClient, keys: Keys, platform: Platform
) -> None:
    client.post(
        CHANNELS, json={"name": "m", "kind": "email", "recipients": ["ops@example.com"]}, headers=keys.admin
    )
    workspace_id = client.get("/api/v1/workspaces", headers=keys.admin).json()["items"][0]["id"]
    with platform.db.session() as session:
        for n in range(2):
            fire_alert(
                session,
                platform,
                Alert(workspace_id=workspace_id, kind="not_found", rule_key="ranks.rule:1", subject_key=f"keyword:{n}",
                      dedupe_key=f"d{n}", title=f"gone {n}", cooldown=timedelta(hours=1), source="ranks", source_id=5,
                      link="/ranks/jobs/5?keyword=1"),
            )  # fmt: skip
    page = client.get("/api/v1/alerts/events?source=ranks&source_id=5", headers=keys.viewer).json()
    assert page["total"] == 2
    assert [item["title"] for item in page["items"]] == ["gone 1", "gone 0"]
    assert [d["status"] for d in page["items"][0]["deliveries"]] == ["pending"]
    assert client.get("/api/v1/alerts/events?source_id=6", headers=keys.viewer).json()["total"] == 0
