"""Cookie sessions with CSRF, API rate limits, and tenant isolation of the accounts API."""

from __future__ import annotations

from collections.abc import Iterator
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
API = "/api/v1"

_CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, test-sized: the production cost (~0.3 s a hash) would dominate the suite."""
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP_HASHER)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    platform = Platform.from_settings(settings, clock=clock)
    load_all_models().create_all(platform.db.engine)
    with actor_context(AuditActor(via="cli")), platform.db.session() as session:
        for name in ("alice", "bob"):
            user = create_user(session, email=f"{name}@example.com", password=PASSWORD)
            workspace = create_workspace(session, owner_id=user.id, name=f"{name} shop")
        carol = create_user(session, email="carol@example.com", password=PASSWORD)
        add_member(session, workspace_id=workspace.id, user_id=carol.id, role=Role.VIEWER)
    try:
        with TestClient(create_app(platform), raise_server_exceptions=False) as client:
            yield client
    finally:
        platform.close()


@pytest.fixture
def client(settings: Settings, clock: FakeClock) -> Iterator[TestClient]:
    yield from _client(settings, clock)


def _bearer(client: TestClient, email: str) -> dict[str, str]:
    response = client.post(f"{API}/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _login_cookie(client: TestClient, email: str = "alice@example.com") -> dict[str, Any]:
    response = client.post(f"{API}/auth/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# Cookie sessions and CSRF ----------------------------------------------------------------------


def test_session_cookie_is_httponly_samesite_and_authenticates(client: TestClient) -> None:
    response = client.post(f"{API}/auth/session", json={"email": "alice@example.com", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("shelfscope_session=sss_")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert response.json()["csrf_token"] not in cookie
    me = client.get(f"{API}/me").json()
    assert (me["user"]["email"], me["via"]) == ("alice@example.com", "session")


def test_unsafe_cookie_requests_need_the_csrf_token(client: TestClient) -> None:
    csrf = _login_cookie(client)["csrf_token"]
    refused = client.post(f"{API}/workspaces", json={"name": "Forged"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    wrong = client.post(f"{API}/workspaces", json={"name": "Forged"}, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    allowed = client.post(f"{API}/workspaces", json={"name": "Real"}, headers={"X-CSRF-Token": csrf})
    assert allowed.status_code == 201


def test_session_switches_workspace_and_logs_out(client: TestClient) -> None:
    csrf = _login_cookie(client)["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    second = client.post(f"{API}/workspaces", json={"name": "Second"}, headers=headers).json()
    switched = client.post(
        f"{API}/auth/session/workspace", json={"workspace_id": second["id"]}, headers=headers
    )
    assert switched.json()["workspace_id"] == second["id"]
    assert client.get(f"{API}/me").json()["workspace"]["name"] == "Second"
    bob_workspace = client.get(f"{API}/me", headers=_bearer(client, "bob@example.com")).json()["workspace"][
        "id"
    ]
    bobs = client.post(f"{API}/auth/session/workspace", json={"workspace_id": bob_workspace}, headers=headers)
    assert bobs.status_code == 404
    assert client.delete(f"{API}/auth/session").status_code == 204
    client.cookies.clear()
    assert client.get(f"{API}/me").status_code == 401


def test_bearer_requests_need_no_csrf_token(client: TestClient) -> None:
    response = client.post(
        f"{API}/workspaces", json={"name": "Api made"}, headers=_bearer(client, "alice@example.com")
    )
    assert response.status_code == 201


# Rate limits ---------------------------------------------------------------------------------------


def _limited(settings: Settings, **auth: int) -> Settings:
    return settings.model_copy(update={"auth": settings.auth.model_copy(update=auth)})


def test_api_key_over_its_rate_gets_429_with_retry_after(settings: Settings, clock: FakeClock) -> None:
    for client in _client(_limited(settings, api_key_rate_per_minute=2), clock):
        key = client.post(
            f"{API}/api-keys", json={"name": "hot"}, headers=_bearer(client, "alice@example.com")
        ).json()
        headers = {"Authorization": f"Bearer {key['key']}"}
        assert [client.get(f"{API}/me", headers=headers).status_code for _ in range(2)] == [200, 200]
        limited = client.get(f"{API}/me", headers=headers)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "30"
        assert limited.json()["error"] == "rate_limited"
        assert client.get(f"{API}/me", headers=_bearer(client, "bob@example.com")).status_code == 200
        clock.advance(30)
        assert client.get(f"{API}/me", headers=headers).status_code == 200


def test_client_ip_over_its_rate_gets_429_even_before_login(settings: Settings, clock: FakeClock) -> None:
    for client in _client(_limited(settings, ip_rate_per_minute=3), clock):
        form = {"username": "alice@example.com", "password": PASSWORD}
        codes = [client.post(f"{API}/auth/token", data=form).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert client.get(f"{API}/me").status_code == 429


# Tenant isolation -------------------------------------------------------------------------------


def test_ids_of_another_workspace_are_indistinguishable_from_missing_ones(client: TestClient) -> None:
    bob = _bearer(client, "bob@example.com")
    bob_key = client.post(f"{API}/api-keys", json={"name": "bob's"}, headers=bob).json()["id"]
    bob_invite = client.post(f"{API}/invitations", json={"email": "x@example.com"}, headers=bob).json()["id"]
    bob_members = client.get(f"{API}/members", headers=bob).json()["items"]
    carol_member = next(m["id"] for m in bob_members if m["email"] == "carol@example.com")
    bob_workspace = client.get(f"{API}/me", headers=bob).json()["workspace"]["id"]

    alice = _bearer(client, "alice@example.com")
    attempts = [
        client.delete(f"{API}/api-keys/{bob_key}", headers=alice),
        client.delete(f"{API}/invitations/{bob_invite}", headers=alice),
        client.patch(f"{API}/members/{carol_member}", json={"role": "admin"}, headers=alice),
        client.delete(f"{API}/members/{carol_member}", headers=alice),
        client.get(f"{API}/workspaces/{bob_workspace}", headers=alice),
        client.patch(f"{API}/workspaces/{bob_workspace}", json={"name": "mine"}, headers=alice),
        client.get(f"{API}/me", headers={**alice, "X-Workspace-Id": str(bob_workspace)}),
    ]
    missing = [
        client.delete(f"{API}/api-keys/999999", headers=alice),
        client.delete(f"{API}/invitations/999999", headers=alice),
        client.patch(f"{API}/members/999999", json={"role": "admin"}, headers=alice),
    ]
    assert [r.status_code for r in attempts + missing] == [404] * 10
    assert {r.json()["error"] for r in attempts} == {"not_found"}
    assert "bob" not in " ".join(r.text for r in attempts)
    assert client.get(f"{API}/api-keys", headers=bob).json()["items"][0]["revoked_at"] is None
    alice_members = client.get(f"{API}/members", headers=alice).json()["items"]
    assert {m["email"] for m in alice_members} == {"alice@example.com"}


def test_api_key_is_bound_to_its_workspace(client: TestClient) -> None:
    bob = _bearer(client, "bob@example.com")
    key = client.post(f"{API}/api-keys", json={"name": "bob's"}, headers=bob).json()["key"]
    alice_workspace = client.get(f"{API}/me", headers=_bearer(client, "alice@example.com")).json()[
        "workspace"
    ]["id"]
    headers = {"Authorization": f"Bearer {key}", "X-Workspace-Id": str(alice_workspace)}
    assert client.get(f"{API}/me", headers=headers).status_code == 404
    assert (
        client.post(
            f"{API}/workspaces", json={"name": "x"}, headers={"Authorization": f"Bearer {key}"}
        ).status_code
        == 403
    )


# Odd input and proxies -------------------------------------------------------------------------


def test_csrf_token_may_come_as_a_form_field(client: TestClient) -> None:
    csrf = _login_cookie(client)["csrf_token"]
    refused = client.post(f"{API}/workspaces", data={"name": "Form", "csrf_token": "wrong"})
    assert refused.status_code == 403
    accepted = client.post(f"{API}/workspaces", data={"name": "Form", "csrf_token": csrf})
    assert accepted.status_code == 422  # past authentication and CSRF: only then is the body checked


def test_absurd_login_input_is_a_4xx_not_a_crash(client: TestClient) -> None:
    huge = client.post(f"{API}/auth/token", data={"username": "a" * 5000 + "@x.com", "password": "p" * 5000})
    assert huge.status_code == 401
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": "r" * 5000}).status_code == 422
    assert client.post(f"{API}/auth/session", json={"email": "alice@example.com"}).status_code == 422


def test_forwarded_for_is_believed_only_from_trusted_proxies(settings: Settings, clock: FakeClock) -> None:
    web = settings.web.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]})
    for client in _client(settings.model_copy(update={"web": web}), clock):
        proxied = TestClient(client.app, raise_server_exceptions=False, client=("10.1.2.3", 4000))
        direct = TestClient(client.app, raise_server_exceptions=False, client=("192.0.2.7", 4000))
        spoof = {"X-Forwarded-For": "198.51.100.1, 10.9.9.9"}
        for caller in (proxied, direct):
            headers = {**_bearer(caller, "alice@example.com"), **spoof}
            assert caller.post(f"{API}/api-keys", json={"name": "k"}, headers=headers).status_code == 201
        owner = _bearer(client, "alice@example.com")
        entries = client.get(f"{API}/audit", params={"entity_type": "api_key"}, headers=owner).json()["items"]
        assert sorted(e["ip"] for e in entries) == ["192.0.2.7", "198.51.100.1"]
