from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel

from shelfscope.api.app import create_app
from shelfscope.errors import Conflict, RateLimited
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.support import platform_for, postgres_behind_link


class Widget(BaseModel):
    name: str
    size: int


probe = APIRouter(prefix="/api/v1/_probe")


@probe.post("/widgets")
def create_widget(widget: Widget) -> Widget:
    return widget


@probe.get("/conflict")
def conflict() -> None:
    raise Conflict("that name is taken")


@probe.get("/throttled")
def throttled() -> None:
    raise RateLimited("slow down", retry_after=12.4)


@probe.get("/crash")
def crash() -> None:
    raise RuntimeError("boom")


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    with platform_for(settings) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    app = create_app(platform)
    app.include_router(probe)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_healthz_answers_without_touching_services(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"


def test_readyz_reports_each_dependency(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "queue", "bus"}
    assert all(check["ok"] for check in body["checks"].values())


def test_malformed_json_is_a_clear_422(client: TestClient) -> None:
    response = client.post(
        "/api/v1/_probe/widgets", content=b'{"name": "a",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_input"
    assert "JSON" in response.json()["message"]


def test_missing_and_mistyped_fields_name_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/_probe/widgets", json={"name": "a", "size": "big"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("size:")
    missing = client.post("/api/v1/_probe/widgets", json={"size": 1})
    assert missing.json()["message"].startswith("name:")


def test_oversized_bodies_are_refused_with_413(client: TestClient, platform: Platform) -> None:
    too_big = b"x" * (platform.settings.auth.max_body_bytes + 1)
    response = client.post(
        "/api/v1/_probe/widgets", content=too_big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_domain_errors_map_to_status_and_body(client: TestClient) -> None:
    response = client.get("/api/v1/_probe/conflict")
    assert (response.status_code, response.json()) == (
        409,
        {"error": "conflict", "message": "that name is taken"},
    )
    throttled = client.get("/api/v1/_probe/throttled")
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "12"


def test_unexpected_errors_do_not_leak_internals(client: TestClient) -> None:
    response = client.get("/api/v1/_probe/crash")
    assert response.status_code == 500
    assert "boom" not in response.text
    assert response.json()["error"] == "internal_error"


def test_unknown_api_routes_are_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert 'shelfscope_http_requests_total{method="GET",route="/healthz",status="200"}' in text


def test_openapi_is_served_at_api_docs(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    assert client.get("/api/openapi.json").json()["info"]["title"] == "shelfscope"


@pytest.mark.postgres
def test_readyz_fails_clearly_while_the_database_is_down_and_recovers(
    postgres_server_url: str, settings: Settings
) -> None:
    with (
        postgres_behind_link(settings, postgres_server_url) as (proxied, link),
        platform_for(proxied) as platform,
        TestClient(create_app(platform)) as client,
    ):
        assert client.get("/readyz").status_code == 200
        link.cut()
        down = client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["checks"]["database"]["ok"] is False
        assert down.json()["checks"]["queue"]["ok"] is True
        link.restore()
        assert client.get("/readyz").status_code == 200
