"""The live-updates WebSocket through the real app: authentication, isolation, resume, liveness."""

from __future__ import annotations

import socket
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.cookies import SESSION_COOKIE
from shelfscope.auth.members import add_member
from shelfscope.auth.models import User
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.tokens import issue_access_token
from shelfscope.auth.web_sessions import (
    create_web_session,
    logout_web_session,
    resolve_web_session,
    switch_workspace,
)
from shelfscope.auth.workspaces import create_workspace
from shelfscope.events.types import Event
from shelfscope.platform import Platform
from shelfscope.settings import EventsSettings, Settings
from tests.support import platform_for

with warnings.catch_warnings():
    # Starlette asks for httpx2 but still works with httpx; the test client is all we need here.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient, WebSocketTestSession

pytestmark = pytest.mark.timeout(60)

WS = "/api/v1/ws"


@dataclass
class World:
    alpha: int  # workspace of alice (owner) and bob (member)
    beta: int  # workspace of carol
    alice: int
    bob: int
    carol: int
    tokens: dict[str, str]
    cookies: dict[str, str]
    api_key: str  # alpha's


def _build_world(platform: Platform) -> World:
    now = platform.clock.now()
    with platform.db.session() as s:
        people = {
            name: User(email=f"{name}@example.com", password_hash="!") for name in ("alice", "bob", "carol")
        }
        s.add_all(people.values())
        s.flush()
        ids = {name: user.id for name, user in people.items()}
        alpha = create_workspace(s, owner_id=ids["alice"], name="Alpha").id
        add_member(s, workspace_id=alpha, user_id=ids["bob"], role=Role.MEMBER)
        beta = create_workspace(s, owner_id=ids["carol"], name="Beta").id
        homes = {"alice": (alpha, Role.OWNER), "bob": (alpha, Role.MEMBER), "carol": (beta, Role.OWNER)}
        tokens = {
            name: issue_access_token(
                settings=platform.settings, user_id=ids[name], workspace_id=ws, role=role, now=now
            )[0]
            for name, (ws, role) in homes.items()
        }
        cookies = {
            name: create_web_session(
                s,
                user_id=ids[name],
                workspace_id=ws,
                ip=None,
                user_agent=None,
                settings=platform.settings.auth,
                now=now,
            )[1]
            for name, (ws, _) in homes.items()
        }
        owner = Principal(user_id=ids["alice"], workspace_id=alpha, role=Role.OWNER, via="cli")
        _, api_key = create_api_key(s, principal=owner, name="integration", now=now)
    return World(alpha=alpha, beta=beta, tokens=tokens, cookies=cookies, api_key=api_key, **ids)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def platform(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Platform]:
    events = EventsSettings(ping_seconds=30, reauth_seconds=60)
    update: dict[str, Any] = {"events": events}
    if request.param == "redis":
        update["bus_url"] = request.getfixturevalue("redis_url")
    with platform_for(settings.model_copy(update=update)) as platform:
        yield platform
    if request.param == "redis":
        import redis

        key = f"{settings.instance_name}:events"
        redis.Redis.from_url(update["bus_url"]).delete(key, f"{key}:seq")


@pytest.fixture
def world(platform: Platform) -> World:
    return _build_world(platform)


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform)) as client:
        yield client


def _frame(ws: WebSocketTestSession) -> dict[str, Any]:
    """The next frame that is not a keep-alive ping."""
    while True:
        frame: dict[str, Any] = ws.receive_json()
        if frame["type"] != "ping":
            return frame


def _connect(client: TestClient, query: str, **kwargs: Any) -> Any:
    return client.websocket_connect(f"{WS}?{query}", **kwargs)


def _publish(platform: Platform, workspace_id: int | None, n: int, *, user_id: int | None = None) -> Event:
    return platform.bus.publish(
        Event(type="test", workspace_id=workspace_id, user_id=user_id, payload={"n": n})
    )


@pytest.mark.parametrize("query", ["", "token=not-a-token", "token=ssk_abc_def"])
def test_unauthenticated_connections_are_closed_with_4401(
    client: TestClient, world: World, query: str
) -> None:
    with _connect(client, query) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4401
    assert closed.value.reason


def test_user_never_receives_another_workspaces_events(
    client: TestClient, platform: Platform, world: World
) -> None:
    with _connect(client, f"token={world.tokens['alice']}") as ws:
        assert _frame(ws) == {"type": "ready"}
        _publish(platform, world.beta, 1)
        _publish(platform, None, 2)  # a system event no workspace sees
        mine = _publish(platform, world.alpha, 3)
        frame = _frame(ws)
    assert frame == {
        "id": mine.id,
        "type": "test",
        "workspace_id": world.alpha,
        "payload": {"n": 3},
        "at": frame["at"],
    }
    assert frame["at"].startswith(mine.at.isoformat()[:19])


def test_user_targeted_events_reach_only_that_user(
    client: TestClient, platform: Platform, world: World
) -> None:
    with (
        _connect(client, f"token={world.tokens['alice']}") as alice,
        _connect(client, f"token={world.tokens['bob']}") as bob,
    ):
        assert _frame(alice)["type"] == _frame(bob)["type"] == "ready"
        _publish(platform, world.alpha, 1, user_id=world.bob)
        _publish(platform, world.alpha, 2, user_id=world.carol)  # not a member here: nobody in alpha
        _publish(platform, world.alpha, 3)
        assert _frame(alice)["payload"] == {"n": 3}
        assert [_frame(bob)["payload"], _frame(bob)["payload"]] == [{"n": 1}, {"n": 3}]


def test_resume_with_after_replays_missed_events_first(
    client: TestClient, platform: Platform, world: World
) -> None:
    seen = _publish(platform, world.alpha, 1)
    _publish(platform, world.beta, 2)
    _publish(platform, world.alpha, 3)
    _publish(platform, world.alpha, 4)
    with _connect(client, f"token={world.tokens['alice']}&after={seen.id}") as ws:
        assert _frame(ws) == {"type": "ready"}
        replayed = [_frame(ws)["payload"]["n"] for _ in range(2)]
        _publish(platform, world.alpha, 5)
        live = _frame(ws)["payload"]["n"]
    assert (replayed, live) == ([3, 4], 5)


def test_resume_from_an_unknown_id_asks_the_client_to_resync(
    client: TestClient, platform: Platform, world: World
) -> None:
    _publish(platform, world.alpha, 1)
    with _connect(client, f"token={world.tokens['alice']}&after=1-1") as ws:
        assert _frame(ws) == {"type": "ready"}
        assert _frame(ws)["type"] == "resync"
        _publish(platform, world.alpha, 2)
        assert _frame(ws)["payload"] == {"n": 2}


def test_session_cookie_authenticates_from_the_dashboards_origin(
    client: TestClient, platform: Platform, world: World
) -> None:
    headers = {"cookie": f"{SESSION_COOKIE}={world.cookies['carol']}", "origin": "http://testserver"}
    with _connect(client, "", headers=headers) as ws:
        assert _frame(ws) == {"type": "ready"}
        _publish(platform, world.alpha, 1)
        _publish(platform, world.beta, 2)
        assert _frame(ws)["payload"] == {"n": 2}


def test_session_cookie_from_a_foreign_page_is_refused(client: TestClient, world: World) -> None:
    headers = {"cookie": f"{SESSION_COOKIE}={world.cookies['alice']}", "origin": "https://evil.example"}
    with _connect(client, "", headers=headers) as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4403


def test_api_key_sees_workspace_events_but_no_users_private_ones(
    client: TestClient, platform: Platform, world: World
) -> None:
    with _connect(client, f"token={world.api_key}") as ws:
        assert _frame(ws) == {"type": "ready"}
        _publish(platform, world.alpha, 1, user_id=world.alice)
        _publish(platform, world.alpha, 2)
        assert _frame(ws)["payload"] == {"n": 2}


@pytest.fixture
def lively_client(settings: Settings) -> Iterator[tuple[TestClient, Platform, World]]:
    fast = EventsSettings(ping_seconds=0.05, reauth_seconds=0.05)
    with platform_for(settings.model_copy(update={"events": fast})) as platform:
        world = _build_world(platform)
        with TestClient(create_app(platform)) as client:
            yield client, platform, world


def test_idle_connections_receive_pings(lively_client: tuple[TestClient, Platform, World]) -> None:
    client, _, world = lively_client
    with _connect(client, f"token={world.tokens['bob']}") as ws:
        assert ws.receive_json() == {"type": "ready"}
        assert ws.receive_json() == {"type": "ping"}


def test_logging_out_closes_the_open_connection(lively_client: tuple[TestClient, Platform, World]) -> None:
    client, platform, world = lively_client
    headers = {"cookie": f"{SESSION_COOKIE}={world.cookies['bob']}"}
    with _connect(client, "", headers=headers) as ws:
        assert _frame(ws) == {"type": "ready"}
        with platform.db.session() as s:
            logout_web_session(s, token=world.cookies["bob"], now=platform.clock.now())
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
    assert closed.value.code == 4401


def test_switching_workspace_closes_the_connection_for_a_fresh_one(
    lively_client: tuple[TestClient, Platform, World],
) -> None:
    client, platform, world = lively_client
    with platform.db.session() as s:
        add_member(s, workspace_id=world.beta, user_id=world.bob, role=Role.VIEWER)
        web_session, _ = resolve_web_session(s, token=world.cookies["bob"], now=platform.clock.now())
        session_id = web_session.id
    headers = {"cookie": f"{SESSION_COOKIE}={world.cookies['bob']}"}
    with _connect(client, "", headers=headers) as ws:
        assert _frame(ws) == {"type": "ready"}
        with platform.db.session() as s:
            switch_workspace(s, session_id=session_id, user_id=world.bob, workspace_id=world.beta)
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                ws.receive_json()
    assert closed.value.code == 4409


def test_an_unreachable_bus_closes_with_try_again_later(settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    with platform_for(
        settings.model_copy(update={"bus_url": f"redis://127.0.0.1:{dead_port}/0"})
    ) as platform:
        world = _build_world(platform)
        with (
            TestClient(create_app(platform)) as client,
            _connect(client, f"token={world.tokens['alice']}") as ws,
            pytest.raises(WebSocketDisconnect) as closed,
        ):
            ws.receive_json()
    assert closed.value.code == 1013
    assert closed.value.reason == "live updates are unavailable; reconnect later"
