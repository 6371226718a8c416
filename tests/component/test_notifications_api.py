"""The notification centre API: listing, counts, marking read, and nobody else's notifications."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from shelfscope.alerts.notifications import notify
from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.members import add_member
from shelfscope.auth.models import User
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.tokens import issue_access_token
from shelfscope.auth.workspaces import create_workspace
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.support import platform_for

with warnings.catch_warnings():
    # Starlette asks for httpx2 but still works with httpx; the test client is all we need here.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    with platform_for(settings) as platform:
        yield platform


@pytest.fixture
def people(platform: Platform) -> dict[str, Any]:
    """alice and bob in workspace alpha, carol in beta; bearer headers for each and an API key."""
    now = platform.clock.now()
    with platform.db.session() as s:
        users = {
            name: User(email=f"{name}@example.com", password_hash="!") for name in ("alice", "bob", "carol")
        }
        s.add_all(users.values())
        s.flush()
        alpha = create_workspace(s, owner_id=users["alice"].id, name="Alpha").id
        add_member(s, workspace_id=alpha, user_id=users["bob"].id, role=Role.VIEWER)
        beta = create_workspace(s, owner_id=users["carol"].id, name="Beta").id
        homes = {"alice": (alpha, Role.OWNER), "bob": (alpha, Role.VIEWER), "carol": (beta, Role.OWNER)}
        owner = Principal(user_id=users["alice"].id, workspace_id=alpha, role=Role.OWNER, via="cli")
        _, key = create_api_key(s, principal=owner, name="scripts", now=now)
    result: dict[str, Any] = {"alpha": alpha, "beta": beta, "api_key": {"authorization": f"Bearer {key}"}}
    for name, (workspace, role) in homes.items():
        token, _ = issue_access_token(
            settings=platform.settings, user_id=users[name].id, workspace_id=workspace, role=role, now=now
        )
        result[name] = {"authorization": f"Bearer {token}"}
        result[f"{name}_id"] = users[name].id
    return result


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform)) as client:
        yield client


def _notify(platform: Platform, workspace_id: int, title: str, *, user_id: int | None = None) -> list[int]:
    with platform.db.session() as s:
        return [
            row.id for row in notify(s, platform.bus, workspace_id=workspace_id, title=title, user_id=user_id)
        ]


def test_list_returns_a_page_of_the_callers_notifications_newest_first(
    client: TestClient, platform: Platform, people: dict[str, Any]
) -> None:
    for n in range(3):
        _notify(platform, people["alpha"], f"alpha {n}")
    _notify(platform, people["alpha"], "just alice", user_id=people["alice_id"])
    _notify(platform, people["beta"], "beta news")

    response = client.get("/api/v1/notifications?limit=2&offset=0", headers=people["bob"])
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [item["title"] for item in body["items"]] == ["alpha 2", "alpha 1"]
    assert set(body["items"][0]) == {"id", "kind", "level", "title", "body", "link", "created_at", "read_at"}

    carol = client.get("/api/v1/notifications", headers=people["carol"]).json()
    assert [item["title"] for item in carol["items"]] == ["beta news"]


def test_unread_count_and_marking_read(
    client: TestClient, platform: Platform, people: dict[str, Any]
) -> None:
    first, *_ = (_notify(platform, people["alpha"], f"n{n}", user_id=people["bob_id"])[0] for n in range(3))
    assert client.get("/api/v1/notifications/unread-count", headers=people["bob"]).json() == {"unread": 3}

    marked = client.post(f"/api/v1/notifications/{first}/read", headers=people["bob"])
    assert marked.status_code == 200
    assert marked.json()["id"] == first
    assert marked.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/unread-count", headers=people["bob"]).json() == {"unread": 2}
    unread = client.get("/api/v1/notifications?unread=true", headers=people["bob"]).json()
    assert [item["title"] for item in unread["items"]] == ["n2", "n1"]

    everything = client.post("/api/v1/notifications/read-all", headers=people["bob"])
    assert everything.json() == {"updated": 2, "unread": 0}
    assert client.get("/api/v1/notifications/unread-count", headers=people["bob"]).json() == {"unread": 0}


def test_another_users_or_workspaces_notification_id_is_404(
    client: TestClient, platform: Platform, people: dict[str, Any]
) -> None:
    (alices,) = _notify(platform, people["alpha"], "for alice", user_id=people["alice_id"])
    (carols,) = _notify(platform, people["beta"], "for carol")
    for headers, foreign in ((people["bob"], alices), (people["alice"], carols), (people["bob"], 987654)):
        response = client.post(f"/api/v1/notifications/{foreign}/read", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    assert client.get("/api/v1/notifications/unread-count", headers=people["alice"]).json() == {"unread": 1}
    assert client.get("/api/v1/notifications/unread-count", headers=people["carol"]).json() == {"unread": 1}


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", str(2**63)])
def test_malformed_ids_are_4xx_not_500(client: TestClient, people: dict[str, Any], bad_id: str) -> None:
    response = client.post(f"/api/v1/notifications/{bad_id}/read", headers=people["bob"])
    assert response.status_code == 422


def test_api_key_has_no_notification_centre(
    client: TestClient, platform: Platform, people: dict[str, Any]
) -> None:
    (alices,) = _notify(platform, people["alpha"], "for alice", user_id=people["alice_id"])
    key = people["api_key"]
    assert client.get("/api/v1/notifications", headers=key).json()["items"] == []
    assert client.get("/api/v1/notifications/unread-count", headers=key).json() == {"unread": 0}
    assert client.post(f"/api/v1/notifications/{alices}/read", headers=key).status_code == 404
    assert client.post("/api/v1/notifications/read-all", headers=key).json() == {"updated": 0, "unread": 0}


def test_notification_endpoints_require_authentication(client: TestClient) -> None:
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_a_new_notification_arrives_live_on_the_recipients_websocket(
    client: TestClient, platform: Platform, people: dict[str, Any]
) -> None:
    token = people["bob"]["authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/api/v1/ws?token={token}") as ws:
        assert ws.receive_json() == {"type": "ready"}
        _notify(platform, people["alpha"], "for alice only", user_id=people["alice_id"])
        (mine,) = _notify(platform, people["alpha"], "for bob", user_id=people["bob_id"])
        frame = ws.receive_json()
        assert frame["type"] == "notification"
        assert frame["workspace_id"] == people["alpha"]
        assert (frame["payload"]["id"], frame["payload"]["title"]) == (mine, "for bob")

        client.post(f"/api/v1/notifications/{mine}/read", headers=people["bob"])
        read = ws.receive_json()
        assert (read["type"], read["payload"]) == ("notification_read", {"ids": [mine], "unread": 0})
