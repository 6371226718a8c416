"""Shared by the SP-API sandbox tests: a sandbox on loopback with an injected clock, an
authorised seller connection speaking plain HTTP, and the official model contracts.

The clock runs on a fake monotonic source, so tests move sandbox time explicitly and never
sleep; ``test_report_reaches_done_with_the_clock_running_fast`` is the one test that lets it run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shelfscope.sandbox import SandboxClock, SandboxServer, create_sandbox_app
from shelfscope.sandbox.spapi import DEMO_APP, SpapiWorld, spapi_world
from shelfscope.sandbox.spapi.contract import ModelContract
from shelfscope.settings import SandboxSettings, Settings
from tests.conftest import unavailable

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REDIRECT_URI = "https://shelfscope.example/api/amazon/oauth-callback"
REPORTS = "/reports/2021-06-30"
TERMINAL = ("DONE", "CANCELLED", "FATAL")


class FakeMonotonic:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


@dataclass
class Sandbox:
    server: SandboxServer
    clock: SandboxClock
    http: httpx.Client

    @property
    def world(self) -> SpapiWorld:
        return spapi_world(self.server.context)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def knobs(self, **changes: Any) -> dict[str, Any]:
        response = self.http.post("/spapi/_control", json=changes)
        assert response.status_code == 200, response.text
        return dict(response.json()["knobs"])


def consent_code(sandbox: Sandbox, *, region: str = "na", state: str = "state-1") -> dict[str, str]:
    """Approve the demo app in Seller Central (demo mode) and return the callback's parameters."""
    response = sandbox.http.get(
        f"/lwa/{region}/apps/authorize/consent",
        params={
            "application_id": DEMO_APP.application_id,
            "state": state,
            "redirect_uri": REDIRECT_URI,
            "version": "beta",
        },
    )
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def exchange(sandbox: Sandbox, **form: str) -> httpx.Response:
    body = {"client_id": DEMO_APP.client_id, "client_secret": DEMO_APP.client_secret, **form}
    return sandbox.http.post("/lwa/auth/o2/token", data=body)


class Connection:
    """A seller who authorised the demo app in one region, with a current access token."""

    def __init__(self, sandbox: Sandbox, *, region: str = "NA") -> None:
        self.sandbox, self.region = sandbox, region
        callback = consent_code(sandbox, region=region.lower())
        grant = exchange(
            sandbox,
            grant_type="authorization_code",
            code=callback["spapi_oauth_code"],
            redirect_uri=REDIRECT_URI,
        )
        assert grant.status_code == 200, grant.text
        self.selling_partner_id = callback["selling_partner_id"]
        self.access_token = grant.json()["access_token"]
        self.refresh_token = grant.json()["refresh_token"]

    def refresh(self) -> None:
        """A new access token from the refresh token, as a client does once an hour."""
        grant = exchange(self.sandbox, grant_type="refresh_token", refresh_token=self.refresh_token)
        assert grant.status_code == 200, grant.text
        self.access_token = grant.json()["access_token"]

    @property
    def base(self) -> str:
        return f"/spapi/{self.region.lower()}"

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"x-amz-access-token": self.access_token, **kwargs.pop("headers", {})}
        return self.sandbox.http.request(method, self.base + path, headers=headers, **kwargs)

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.request("GET", path, params=params)

    def create_report(self, report_type: str, *, start: datetime, end: datetime, **extra: Any) -> str:
        body = {
            "reportType": report_type,
            "marketplaceIds": extra.pop("marketplace_ids", [self.home_marketplace]),
            "dataStartTime": start.isoformat(),
            "dataEndTime": end.isoformat(),
            **extra,
        }
        response = self.request("POST", f"{REPORTS}/reports", json=body)
        assert response.status_code == 202, response.text
        return str(response.json()["reportId"])

    @property
    def home_marketplace(self) -> str:
        return {"NA": "ATVPDKIKX0DER", "EU": "A1F83G8C2ARO7P", "FE": "A1VC38T7YXB528"}[self.region]

    def wait(self, report_id: str, *, step: float = 120.0, limit: int = 60) -> dict[str, Any]:
        """Poll getReport, moving sandbox time ``step`` seconds between polls, until terminal."""
        for _ in range(limit):
            report = self.get(f"{REPORTS}/reports/{report_id}")
            assert report.status_code == 200, report.text
            body: dict[str, Any] = report.json()
            if body["processingStatus"] in TERMINAL:
                return body
            self.sandbox.advance(step)
        raise AssertionError(f"report {report_id} did not finish")

    def download(self, document_id: str) -> tuple[dict[str, Any], httpx.Response]:
        """getReportDocument, then the document itself with no auth header at all."""
        info = self.get(f"{REPORTS}/documents/{document_id}")
        assert info.status_code == 200, info.text
        document = httpx.get(info.json()["url"], timeout=30)
        return info.json(), document

    def report_document(
        self, report_type: str, *, start: datetime, end: datetime, **extra: Any
    ) -> httpx.Response:
        """Create, wait for DONE, download: the document response."""
        report = self.wait(self.create_report(report_type, start=start, end=end, **extra))
        assert report["processingStatus"] == "DONE", report
        _info, document = self.download(report["reportDocumentId"])
        assert document.status_code == 200
        return document


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    clock = SandboxClock(start=START, speed=1.0, monotonic=FakeMonotonic())
    settings = Settings(sandbox=SandboxSettings(seed=7))
    with (
        SandboxServer(app=create_sandbox_app(settings=settings, clock=clock)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        yield Sandbox(server=server, clock=clock, http=http)


@pytest.fixture
def seller(sandbox: Sandbox) -> Connection:
    return Connection(sandbox)


@pytest.fixture(scope="session")
def models(real_fixtures: Path) -> dict[str, ModelContract]:
    folder = real_fixtures.parent / "reference" / "spapi" / "models"
    if not folder.is_dir():
        unavailable(f"official SP-API models not found at {folder}")
    return {
        "reports": ModelContract.load(folder / "reports_2021-06-30.json"),
        "finances": ModelContract.load(folder / "financesV0.json"),
        "sellers": ModelContract.load(folder / "sellers.json"),
    }


def assert_matches(contract: ModelContract, definition: str, payload: Any) -> None:
    """``payload`` satisfies ``definition``: by our walker, and by jsonschema-rs as a second opinion."""
    problems = contract.errors(definition, payload)
    assert not problems, f"{definition} violations: {problems}"
    validator = _second_opinion(contract, definition)
    if validator is not None:
        errors = [error.message for error in validator.iter_errors(payload)]
        assert not errors, f"{definition} violations (jsonschema-rs): {errors}"


_VALIDATORS: dict[tuple[int, str], Any] = {}


def _second_opinion(contract: ModelContract, definition: str) -> Any:
    """A compiled jsonschema-rs validator for ``definition``, if the library is installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - installed with schemathesis, a dev dependency
        return None
    key = (id(contract), definition)
    if key not in _VALIDATORS:
        schema = {"definitions": dict(contract.definitions), "$ref": f"#/definitions/{definition}"}
        _VALIDATORS[key] = jsonschema_rs.Draft4Validator(schema)
    return _VALIDATORS[key]


def days_ago(days: float, *, now: datetime = START) -> datetime:
    return now - timedelta(days=days)
