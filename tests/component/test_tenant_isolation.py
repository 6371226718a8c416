"""Walk every templated route of the OpenAPI spec as workspace B, using workspace A's real ids.

Another workspace's id must be indistinguishable from a missing one: 404, never 200, 403 or 500.
A route whose path parameter has no id here fails the test, so new routes are covered by
adding their resource to ``a_ids``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfscope.alerts.notifications import notify
from shelfscope.api.app import create_app
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.platform import Platform
from shelfscope.seller.cases import ReimbursementCase
from shelfscope.seller.models import SellerConnection
from shelfscope.settings import Settings
from tests.support import platform_for

PASSWORD = "correct horse battery"


def _tenant(platform: Platform, email: str, workspace: str) -> tuple[int, int]:
    with platform.db.session() as session:
        user = create_user(session, email=email, password=PASSWORD)
        return user.id, create_workspace(session, owner_id=user.id, name=workspace).id


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    with platform_for(settings) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def tenants(platform: Platform, client: TestClient) -> dict[str, Any]:
    alice_id, ws_a = _tenant(platform, "alice@example.com", "Alpha")
    _bob_id, ws_b = _tenant(platform, "bob@example.com", "Beta")
    a = _bearer(client, "alice@example.com")
    run = client.post("/api/v1/runs/demo", json={"count": 1, "items": 1, "sleep_seconds": 0}, headers=a)
    assert run.status_code in (200, 201), run.text
    schedule = client.post(
        "/api/v1/schedules",
        json={"kind": "demo.count", "interval_seconds": 3600, "name": "hourly"},
        headers=a,
    )
    assert schedule.status_code in (200, 201), schedule.text
    invitation = client.post(
        "/api/v1/invitations", json={"email": "carol@example.com", "role": "member"}, headers=a
    )
    assert invitation.status_code in (200, 201), invitation.text
    api_key = client.post("/api/v1/api-keys", json={"name": "second"}, headers=a)
    assert api_key.status_code in (200, 201), api_key.text
    rank_job = client.post(
        "/api/v1/ranks/jobs",
        json={"asin": "B0D7KQ3M2X", "marketplace": "DE", "keywords": ["trinkflasche"]},
        headers=a,
    )
    assert rank_job.status_code == 201, rank_job.text
    rank_keywords = client.get(f"/api/v1/ranks/jobs/{rank_job.json()['id']}/keywords", headers=a)
    assert rank_keywords.status_code == 200, rank_keywords.text
    proxy = client.post(
        "/api/v1/fetch/proxies", json={"name": "exit", "host": "10.0.0.1", "port": 8080}, headers=a
    )
    assert proxy.status_code == 201, proxy.text
    alert_channel = client.post(
        "/api/v1/alerts/channels",
        json={"name": "ops", "kind": "email", "recipients": ["ops@example.com"]},
        headers=a,
    )
    assert alert_channel.status_code == 201, alert_channel.text
    alert_rule = client.post(
        f"/api/v1/ranks/jobs/{rank_job.json()['id']}/alert-rules", json={"kind": "not_found"}, headers=a
    )
    assert alert_rule.status_code == 201, alert_rule.text
    with platform.db.session() as session:
        dave = create_user(session, email="dave@example.com", password=PASSWORD)
        member = add_member(session, workspace_id=ws_a, user_id=dave.id, role=Role.MEMBER)
        (notification,) = notify(
            session, platform.bus, workspace_id=ws_a, user_id=alice_id, title="only for A"
        )
        seller_connection = SellerConnection(workspace_id=ws_a, region="NA", selling_partner_id="A1ALPHA")
        session.add(seller_connection)
        session.flush()
        now = platform.clock.now()
        seller_case = ReimbursementCase(
            workspace_id=ws_a, connection_id=seller_connection.id, kind="fee_overcharge", case_key="A:SKU",
            title="only for A", occurred_at=now, eligible_at=now, claim_deadline=now,
        )  # fmt: skip
        session.add(seller_case)
        session.flush()
        ids = {
            "workspace_id": ws_a,
            "member_id": member.id,
            "notification_id": notification.id,
            "connection_id": seller_connection.id,
            "case_id": seller_case.id,
        }
    ids |= {
        "run_id": run.json()["items"][0]["id"],
        "schedule_id": schedule.json()["id"],
        "invitation_id": invitation.json()["id"],
        "api_key_id": api_key.json()["id"],
        "tracking_job_id": rank_job.json()["id"],
        "tracked_keyword_id": rank_keywords.json()["items"][0]["keyword_id"],
        "proxy_id": proxy.json()["id"],
        "alert_channel_id": alert_channel.json()["id"],
        "alert_rule_id": alert_rule.json()["id"],
    }
    return {"a": a, "b": _bearer(client, "bob@example.com"), "ids": ids, "workspace_b": ws_b}


def _bearer(client: TestClient, email: str) -> dict[str, str]:
    """Per-user JWT headers: notifications belong to users, so API keys would not see them."""
    response = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _example(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A minimal valid value for ``schema``: enough to get past validation to the lookup."""
    schema = _resolve(spec, schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(spec, s).get("type") != "null"]
            return _example(spec, options[0])
    if "enum" in schema:
        return schema["enum"][-1]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        return {
            name: _example(spec, sub)
            for name, sub in schema.get("properties", {}).items()
            if name in required
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if schema.get("format") == "email":
        return "someone@example.com"
    return "x" * max(1, schema.get("minLength", 1))


def _templated_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        if "{" not in path:
            continue
        for method, operation in operations.items():
            yield method.upper(), path, operation


def test_every_route_hides_another_workspaces_ids(client: TestClient, tenants: dict[str, Any]) -> None:
    spec = client.get("/api/openapi.json").json()
    ids: dict[str, int] = tenants["ids"]
    checked = 0
    for method, path, operation in _templated_operations(spec):
        params = re.findall(r"{(\w+)}", path)
        missing = [p for p in params if p not in ids]
        assert not missing, (
            f"{method} {path}: no workspace-A id for {missing}; add the resource to the fixture"
        )
        url = path.format(**ids)
        body = None
        if "requestBody" in operation:
            content = operation["requestBody"]["content"]
            schema = next(iter(content.values()))["schema"]
            body = _example(spec, schema)
        response = client.request(method, url, json=body, headers=tenants["b"])
        assert response.status_code == 404, (
            f"{method} {url} as workspace B: {response.status_code} {response.text}"
        )
        assert response.json()["error"] == "not_found"
        checked += 1
    assert checked >= 10


def test_workspace_a_still_sees_its_own_objects(client: TestClient, tenants: dict[str, Any]) -> None:
    ids = tenants["ids"]
    for url in (
        f"/api/v1/runs/{ids['run_id']}",
        f"/api/v1/jobs/{ids['run_id']}",
        f"/api/v1/schedules/{ids['schedule_id']}",
        f"/api/v1/workspaces/{ids['workspace_id']}",
        f"/api/v1/ranks/jobs/{ids['tracking_job_id']}",
        f"/api/v1/ranks/jobs/{ids['tracking_job_id']}/keywords/{ids['tracked_keyword_id']}/history",
    ):
        assert client.get(url, headers=tenants["a"]).status_code == 200, url


def test_lists_never_include_another_workspaces_rows(client: TestClient, tenants: dict[str, Any]) -> None:
    ids = tenants["ids"]
    lists = {
        "/api/v1/runs": "run_id",
        "/api/v1/schedules": "schedule_id",
        "/api/v1/invitations": "invitation_id",
        "/api/v1/api-keys": "api_key_id",
        "/api/v1/members": "member_id",
        "/api/v1/notifications": "notification_id",
        "/api/v1/ranks/jobs": "tracking_job_id",
        "/api/v1/fetch/proxies": "proxy_id",
    }
    for url, id_name in lists.items():
        items_a = client.get(url, headers=tenants["a"]).json()["items"]
        items_b = client.get(url, headers=tenants["b"]).json()["items"]
        assert ids[id_name] in {item["id"] for item in items_a}, f"{url}: A cannot see its own row"
        assert ids[id_name] not in {item["id"] for item in items_b}, f"{url} leaked a row of workspace A"
    audit_a = {
        (e["entity_type"], e["entity_id"])
        for e in client.get("/api/v1/audit", headers=tenants["a"]).json()["items"]
    }
    audit_b = {
        (e["entity_type"], e["entity_id"])
        for e in client.get("/api/v1/audit", headers=tenants["b"]).json()["items"]
    }
    a_only = {entry for entry in audit_a if entry[0] in {"schedule", "invitation", "api_key"}}
    assert a_only, "workspace A's audit log records its mutations"
    assert not a_only & audit_b, "workspace B's audit log shows workspace A's mutations"
