"""The seller journey in headless Chromium: connect Amazon, watch the backfill, open a case.

The dashboard runs with an embedded worker and scheduler; the SP-API sandbox runs on loopback
with a fast clock (300 sandbox seconds per real second) and auto-approves consent, so a
three-month backfill ends in well under a minute of real time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocket, expect

from shelfscope.api.app import create_app
from shelfscope.auth.bootstrap import bootstrap_owner
from shelfscope.jobs.embedded import EmbeddedJobs
from shelfscope.sandbox import SandboxClock, SandboxServer, create_sandbox_app
from shelfscope.sandbox.registry import load_simulators
from shelfscope.sandbox.spapi.world import spapi_world
from shelfscope.seller.sandbox_mode import with_sandbox_seller
from shelfscope.settings import Settings
from tests.browser.conftest import _cancel_unfinished
from tests.browser.support import OWNER_EMAIL, OWNER_PASSWORD, LiveDashboard, ThreadedServer, log_in
from tests.support import platform_for

pytestmark = pytest.mark.browser

LIVE = "[data-live-indicator][data-state=open]"
SPEED = 300.0
BACKFILL_TIMEOUT_MS = 180_000


class _LateApp:
    """An ASGI app set after the server bound its port: the port is part of the settings."""

    app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


@dataclass
class SellerDashboard:
    dashboard: LiveDashboard
    sandbox: SandboxServer


def _settings(base: Settings, sandbox: SandboxServer, url: str) -> Settings:
    seller = with_sandbox_seller(
        base, sandbox.connector_urls(), redirect_url=f"{url}/api/amazon/oauth-callback"
    )
    return seller.model_copy(
        update={
            "seller": seller.seller.model_copy(update={"history_months": 3, "poll_seconds": 0.5}),
            # The client's rate-limit buckets refill as fast as the sandbox's clock runs.
            "sandbox": seller.sandbox.model_copy(
                update={"enabled": True, "url": sandbox.url, "clock_speed": SPEED}
            ),
            "jobs": seller.jobs.model_copy(update={"scheduler_interval_seconds": 0.5}),
        }
    )


@pytest.fixture
def seller_dashboard(settings: Settings) -> Iterator[SellerDashboard]:
    clock = SandboxClock(speed=SPEED)
    app = create_sandbox_app(clock=clock, simulators=load_simulators(("shelfscope.sandbox.spapi.simulator",)))
    late = _LateApp()
    server = ThreadedServer(late)
    url = f"http://127.0.0.1:{server.port}"
    with SandboxServer(app=app) as sandbox:
        # A consent code lives five sandbox minutes: one real second at this speed is too tight.
        spapi_world(sandbox.context).knobs.update({"auth_code_ttl_seconds": 3600.0})
        with platform_for(_settings(settings, sandbox, url)) as platform:
            with platform.db.session() as session:
                owner = bootstrap_owner(session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
            assert owner is not None
            late.app = create_app(platform)
            jobs = EmbeddedJobs(platform, concurrency=2)
            jobs.start()
            try:
                with server:
                    yield SellerDashboard(
                        LiveDashboard(
                            url=url, platform=platform, workspace_id=owner.workspace_id, owner_id=0
                        ),
                        sandbox,
                    )
            finally:
                _cancel_unfinished(platform, owner.workspace_id)
                jobs.stop()


def _watch_sync_events(page: Page) -> list[str]:
    seen: list[str] = []

    def frame(payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode()
        seen.extend(re.findall(r'"type":\s*"(sync_\w+)"', text))

    def opened(socket: WebSocket) -> None:
        socket.on("framereceived", frame)

    page.on("websocket", opened)
    return seen


def test_connect_watch_the_backfill_and_open_a_case(page: Page, seller_dashboard: SellerDashboard) -> None:
    url = seller_dashboard.dashboard.url
    sync_events = _watch_sync_events(page)
    log_in(page, seller_dashboard.dashboard)
    page.click("a[data-nav-key=seller]")
    expect(page.locator("h1")).to_have_text("Seller accounts")
    page.click("a.btn-primary:has-text('Connect Amazon')")
    expect(page).to_have_url(f"{url}/seller/connect")
    expect(page.locator("[data-connect-form] .alert")).to_contain_text("approves at once")
    page.check("input[name=region][value=NA]")
    page.click("[data-connect-form] button[type=submit]")  # Seller Central approves at once (demo)

    expect(page).to_have_url(re.compile(rf"{re.escape(url)}/seller/connections/\d+\?run=\d+"))
    expect(page.locator(".toast")).to_contain_text("Amazon connected")
    page.wait_for_selector(LIVE)
    page.evaluate("window.__sameDocument = true")
    page.wait_for_selector("tr[data-sync-kind]")
    assert page.locator("tr[data-sync-kind]").count() >= 6  # one row per data kind of the plan
    overall = page.locator("[data-sync-overall] .progress-text").first
    expect(overall).to_have_text(re.compile(r"\d+ / \d+"))

    synced = page.locator('[data-connection-status="active"] [data-seller-status="synced"]')
    expect(synced).to_have_count(1, timeout=BACKFILL_TIMEOUT_MS)
    done, total = (int(n) for n in overall.inner_text().split(" / "))
    assert done == total > 0
    for row in page.locator("tr[data-sync-kind]").all():
        expect(row.locator(".progress-text")).to_have_text(re.compile(r"^(\d+) / \1$"))
    assert "sync_progress" in sync_events and "sync_completed" in sync_events
    assert page.evaluate("window.__sameDocument") is True, "progress arrived without reloading the page"

    page.goto(f"{url}/jobs?kind=seller.backfill")  # the same progress, as runs of the job system
    last_run = page.locator("tr[data-run-id]").first
    expect(last_run.locator("[data-run-status]")).to_have_text("Succeeded")
    expect(last_run.locator(".progress-text")).to_have_text(f"{total} / {total}")

    page.click("a[data-nav-key=seller]")
    page.click("a.tab:has-text('Reimbursement cases')")
    expect(page.locator("[data-stake=open]")).to_contain_text("Open ·")
    first_case = page.locator("tr[data-case-id] a").first
    title = first_case.inner_text()
    first_case.click()
    expect(page.locator("h1")).to_have_text(title)
    assert page.locator("[data-evidence-entry]").count() > 0
    page.select_option("[data-case-status-form] select[name=status]", "filed")
    page.fill("[data-case-status-form] textarea[name=note]", "Claim 7719 sent to Seller Support")
    page.click("[data-case-status-form] button[type=submit]")
    expect(page.locator("[data-case-status] [data-seller-status]")).to_have_text("Filed")
    expect(page.locator("[data-case-history]")).to_contain_text("Claim 7719 sent to Seller Support")
