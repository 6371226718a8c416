"""The accounts API through the real app (create_app), tokens, cookies, keys, members, invitations, audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from shelfscope.api.app import create_app
from shelfscope.auth import passwords
from shelfscope.auth.audit import AuditActor, actor_context
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import FakeClock
from shelfscope.db.registry import load_all_models
from shelfscope.platform import Platform
from shelfscope.settings import Settings

PASSWORD = "correct-horse-battery"


_CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, test-sized: the production cost (~0.3 s a hash) would dominate the suite."""
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP_HASHER)


API = "/api/v1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _platform(settings: Settings, clock: FakeClock) -> Platform:
    platform = Platform.from_settings(settings, clock=clock)
    load_all_models().create_all(platform.db.engine)
    with actor_context(AuditActor(via="cli")), platform.db.session() as session:
        owner = create_user(session, email="owner@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=owner.id, name="Acme")
        for role in (Role.ADMIN, Role.MEMBER, Role.VIEWER):
            user = create_user(session, email=f"{role.value}@example.com", password=PASSWORD)
            add_member(session, workspace_id=workspace.id, user_id=user.id, role=role)
    return platform


@pytest.fixture
def platform(settings: Settings, clock: FakeClock) -> Iterator[Platform]:
    platform = _platform(settings, clock)
    yield platform
    platform.close()


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


def _tokens(client: TestClient, email: str = "owner@example.com", **form: Any) -> dict[str, Any]:
    response = client.post(f"{API}/auth/token", data={"username": email, "password": PASSWORD, **form})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _bearer(client: TestClient, email: str = "owner@example.com") -> dict[str, str]:
    return {"Authorization": f"Bearer {_tokens(client, email)['access_token']}"}


def test_password_flow_issues_tokens_that_authenticate_and_rotate(
    client: TestClient, platform: Platform
) -> None:
    tokens = _tokens(client)
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == platform.settings.auth.access_token_minutes * 60
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert me["user"]["email"] == "owner@example.com"
    assert "password_hash" not in me["user"]
    assert (me["role"], me["via"], me["workspace"]["name"]) == ("owner", "token", "Acme")
    assert [w["name"] for w in me["workspaces"]] == ["Acme"]

    rotated = client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    reused = client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 401
    assert reused.json()["error"] == "authentication_required"
    assert "already used" in reused.json()["message"]
    after_reuse = client.post(f"{API}/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]})
    assert after_reuse.status_code == 401


def test_logout_revokes_the_refresh_family(client: TestClient) -> None:
    tokens = _tokens(client)
    assert (
        client.post(f"{API}/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    )
    assert (
        client.post(f"{API}/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    )


def test_wrong_password_is_401_and_repeated_failures_are_429_with_retry_after(
    client: TestClient, platform: Platform
) -> None:
    bad = {"username": "owner@example.com", "password": "not-the-password"}
    for _ in range(platform.settings.auth.login_max_failures):
        response = client.post(f"{API}/auth/token", data=bad)
        assert response.status_code == 401
        assert response.json() == {"error": "authentication_required", "message": "wrong email or password"}
    locked = client.post(f"{API}/auth/token", data={"username": "owner@example.com", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == platform.settings.auth.login_window_seconds


def test_unauthenticated_requests_are_401(client: TestClient) -> None:
    for path in ("/me", "/members", "/api-keys", "/audit", "/workspaces"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get(f"{API}/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get(f"{API}/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_api_key_is_shown_once_authenticates_and_can_be_revoked(client: TestClient, clock: FakeClock) -> None:
    owner = _bearer(client)
    created = client.post(f"{API}/api-keys", json={"name": "deploy", "role": "member"}, headers=owner)
    assert created.status_code == 201
    key = created.json()["key"]
    key_id = created.json()["id"]
    assert key.startswith(f"ssk_{created.json()['prefix']}_")
    listed = client.get(f"{API}/api-keys", headers=owner)
    assert key not in listed.text
    assert "hash" not in listed.text
    assert [(k["name"], k["role"], k["last_used_at"]) for k in listed.json()["items"]] == [
        ("deploy", "member", None)
    ]

    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {key}"}).json()
    assert (me["user"], me["role"], me["via"], me["api_key_id"]) == (None, "member", "api_key", key_id)
    used = client.get(f"{API}/api-keys", headers=owner).json()["items"][0]["last_used_at"]
    assert datetime.fromisoformat(used) == clock.now()

    assert client.delete(f"{API}/api-keys/{key_id}", headers=owner).json()["revoked_at"] is not None
    refused = client.get(f"{API}/me", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401
    assert "revoked" in refused.json()["message"]


def test_api_key_cannot_be_created_above_the_callers_role(client: TestClient) -> None:
    response = client.post(
        f"{API}/api-keys", json={"name": "x", "role": "owner"}, headers=_bearer(client, "admin@example.com")
    )
    assert response.status_code == 403
    viewer = client.post(f"{API}/api-keys", json={"name": "x"}, headers=_bearer(client, "viewer@example.com"))
    assert viewer.status_code == 403


def test_role_permissions_on_members(client: TestClient) -> None:
    owner = _bearer(client)
    members = {
        m["email"]: m
        for m in client.get(f"{API}/members", headers=_bearer(client, "viewer@example.com")).json()["items"]
    }
    assert {m["role"] for m in members.values()} == {"owner", "admin", "member", "viewer"}
    viewer_id, owner_id = members["viewer@example.com"]["id"], members["owner@example.com"]["id"]

    as_member = client.patch(
        f"{API}/members/{viewer_id}", json={"role": "member"}, headers=_bearer(client, "member@example.com")
    )
    assert as_member.status_code == 403
    as_admin = client.patch(
        f"{API}/members/{viewer_id}", json={"role": "owner"}, headers=_bearer(client, "admin@example.com")
    )
    assert as_admin.status_code == 403
    promoted = client.patch(
        f"{API}/members/{viewer_id}", json={"role": "admin"}, headers=_bearer(client, "admin@example.com")
    )
    assert promoted.json()["role"] == "admin"
    last_owner = client.patch(f"{API}/members/{owner_id}", json={"role": "admin"}, headers=owner)
    assert last_owner.status_code == 409
    assert "last owner" in last_owner.json()["message"]
    assert client.delete(f"{API}/members/{owner_id}", headers=owner).status_code == 409
    assert client.delete(f"{API}/members/{viewer_id}", headers=owner).status_code == 204
    removed = client.post(f"{API}/auth/token", data={"username": "viewer@example.com", "password": PASSWORD})
    assert removed.status_code == 403
    assert "not a member of any workspace" in removed.json()["message"]


def test_workspaces_create_switch_with_header_and_edit(client: TestClient) -> None:
    owner = _bearer(client)
    created = client.post(
        f"{API}/workspaces", json={"name": "Second Shop", "timezone": "Europe/Berlin"}, headers=owner
    )
    assert created.status_code == 201
    second = created.json()
    assert (second["slug"], second["role"], second["timezone"]) == ("second-shop", "owner", "Europe/Berlin")
    listed = client.get(f"{API}/workspaces", headers=owner).json()
    assert [w["name"] for w in listed["items"]] == ["Acme", "Second Shop"]
    assert listed["total"] == 2
    switched = client.get(f"{API}/me", headers={**owner, "X-Workspace-Id": str(second["id"])}).json()
    assert switched["workspace"]["id"] == second["id"]
    edited = client.patch(
        f"{API}/workspaces/{second['id']}",
        json={"name": "Renamed"},
        headers={**owner, "X-Workspace-Id": str(second["id"])},
    )
    assert edited.json()["name"] == "Renamed"
    other_one = client.patch(f"{API}/workspaces/{second['id']}", json={"name": "x"}, headers=owner)
    assert other_one.status_code == 404
    member = _bearer(client, "member@example.com")
    assert client.get(f"{API}/me", headers={**member, "X-Workspace-Id": str(second["id"])}).status_code == 404


def test_invitation_by_link_creates_an_account_that_can_log_in(client: TestClient) -> None:
    admin = _bearer(client, "admin@example.com")
    invited = client.post(
        f"{API}/invitations", json={"email": "New@Example.com", "role": "viewer"}, headers=admin
    )
    assert invited.status_code == 201
    token = invited.json()["token"]
    assert invited.json()["url"].endswith(f"/invitations/accept?token={token}")
    listed = client.get(f"{API}/invitations", headers=admin)
    assert token not in listed.text
    assert [(i["email"], i["role"]) for i in listed.json()["items"]] == [("new@example.com", "viewer")]
    accepted = client.post(
        f"{API}/invitations/accept", json={"token": token, "password": "brand-new-password"}
    )
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "viewer"
    again = client.post(f"{API}/invitations/accept", json={"token": token, "password": "brand-new-password"})
    assert again.status_code == 409
    login = client.post(
        f"{API}/auth/token", data={"username": "new@example.com", "password": "brand-new-password"}
    )
    assert login.status_code == 200


def test_audit_log_is_for_admins_and_shows_who_and_from_where(client: TestClient) -> None:
    owner = _bearer(client)
    client.post(f"{API}/api-keys", json={"name": "audited"}, headers={**owner, "User-Agent": "pytest-agent"})
    assert client.get(f"{API}/audit", headers=_bearer(client, "member@example.com")).status_code == 403
    page = client.get(f"{API}/audit", params={"entity_type": "api_key", "limit": 10}, headers=owner).json()
    assert page["total"] == 1
    entry = page["items"][0]
    assert (entry["action"], entry["via"], entry["ip"], entry["user_agent"]) == (
        "create",
        "token",
        "testclient",
        "pytest-agent",
    )
    assert entry["actor_user_id"] == client.get(f"{API}/me", headers=owner).json()["user"]["id"]
    assert "key_hash" in entry["changed_fields"]
    everything = client.get(f"{API}/audit", headers=owner).json()
    assert {e["entity_type"] for e in everything["items"]} >= {"workspace", "membership", "api_key"}


def test_bad_input_is_a_clear_422(client: TestClient) -> None:
    owner = _bearer(client)
    missing = client.post(f"{API}/workspaces", json={}, headers=owner)
    assert missing.status_code == 422
    assert missing.json()["message"].startswith("name:")
    extra = client.post(f"{API}/workspaces", json={"name": "x", "owner": 1}, headers=owner)
    assert extra.status_code == 422
    zone = client.post(f"{API}/workspaces", json={"name": "x", "timezone": "Nowhere/Land"}, headers=owner)
    assert zone.status_code == 422
    assert "unknown time zone" in zone.json()["message"]
    assert client.get(f"{API}/me", headers={**owner, "X-Workspace-Id": "abc"}).status_code == 422
    assert client.delete(f"{API}/api-keys/{2**70}", headers=owner).status_code == 422
    assert client.patch(f"{API}/members/1", json={"role": "emperor"}, headers=owner).status_code == 422
    short = client.post(f"{API}/invitations/accept", json={"token": "x", "password": "short"})
    assert short.status_code == 404
    no_form = client.post(f"{API}/auth/token", data={"username": "owner@example.com"})
    assert no_form.status_code == 422
    assert "password" in no_form.json()["message"]
