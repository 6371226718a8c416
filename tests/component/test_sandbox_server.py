"""The sandbox on 127.0.0.1: index, mounted simulators, host routing, lifespans, clock, server lifecycle."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.errors import ConfigError, UpstreamUnavailable
from shelfscope.sandbox import SandboxClock, SandboxContext, SandboxServer, Simulator, create_sandbox_app
from shelfscope.sandbox.echo import ECHO
from shelfscope.sandbox.registry import load_simulators
from shelfscope.settings import Settings

START = datetime(2026, 3, 1, tzinfo=UTC)


class FakeMonotonic:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def probe_app(context: SandboxContext) -> ASGIApp:
    async def ping(request: Request) -> Response:
        return JSONResponse(
            {
                "marketplace": request.path_params["marketplace"],
                "now": context.clock.now().isoformat(),
                "path": request.url.path,
            }
        )

    return Starlette(routes=[Route("/{marketplace}/ping", ping)])


@asynccontextmanager
async def probe_lifespan(context: SandboxContext) -> AsyncIterator[None]:
    state = context.state_for("probe")
    state["started"] = True
    yield
    state["stopped"] = True


PROBE = Simulator(
    name="probe",
    title="Probe storefront",
    description="A test simulator with two marketplaces.",
    mount="/probe",
    factory=probe_app,
    base_urls={"probe_us": "/probe/us", "probe_de": "/probe/de"},
    hosts={"www.probe.test": "/probe/de"},
    lifespan=probe_lifespan,
)


@pytest.fixture(scope="module")
def real_time() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture(scope="module")
def server(real_time: FakeMonotonic) -> Iterator[SandboxServer]:
    clock = SandboxClock(start=START, speed=3600, monotonic=real_time)
    app = create_sandbox_app(clock=clock, simulators=[ECHO, PROBE])
    with SandboxServer(app=app) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    # verify=False: plain http, and it spares loading the CA bundle for every client.
    with httpx.Client(base_url=server.url, timeout=5, verify=False) as http:
        yield http


def test_json_index_lists_every_simulator_with_absolute_base_urls(
    server: SandboxServer, client: httpx.Client
) -> None:
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    listing = response.json()
    assert listing["base_url"] == server.url
    by_name = {sim["name"]: sim for sim in listing["simulators"]}
    assert set(by_name) == {"echo", "probe"}
    assert by_name["probe"]["url"] == f"{server.url}/probe"
    assert by_name["probe"]["base_urls"] == {
        "probe_us": f"{server.url}/probe/us",
        "probe_de": f"{server.url}/probe/de",
    }
    assert by_name["probe"]["hosts"] == {"www.probe.test": f"{server.url}/probe/de"}
    assert by_name["echo"]["description"].startswith("Answers any method")
    assert [fault["name"] for fault in listing["faults"]] == [
        "status", "delay", "drop", "reset", "slow-body", "truncated"
    ]  # fmt: skip
    assert listing["faults"][0]["example"] == f"{server.url}/_faults/status/429?retry_after=5"


def test_index_urls_follow_the_address_the_client_used(server: SandboxServer, client: httpx.Client) -> None:
    port = server.url.rsplit(":", 1)[1]
    response = client.get(f"http://localhost:{port}/?format=json")
    assert response.json()["simulators"][1]["base_urls"]["probe_us"] == f"http://localhost:{port}/probe/us"


def test_html_index_documents_simulators_faults_and_control(
    server: SandboxServer, client: httpx.Client
) -> None:
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for accept in (browser_accept, "*/*", "application/json;q=0.5, text/html"):
        response = client.get("/", headers={"Accept": accept})
        assert response.headers["content-type"] == "text/html; charset=utf-8", accept
    page = response.text
    assert "<title>shelfscope sandbox</title>" in page
    assert "Probe storefront" in page
    assert f'<a href="{server.url}/probe/de">' in page
    assert "<code>www.probe.test</code>" in page
    for path in ("/_faults/status/{code}", "/_faults/delay", "/_faults/drop", "/_faults/reset",
                 "/_faults/slow-body", "/_faults/truncated", "/_health", "/_clock"):  # fmt: skip
        assert f"<code>{path}" in page or f"<code>GET {path}" in page, path
    assert "Retry-After" in page


def test_registered_simulator_is_served_under_its_mount(server: SandboxServer, client: httpx.Client) -> None:
    base_urls = client.get("/", headers={"Accept": "application/json"}).json()["simulators"][1]["base_urls"]
    response = client.get(base_urls["probe_us"] + "/ping")
    assert response.status_code == 200
    assert response.json()["marketplace"] == "us"
    assert response.json()["path"] == "/probe/us/ping"
    assert server.connector_urls() == base_urls


def test_real_host_name_is_routed_to_its_simulator_path(client: httpx.Client) -> None:
    response = client.get("/ping", headers={"Host": "www.probe.test"})
    assert response.status_code == 200
    assert response.json()["marketplace"] == "de"
    assert client.get("/ping").status_code == 404


def test_simulator_lifespan_runs_with_the_server() -> None:
    app = create_sandbox_app(simulators=[PROBE])
    context: SandboxContext = app.state.sandbox
    with SandboxServer(app=app) as server:
        assert server.context is context
        assert context.state_for("probe") == {"started": True}
    assert context.state_for("probe") == {"started": True, "stopped": True}


def test_fast_clock_advances_faster_than_real_time(
    server: SandboxServer, client: httpx.Client, real_time: FakeMonotonic
) -> None:
    before = datetime.fromisoformat(client.get("/_clock").json()["now"])
    real_time.seconds += 2.0
    after = client.get("/_clock").json()
    assert datetime.fromisoformat(after["now"]) - before == timedelta(hours=2)
    assert after["speed"] == 3600
    seen_by_simulator = datetime.fromisoformat(client.get("/probe/us/ping").json()["now"])
    assert seen_by_simulator == datetime.fromisoformat(after["now"])
    assert server.context.clock.now() == seen_by_simulator


def test_clock_can_be_moved_over_http(server: SandboxServer, client: httpx.Client) -> None:
    before = server.context.clock.now()
    moved = client.post("/_clock", json={"advance_seconds": 86_400, "speed": 0}).json()
    try:
        assert moved["speed"] == 0
        assert datetime.fromisoformat(moved["now"]) - before == timedelta(days=1)
        rejected = client.post("/_clock", json={"advance_seconds": -5})
        assert rejected.status_code == 422
        assert rejected.json() == {
            "error": "invalid_input",
            "message": "the sandbox clock only moves forward",
        }
        assert client.post("/_clock", json={"speed": "fast"}).status_code == 422
        assert client.post("/_clock", content=b"[1]").json()["message"] == "the body must be a JSON object"
        assert server.context.clock.now() == datetime.fromisoformat(moved["now"])
    finally:
        server.context.clock.set_speed(3600)


def test_health_reports_ok_and_simulator_count(client: httpx.Client) -> None:
    health = client.get("/_health").json()
    assert health["status"] == "ok"
    assert health["simulators"] == 2


def test_server_from_settings_uses_sandbox_settings(settings: Settings) -> None:
    sandbox = settings.sandbox.model_copy(update={"seed": 99, "clock_speed": 120.0})
    configured = settings.model_copy(update={"sandbox": sandbox})
    server = SandboxServer.from_settings(configured)
    url = server.start()
    try:
        assert url.startswith("http://127.0.0.1:")
        assert int(url.rsplit(":", 1)[1]) > 0
        index = httpx.get(url, headers={"Accept": "application/json"}, timeout=5, verify=False).json()
        assert index["seed"] == 99
        assert index["clock"]["speed"] == 120.0
        assert [sim["name"] for sim in index["simulators"]] == [sim.name for sim in load_simulators()]
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2, verify=False)


def test_failing_simulator_startup_is_reported_and_frees_the_port() -> None:
    @asynccontextmanager
    async def broken(_context: SandboxContext) -> AsyncIterator[None]:
        raise RuntimeError("fixture missing")
        yield

    failing = Simulator(
        name="broken", title="Broken", description="d", mount="/broken", factory=probe_app, lifespan=broken
    )
    server = SandboxServer(app=create_sandbox_app(simulators=[failing]), startup_timeout=5)
    with pytest.raises(UpstreamUnavailable, match=r"the sandbox did not start on http://127\.0\.0\.1:"):
        server.start()
    port = int(server.url.rsplit(":", 1)[1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_port_in_use_is_a_config_error(server: SandboxServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    taken = SandboxServer(app=create_sandbox_app(simulators=[]), port=port)
    with pytest.raises(ConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
        taken.start()


def test_port_out_of_range_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="between 0 and 65535"):
        SandboxServer(app=create_sandbox_app(simulators=[]), port=70000)


def test_bind_reserves_the_port_before_serving() -> None:
    server = SandboxServer(app=create_sandbox_app(simulators=[]))
    url = server.bind()
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as other, pytest.raises(OSError):
        other.bind(("127.0.0.1", port))
    with server:
        assert server.url == url
        assert httpx.get(f"{url}/_health", timeout=5, verify=False).json()["simulators"] == 0
