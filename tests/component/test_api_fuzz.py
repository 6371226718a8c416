"""Property-based requests against every operation of the OpenAPI spec: no input may cause a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from shelfscope.api.app import create_app
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.platform import Platform
from shelfscope.settings import AuthSettings, Settings
from tests.support import platform_for

PASSWORD = "fuzzing password 123"


@pytest.fixture
def fuzz_platform(settings: Settings) -> Iterator[Platform]:
    # Generous limits: the fuzzer sends hundreds of requests and a 429 would hide real failures.
    auth = AuthSettings(
        api_key_rate_per_minute=100_000, ip_rate_per_minute=100_000, login_max_failures=100_000
    )
    with platform_for(settings.model_copy(update={"auth": auth})) as platform:
        with platform.db.session() as session:
            owner = create_user(session, email="fuzz@example.com", password=PASSWORD)
            create_workspace(session, owner_id=owner.id, name="Fuzz")
        yield platform


@pytest.fixture
def api_schema(fuzz_platform: Platform) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", create_app(fuzz_platform))


@pytest.fixture
def auth_headers(fuzz_platform: Platform) -> dict[str, str]:
    with TestClient(create_app(fuzz_platform)) as client:
        token = client.post("/api/v1/auth/token", data={"username": "fuzz@example.com", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _operations(api_schema: Any) -> list[Any]:
    return [result.ok() for result in api_schema.get_all_operations()]


def test_no_input_causes_a_server_error(api_schema: Any, auth_headers: dict[str, str]) -> None:
    """Every operation, bounded examples each, authenticated as a workspace owner."""
    operations = _operations(api_schema)
    assert len(operations) >= 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def no_server_error(case: Any) -> None:
            response = case.call(headers=auth_headers)
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text}"
            content_type = "".join(response.headers.get("content-type", []))
            if response.status_code >= 400 and content_type.startswith("application/json"):
                assert {"error", "message"} <= set(response.json()), f"{where}: {response.text}"

        no_server_error()
