"""Every collection the API returns is a page ({items, total, limit, offset}), paged in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform

API = "/api/v1"
PASSWORD = "correct-horse-42"
PAGE_FIELDS = {"items", "total", "limit", "offset"}
KNOWN_LISTS = {"/invitations", "/api-keys", "/workspaces", "/members", "/runs", "/schedules", "/audit"}


@dataclass
class Shop:
    workspace_id: int
    admin: dict[str, str]
    viewer: dict[str, str]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=clock) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def shop(platform: Platform) -> Shop:
    with platform.db.session() as session:
        owner = create_user(session, email="owner@shop.example", password=PASSWORD)
        workspace = create_workspace(session, owner_id=owner.id, name="Shop")
        principal = Principal(user_id=owner.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
        now = platform.clock.now()
        _, admin_key = create_api_key(session, principal=principal, name="admin", role=Role.ADMIN, now=now)
        _, viewer_key = create_api_key(session, principal=principal, name="viewer", role=Role.VIEWER, now=now)
        return Shop(
            workspace_id=workspace.id,
            admin={"Authorization": f"Bearer {admin_key}"},
            viewer={"Authorization": f"Bearer {viewer_key}"},
        )


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _shapes(spec: dict[str, Any], schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The schema and each alternative of an anyOf/oneOf, resolved."""
    schema = _resolve(spec, schema)
    yield schema
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, []):
            yield from _shapes(spec, option)


def _success_schemas(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if code.startswith("2") and schema:
                    yield method.upper(), path, operation, schema


def test_no_api_response_is_a_bare_array_and_get_lists_are_pages(platform: Platform) -> None:
    spec = create_app(platform).openapi()
    bare: list[str] = []
    paged: set[str] = set()
    for method, path, operation, schema in _success_schemas(spec):
        shapes = list(_shapes(spec, schema))
        bare += [f"{method} {path}" for shape in shapes if shape.get("type") == "array"]
        if method != "GET" or not any("items" in shape.get("properties", {}) for shape in shapes):
            continue
        page = _resolve(spec, schema)
        assert set(page.get("required", [])) >= PAGE_FIELDS, f"GET {path} lists items without a Page"
        query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert {"limit", "offset"} <= query, f"GET {path} is a Page without limit/offset parameters"
        paged.add(path.removeprefix(API))
    assert bare == [], f"collections must be wrapped in an object with items: {bare}"
    assert paged >= KNOWN_LISTS


def _page(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == PAGE_FIELDS
    return body


def test_pending_invitations_are_filtered_and_counted_before_paging(
    client: TestClient, shop: Shop, clock: FakeClock, platform: Platform
) -> None:
    ids = [
        client.post(f"{API}/invitations", json={"email": f"{name}@example.com"}, headers=shop.admin).json()[
            "id"
        ]
        for name in ("ann", "ben", "cat")
    ]
    assert client.delete(f"{API}/invitations/{ids[1]}", headers=shop.admin).status_code == 200

    pending = _page(client, f"{API}/invitations?pending=true&limit=1&offset=1", shop.admin)
    assert ([i["email"] for i in pending["items"]], pending["total"]) == (["cat@example.com"], 2)
    assert (pending["limit"], pending["offset"]) == (1, 1)
    assert _page(client, f"{API}/invitations", shop.admin)["total"] == 3

    clock.advance(timedelta(days=platform.settings.auth.invitation_days, seconds=1))
    expired = _page(client, f"{API}/invitations?pending=true", shop.admin)
    assert (expired["items"], expired["total"]) == ([], 0)


def test_members_and_api_keys_are_paged_oldest_first(
    client: TestClient, shop: Shop, platform: Platform
) -> None:
    with platform.db.session() as session:
        for name in ("dora", "eve"):
            user = create_user(session, email=f"{name}@example.com", password=PASSWORD)
            add_member(session, workspace_id=shop.workspace_id, user_id=user.id, role=Role.MEMBER)

    first = _page(client, f"{API}/members?limit=2", shop.viewer)
    rest = _page(client, f"{API}/members?limit=2&offset=2", shop.viewer)
    assert [m["email"] for m in first["items"] + rest["items"]] == [
        "owner@shop.example",
        "dora@example.com",
        "eve@example.com",
    ]
    assert (first["total"], rest["total"]) == (3, 3)

    keys = _page(client, f"{API}/api-keys?limit=1&offset=1", shop.admin)
    assert ([k["name"] for k in keys["items"]], keys["total"]) == (["viewer"], 2)


def test_workspaces_are_paged_for_users_and_a_key_sees_only_its_own(
    client: TestClient, shop: Shop, platform: Platform
) -> None:
    with platform.db.session() as session:
        user = create_user(session, email="multi@example.com", password=PASSWORD)
        for name in ("One", "Two", "Three"):
            create_workspace(session, owner_id=user.id, name=name)
    token = client.post(f"{API}/auth/token", data={"username": "multi@example.com", "password": PASSWORD})
    assert token.status_code == 200, token.text
    as_user = {"Authorization": f"Bearer {token.json()['access_token']}"}

    page = _page(client, f"{API}/workspaces?limit=2&offset=1", as_user)
    assert ([(w["name"], w["role"]) for w in page["items"]], page["total"]) == (
        [("Two", "owner"), ("Three", "owner")],
        3,
    )

    as_key = _page(client, f"{API}/workspaces", shop.viewer)
    assert ([w["id"] for w in as_key["items"]], as_key["total"]) == ([shop.workspace_id], 1)
    past_the_end = _page(client, f"{API}/workspaces?offset=1", shop.viewer)
    assert (past_the_end["items"], past_the_end["total"]) == ([], 1)


@pytest.mark.parametrize("path", ["/invitations", "/api-keys", "/workspaces", "/members"])
@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=many"])
def test_page_parameters_out_of_range_are_422(client: TestClient, shop: Shop, path: str, query: str) -> None:
    response = client.get(f"{API}{path}?{query}", headers=shop.admin)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
