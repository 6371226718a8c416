"""The runs and schedules API: roles, workspace isolation, bad input, through real API keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shelfscope.api.app import create_app
from shelfscope.db import Database
from shelfscope.errors import InvalidInput
from shelfscope.jobs.demo import DEMO_KIND
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, load_run, throwaway_kind
from tests.support import ApiTenant, api_tenant


@pytest.fixture
def platform(settings: Settings, db: Database) -> Iterator[Platform]:
    with jobs_platform(settings, db) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def acme(platform: Platform) -> ApiTenant:
    return api_tenant(platform, "Acme")


@pytest.fixture
def globex(platform: Platform) -> ApiTenant:
    return api_tenant(platform, "Globex")


def _run(platform: Platform, tenant: ApiTenant, kind: str = DEMO_KIND) -> int:
    with platform.db.session() as session:
        return create_run(
            session, platform, workspace_id=tenant.workspace_id, kind=kind, payload={"items": 1}
        ).id


def test_viewer_lists_own_runs_newest_first_with_pagination(
    client: TestClient, platform: Platform, acme: ApiTenant, globex: ApiTenant
) -> None:
    mine = [_run(platform, acme) for _ in range(3)]
    _run(platform, globex)
    response = client.get("/api/v1/runs", params={"limit": 2}, headers=acme.viewer)
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)
    assert [item["id"] for item in body["items"]] == [mine[2], mine[1]]
    assert body["items"][0]["status"] == "queued"
    assert body["items"][0]["payload"] == {"items": 1}
    queued = client.get("/api/v1/runs", params={"status": "succeeded"}, headers=acme.viewer).json()
    assert queued["total"] == 0


def test_a_run_is_readable_under_runs_and_jobs(
    client: TestClient, platform: Platform, acme: ApiTenant
) -> None:
    run_id = _run(platform, acme)
    for path in (f"/api/v1/runs/{run_id}", f"/api/v1/jobs/{run_id}"):
        response = client.get(path, headers=acme.viewer)
        assert response.status_code == 200
        assert (response.json()["id"], response.json()["kind"]) == (run_id, DEMO_KIND)


def test_another_workspaces_run_looks_exactly_like_a_missing_one(
    client: TestClient, platform: Platform, acme: ApiTenant, globex: ApiTenant
) -> None:
    theirs = _run(platform, globex)
    missing = theirs + 1000
    for method, template in (
        ("GET", "/api/v1/runs/{}"),
        ("GET", "/api/v1/jobs/{}"),
        ("POST", "/api/v1/runs/{}/cancel"),
        ("POST", "/api/v1/runs/{}/retry"),
    ):
        answers = [client.request(method, template.format(i), headers=acme.member) for i in (theirs, missing)]
        assert [a.status_code for a in answers] == [404, 404]
        bodies = [a.json() for a in answers]
        assert bodies[0] == {"error": "not_found", "message": f"run {theirs} not found"}
        assert bodies[1] == {"error": "not_found", "message": f"run {missing} not found"}
    assert load_run(platform.db, theirs).status == "queued"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/runs/0",
        "/api/v1/runs/-3",
        "/api/v1/runs/99999999999999999999999",
        "/api/v1/runs/abc",
        "/api/v1/runs?status=exploded",
        "/api/v1/runs?limit=100000",
        "/api/v1/runs?parent_id=99999999999999999999999",
        "/api/v1/schedules/99999999999999999999999",
    ],
)
def test_bad_ids_and_filters_are_422_not_500(client: TestClient, acme: ApiTenant, path: str) -> None:
    response = client.get(path, headers=acme.viewer)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_anonymous_callers_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/runs").status_code == 401
    assert client.post("/api/v1/runs/1/cancel").status_code == 401


def test_viewers_cannot_cancel_retry_or_create(
    client: TestClient, platform: Platform, acme: ApiTenant
) -> None:
    run_id = _run(platform, acme)
    for path, body in (
        (f"/api/v1/runs/{run_id}/cancel", None),
        (f"/api/v1/runs/{run_id}/retry", None),
        ("/api/v1/runs/demo", {"count": 1}),
        ("/api/v1/schedules", {"kind": DEMO_KIND, "interval_seconds": 3600}),
    ):
        response = client.post(path, json=body, headers=acme.viewer)
        assert response.status_code == 403, path
        assert response.json()["error"] == "permission_denied"
    assert load_run(platform.db, run_id).status == "queued"


def test_member_cancels_a_queued_run_and_a_second_cancel_conflicts(
    client: TestClient, platform: Platform, acme: ApiTenant
) -> None:
    run_id = _run(platform, acme)
    response = client.post(f"/api/v1/runs/{run_id}/cancel", headers=acme.member)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_requested"]) == ("cancelled", True)
    again = client.post(f"/api/v1/runs/{run_id}/cancel", headers=acme.member)
    assert again.status_code == 409
    assert again.json() == {"error": "conflict", "message": f"run {run_id} has already ended (cancelled)"}


def test_member_retries_a_failed_run(client: TestClient, platform: Platform, acme: ApiTenant) -> None:
    def refuse(ctx: object) -> None:
        raise InvalidInput("keyword is empty")

    with throwaway_kind(refuse) as kind:  # type: ignore[arg-type]
        run_id = _run(platform, acme, kind)
        execute_run(platform, run_id, worker="w")
        assert client.get(f"/api/v1/runs/{run_id}", headers=acme.viewer).json()["error"] == (
            "invalid_input: keyword is empty"
        )
        response = client.post(f"/api/v1/runs/{run_id}/retry", headers=acme.member)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["error"], response.json()["attempts"]) == (
        "queued",
        None,
        0,
    )
    conflict = client.post(f"/api/v1/runs/{run_id}/retry", headers=acme.member)
    assert conflict.status_code == 409


def test_member_queues_demo_runs_in_their_workspace(
    client: TestClient, platform: Platform, acme: ApiTenant
) -> None:
    response = client.post(
        "/api/v1/runs/demo", json={"count": 2, "items": 7, "sleep_seconds": 0.1}, headers=acme.member
    )
    assert response.status_code == 201
    runs = response.json()["items"]
    assert [(r["kind"], r["workspace_id"], r["payload"]) for r in runs] == [
        (DEMO_KIND, acme.workspace_id, {"items": 7, "sleep_seconds": 0.1})
    ] * 2
    assert all(r["created_by_user_id"] is None for r in runs)  # created through an API key, not a user


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0},
        {"count": 1, "items": -1},
        {"count": 1, "sleep_seconds": 1000},
        {"count": "many"},
        {"count": 1, "surprise": True},
    ],
)
def test_bad_demo_requests_are_422(client: TestClient, acme: ApiTenant, body: dict[str, object]) -> None:
    response = client.post("/api/v1/runs/demo", json=body, headers=acme.member)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"


def test_schedule_lifecycle_through_the_api(client: TestClient, acme: ApiTenant, globex: ApiTenant) -> None:
    created = client.post(
        "/api/v1/schedules",
        json={"kind": DEMO_KIND, "interval_seconds": 3600, "name": "hourly count", "payload": {"items": 3}},
        headers=acme.member,
    )
    assert created.status_code == 201
    schedule = created.json()
    assert (schedule["name"], schedule["interval_seconds"], schedule["cron"], schedule["enabled"]) == (
        "hourly count",
        3600,
        None,
        True,
    )
    path = f"/api/v1/schedules/{schedule['id']}"
    listed = client.get("/api/v1/schedules", headers=acme.viewer).json()
    assert [s["id"] for s in listed["items"]] == [schedule["id"]]
    assert client.get("/api/v1/schedules", headers=globex.viewer).json()["total"] == 0
    assert client.get(path, headers=globex.viewer).status_code == 404
    assert client.patch(path, json={"enabled": False}, headers=globex.member).status_code == 404

    patched = client.patch(path, json={"cron": "0 6 * * *", "enabled": False}, headers=acme.member)
    assert patched.status_code == 200
    assert (patched.json()["cron"], patched.json()["interval_seconds"], patched.json()["enabled"]) == (
        "0 6 * * *",
        None,
        False,
    )
    assert client.delete(path, headers=globex.member).status_code == 404
    assert client.delete(path, headers=acme.member).status_code == 204
    assert client.get(path, headers=acme.viewer).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": DEMO_KIND}, "exactly one of cron or interval_seconds"),
        ({"kind": DEMO_KIND, "cron": "every monday"}, "five-field cron"),
        ({"kind": DEMO_KIND, "interval_seconds": 10}, "interval_seconds"),
        ({"kind": "no.such.kind", "interval_seconds": 3600}, "unknown run kind 'no.such.kind'"),
        ({"interval_seconds": 3600}, "kind"),
        ({"kind": DEMO_KIND, "interval_seconds": 3600, "workspace_id": 1}, "workspace_id"),
    ],
)
def test_bad_schedules_are_422_with_a_clear_message(
    client: TestClient, acme: ApiTenant, body: dict[str, object], message: str
) -> None:
    response = client.post("/api/v1/schedules", json=body, headers=acme.member)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_patch_cannot_null_a_required_field(client: TestClient, acme: ApiTenant) -> None:
    created = client.post(
        "/api/v1/schedules", json={"kind": DEMO_KIND, "interval_seconds": 3600}, headers=acme.member
    ).json()
    response = client.patch(f"/api/v1/schedules/{created['id']}", json={"kind": None}, headers=acme.member)
    assert response.status_code == 422
    assert response.json()["message"] == "kind cannot be null"


def test_malformed_json_is_422(client: TestClient, acme: ApiTenant) -> None:
    response = client.post(
        "/api/v1/schedules",
        content=b'{"kind": "demo.count", "interval',
        headers={**acme.member, "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["message"]
