"""The main dashboard journeys in headless Chromium against a real server with an embedded worker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from shelfscope.alerts.notifications import notify
from shelfscope.jobs.demo import DEMO_KIND
from shelfscope.jobs.service import create_run
from tests.browser.support import LiveDashboard, log_in

pytestmark = pytest.mark.browser

LIVE = "[data-live-indicator][data-state=open]"


def _notify(dashboard: LiveDashboard, title: str) -> None:
    with dashboard.platform.db.session() as session:
        notify(
            session,
            dashboard.platform.bus,
            workspace_id=dashboard.workspace_id,
            title=title,
            body="Sent from the server",
            user_id=dashboard.owner_id,
        )


def test_owner_logs_in_and_lands_on_the_overview(page: Page, dashboard: LiveDashboard) -> None:
    page.goto(f"{dashboard.url}/jobs")
    expect(page).to_have_url(f"{dashboard.url}/login?next=/jobs")
    page.fill("input[name=email]", "owner@example.com")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator(".alert-error")).to_contain_text("Wrong email or password")
    log_in(page, dashboard, expect_path="/jobs")
    expect(page.locator("h1")).to_have_text("Jobs")
    expect(page.locator(LIVE)).to_have_count(1)


def test_api_key_secret_is_shown_once(page: Page, dashboard: LiveDashboard) -> None:
    log_in(page, dashboard)
    page.click("a[data-nav-key=settings]")
    page.click("a.tab:has-text('API keys')")
    page.fill("input[name=name]", "Nightly export")
    page.click("[data-api-key-form] button[type=submit]")
    secret = page.locator("[data-secret]").inner_text()
    assert re.fullmatch(r"ssk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", secret)
    expect(page.locator("[data-api-key-id]")).to_contain_text("Nightly export")
    page.reload()
    expect(page.locator("[data-secret]")).to_have_count(0)
    expect(page.locator("[data-api-key-id]")).to_contain_text(
        secret.split("_")[1]
    )  # the prefix stays visible
    assert secret not in page.content()


def test_run_progress_bar_advances_live(page: Page, dashboard: LiveDashboard) -> None:
    items = 40
    with dashboard.platform.db.session() as session:
        run_id = create_run(
            session,
            dashboard.platform,
            workspace_id=dashboard.workspace_id,
            kind=DEMO_KIND,
            subject="live progress",
            payload={"items": items, "sleep_seconds": 0.15},
        ).id
    log_in(page, dashboard)
    page.goto(f"{dashboard.url}/jobs")
    page.wait_for_selector(LIVE)
    page.evaluate("window.__sameDocument = true")
    progress = page.locator(f'tr[data-run-id="{run_id}"] [data-progress]')
    seen: list[int] = []
    while not seen or seen[-1] < items:
        page.wait_for_function(
            "([selector, last]) => { const el = document.querySelector(selector);"
            " return el && Number(el.dataset.done) > last; }",
            arg=[f'tr[data-run-id="{run_id}"] [data-progress]', seen[-1] if seen else -1],
            timeout=15_000,
        )
        seen.append(int(progress.get_attribute("data-done") or 0))
    assert len(seen) >= 3, f"the bar should move in several steps, saw {seen}"
    expect(page.locator(f'tr[data-run-id="{run_id}"] [data-run-status]')).to_have_text("Succeeded")
    expect(progress.locator(".progress-text")).to_have_text(f"{items} / {items}")
    assert page.evaluate("window.__sameDocument") is True, "updates arrived without reloading the page"


def test_new_run_appears_on_the_jobs_page_without_reload(page: Page, dashboard: LiveDashboard) -> None:
    log_in(page, dashboard)
    page.goto(f"{dashboard.url}/jobs")
    page.wait_for_selector(LIVE)
    page.evaluate("window.__sameDocument = true")
    with dashboard.platform.db.session() as session:
        run_id = create_run(
            session,
            dashboard.platform,
            workspace_id=dashboard.workspace_id,
            kind=DEMO_KIND,
            subject="appears live",
            payload={"items": 20, "sleep_seconds": 0.1},
        ).id
    expect(page.locator(f'tr[data-run-id="{run_id}"] [data-run-status]')).to_have_text(
        "Succeeded", timeout=20_000
    )
    assert page.evaluate("window.__sameDocument") is True


def test_server_side_notification_pops_up_as_a_toast(page: Page, dashboard: LiveDashboard) -> None:
    log_in(page, dashboard)
    page.wait_for_selector(LIVE)
    badge = page.locator(".topbar [data-unread-count]")
    expect(badge).to_be_hidden()
    _notify(dashboard, "Export ready")
    toast = page.locator(".toast[data-toast-kind=notification]")
    expect(toast).to_contain_text("Export ready")
    expect(toast).to_contain_text("Sent from the server")
    expect(badge).to_have_text("1")
    page.click(".topbar a[href='/notifications']")
    expect(page.locator("[data-notification-list] .feed")).to_contain_text("Export ready")


def test_live_updates_resume_after_a_dropped_connection(page: Page, dashboard: LiveDashboard) -> None:
    sockets: list[WebSocket] = []

    def opened(socket: WebSocket) -> None:
        sockets.append(socket)

    page.on("websocket", opened)
    log_in(page, dashboard)
    page.wait_for_selector(LIVE)
    _notify(dashboard, "Before the drop")
    expect(page.locator(".toast")).to_contain_text("Before the drop")
    page.evaluate("() => { const live = window.shelfscope.live; live.stopped = true; live.socket.close(); }")
    page.wait_for_selector("[data-live-indicator][data-state=closed]")
    _notify(dashboard, "Missed while offline")
    page.evaluate("() => { const live = window.shelfscope.live; live.stopped = false; live.connect(); }")
    expect(page.locator(".toast", has_text="Missed while offline")).to_be_visible()
    assert "after=" in sockets[-1].url, "the reconnect resumes after the last event seen"
    expect(page.locator(".topbar [data-unread-count]")).to_have_text("2")


def test_phone_sized_screen_collapses_the_navigation_into_a_menu(
    browser: Browser, dashboard: LiveDashboard
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, dashboard)
        nav = page.locator("#nav")
        toggle = page.locator("[data-nav-toggle]")
        expect(nav).to_be_hidden()
        expect(toggle).to_be_visible()
        toggle.click()
        expect(nav).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        nav.locator("a[data-nav-key=jobs]").click()
        expect(page).to_have_url(f"{dashboard.url}/jobs")
        expect(page.locator("#nav")).to_be_hidden()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page must not scroll sideways on a phone (width {width})"
    finally:
        context.close()


def _long_run(dashboard: LiveDashboard, subject: str) -> int:
    with dashboard.platform.db.session() as session:
        return create_run(
            session,
            dashboard.platform,
            workspace_id=dashboard.workspace_id,
            kind=DEMO_KIND,
            subject=subject,
            payload={"items": 400, "sleep_seconds": 0.1},
        ).id


def test_cancel_and_retry_buttons_update_the_row_in_place(page: Page, dashboard: LiveDashboard) -> None:
    run_id = _long_run(dashboard, "cancel me")
    log_in(page, dashboard)
    page.goto(f"{dashboard.url}/jobs")
    page.wait_for_selector(LIVE)
    row = page.locator(f'tr[data-run-id="{run_id}"]')
    expect(row.locator("[data-run-status]")).to_have_text("Running")
    page.evaluate("window.__sameDocument = true")
    page.on("dialog", lambda dialog: dialog.accept())
    row.locator("button:has-text('Cancel')").click()
    expect(page.locator(".toast", has_text=f"Run #{run_id}")).to_be_visible()
    expect(row.locator("[data-run-status]")).to_have_text("Cancelled", timeout=15_000)
    row.locator("button:has-text('Retry')").click()
    expect(row.locator("[data-run-status]")).to_have_text(re.compile("Queued|Running"))
    assert page.evaluate("window.__sameDocument") is True, "the buttons work without leaving the page"


def test_without_live_updates_the_page_refreshes_itself(page: Page, dashboard: LiveDashboard) -> None:
    # A browser (or proxy) without WebSockets: the periodic refresh keeps the jobs page current.
    page.add_init_script("delete window.WebSocket; window.SHELFSCOPE_REFRESH_MS = 500;")
    run_id = _long_run(dashboard, "no websocket")
    log_in(page, dashboard)
    page.goto(f"{dashboard.url}/jobs")
    page.evaluate("window.__sameDocument = true")
    progress = page.locator(f'tr[data-run-id="{run_id}"] [data-progress]')
    first = int(progress.get_attribute("data-done") or 0)
    page.wait_for_function(
        "([selector, first]) => Number(document.querySelector(selector).dataset.done) > first + 5",
        arg=[f'tr[data-run-id="{run_id}"] [data-progress]', first],
        timeout=15_000,
    )
    assert page.evaluate("window.__sameDocument") is True
