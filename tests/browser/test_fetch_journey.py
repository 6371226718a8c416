"""Fetch pages in headless Chromium: add a proxy pointing at a sandbox forward proxy, test it, send
real fetches through it and see its health, then narrow the request log down with its filters."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from shelfscope.clock import SystemClock
from shelfscope.fetch import FetchEngine, Request
from shelfscope.fetch.models_db import RequestLogEntry
from shelfscope.fetch.proxy_pool import ProviderProxyPool
from shelfscope.fetch.proxy_service import pool_entries
from shelfscope.fetch.requestlog import RequestLogWriter, log_row
from shelfscope.fetch.signals import Outcome, RequestRecord
from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.proxies import fleet_of, proxies_simulator
from shelfscope.settings import Settings
from tests.browser.support import LiveDashboard, log_in

pytestmark = pytest.mark.browser

FETCHES = 3


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(app=create_sandbox_app(simulators=[proxies_simulator(count=1)]))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings: Settings, sandbox: SandboxServer) -> Settings:
    """The dashboard's settings with the sandbox as the proxy check's target."""
    fetch = settings.fetch.model_copy(update={"delays_enabled": False})
    sandboxed = settings.sandbox.model_copy(update={"url": sandbox.url})
    return settings.model_copy(update={"sandbox": sandboxed, "fetch": fetch})


def _fetch_through_workspace_proxies(dashboard: LiveDashboard, url: str) -> None:
    """What a job does: fetch through the workspace's proxies, every request written to the log.

    In its own thread: the sync Playwright of this test owns the main thread's event loop.
    """
    platform = dashboard.platform
    with platform.db.session() as session:
        entries = pool_entries(session, platform.vault, workspace_id=dashboard.workspace_id)
    pool = ProviderProxyPool(entries, clock=SystemClock(), route_loopback=True)
    writer = RequestLogWriter(
        db=platform.db, workspace_id=dashboard.workspace_id, provider_of=pool.provider_of
    )

    async def fetch() -> None:
        async with FetchEngine.from_settings(platform.settings, proxies=pool) as engine:
            engine.signals.connect(pool.observe)
            engine.signals.connect(writer.observe)
            for _ in range(FETCHES):
                await engine.fetch(Request(url=url, run_id="journey-run"))

    failures: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(fetch())
        except BaseException as exc:  # reported in the test thread
            failures.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=60)
    writer.flush()
    assert not failures and not worker.is_alive(), failures


def _log_a_blocked_fetch_elsewhere(dashboard: LiveDashboard) -> None:
    record = RequestRecord(
        at=datetime.now(UTC) - timedelta(minutes=5),
        run_id="other-run",
        site="shopee",
        marketplace="SG",
        method="GET",
        host="shopee.sg",
        path="/search",
        status=503,
        latency=1.2,
        duration=1.2,
        bytes_in=900,
        bytes_out=300,
        attempts=3,
        identity_id=None,
        session_id="s9",
        proxy_id=None,
        blocked=True,
        block_kind="anti_bot",
        outcome=Outcome.FAILED,
        error="blocked",
    )
    with dashboard.platform.db.session() as session:
        row = log_row(record, workspace_id=dashboard.workspace_id, provider=None)
        session.add(RequestLogEntry(**row))


def test_admin_adds_tests_and_watches_a_proxy_then_filters_the_request_log(
    page: Page, dashboard: LiveDashboard, sandbox: SandboxServer
) -> None:
    exit_proxy = fleet_of(sandbox.context).proxies[0]
    exit_proxy.behaviour.username, exit_proxy.behaviour.password = "journey", "pass-1234"
    log_in(page, dashboard)
    page.click("a[data-nav-key=settings]")
    page.click("a.tab:has-text('Proxies')")
    expect(page.locator("h2:has-text('Proxies')")).to_be_visible()

    form = page.locator("[data-proxy-form]")
    form.locator("input[name=name]").fill("Sandbox exit")
    form.locator("select[name=provider]").select_option("custom")
    form.locator("input[name=url]").fill(f"http://journey:pass-1234@127.0.0.1:{exit_proxy.port}")
    form.locator("input[name=cost_per_gb]").fill("12.5")
    form.locator("button[type=submit]").click()
    expect(page.locator(".toast, .alert").first).to_contain_text("Proxy Sandbox exit added")
    row = page.locator("tr[data-proxy-name='Sandbox exit']")
    expect(row.locator("[data-proxy-state]")).to_have_attribute("data-proxy-state", "idle")
    assert "pass-1234" not in page.content()

    row.locator("button:has-text('Test')").click()
    expect(page.locator(".toast, .alert").first).to_contain_text(
        re.compile(r"Sandbox exit works: \d+ ms, exit US")
    )
    expect(row.locator("[data-proxy-test]")).to_contain_text("exit US")
    assert exit_proxy.counters.requests == 1

    _fetch_through_workspace_proxies(dashboard, f"{sandbox.url}/proxies/ip")
    assert exit_proxy.counters.requests == 1 + FETCHES, "every fetch went out through the proxy"
    page.reload()
    expect(row.locator("[data-proxy-state]")).to_have_attribute("data-proxy-state", "healthy")
    expect(row.locator("[data-proxy-success]")).to_contain_text(f"100.0 % ok of {FETCHES}")
    expect(row.locator("[data-proxy-usage]")).to_contain_text(" MB")

    _log_a_blocked_fetch_elsewhere(dashboard)
    page.click("a[data-nav-key=fetch]")
    expect(page.locator("h1")).to_have_text("Fetch health")
    expect(page.locator("[data-top-errors]")).to_contain_text("anti_bot")
    expect(page.locator("[data-usage-chart] .main-svg").first).to_be_visible()  # plotly drew the bars
    expect(page.locator("[data-usage-chart]")).to_have_attribute("data-bars", "1")
    page.click("a.btn:has-text('Request log')")
    expect(page.locator("tr[data-log-id]")).to_have_count(FETCHES + 1)
    page.select_option("select[name=proxy]", label="Sandbox exit")
    page.click("form.filters button[type=submit]")
    expect(page.locator("tr[data-log-id]")).to_have_count(FETCHES)
    expect(page.locator("tr[data-log-id]").first).to_contain_text("Sandbox exit")
    page.click("a.btn-ghost:has-text('Reset')")
    page.select_option("select[name=blocked]", "yes")
    page.click("form.filters button[type=submit]")
    expect(page.locator("tr[data-log-id]")).to_have_count(1)
    expect(page.locator("tr[data-log-id]")).to_contain_text("shopee.sg")
    assert "blocked=yes" in page.url
