"""Keyword rank tracking in headless Chromium: set up a job, check it now, watch it, chart it, export it.

The dashboard fetches search pages from the sandbox's storefronts on 127.0.0.1, so the ranks the
page shows are compared with what the sandbox says it served.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from shelfscope.sandbox import SandboxServer
from shelfscope.sandbox.amazon import asin_ranking
from shelfscope.sandbox.context import SandboxContext
from shelfscope.settings import Settings
from tests.browser.support import LiveDashboard, log_in

pytestmark = pytest.mark.browser

LIVE = "[data-live-indicator][data-state=open]"
BOTTLE = "B0D7KQ3M2X"
KEYWORDS = ("trinkflasche edelstahl", "isolierflasche")


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    """The shared settings, pointed at a sandbox on loopback (the dashboard fixture builds on them)."""
    server = SandboxServer.from_settings(settings)
    server.start()
    try:
        yield settings.model_copy(
            update={
                "sandbox": settings.sandbox.model_copy(update={"enabled": True, "url": server.url}),
                "fetch": settings.fetch.model_copy(
                    update={"retry_base_seconds": 0.0, "retry_max_seconds": 0.0}
                ),
                # The schedule must not start the first check: this journey starts it with "Run now".
                "ranks": settings.ranks.model_copy(update={"start_jitter_seconds": 3600}),
            }
        )
    finally:
        server.stop()


def test_create_a_job_run_it_watch_progress_see_the_chart_and_export(
    page: Page, dashboard: LiveDashboard, settings: Settings
) -> None:
    sandbox = SandboxContext.from_settings(settings.sandbox)  # same seed and day as the served sandbox
    log_in(page, dashboard, expect_path="/")
    page.goto(f"{dashboard.url}/ranks")
    expect(page).to_have_url(f"{dashboard.url}/ranks/setup")
    expect(page.locator("[data-setup-step=proxies]")).to_contain_text("optional in the demo")
    page.click("[data-setup-next]")
    expect(page.locator("h1")).to_have_text("New tracking job")

    page.fill("input[name=asin]", BOTTLE)
    page.select_option("select[name=marketplace]", "DE")
    page.select_option("select[name=frequency]", "hourly")
    expect(page.locator("[data-schedule-preview]")).to_have_attribute("data-preview-frequency", "hourly")
    page.fill("textarea[name=keywords]", "\n".join([*KEYWORDS, "Trinkflasche  EDELSTAHL"]))
    page.click("[data-job-form] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"{re.escape(dashboard.url)}/ranks/jobs/\d+$"))
    expect(page.locator("#toasts")).to_contain_text("Added 2 keywords")
    expect(page.locator("#toasts")).to_contain_text("Skipped 1 duplicate")
    expect(page.locator("[data-keyword-badge]")).to_have_count(2)
    expect(page.locator("[data-rank-chart]")).to_have_attribute("data-chart-ready", "empty")

    page.wait_for_selector(LIVE)
    page.evaluate("window.__sameDocument = true")
    page.click("form[action$='/run'] button")
    check = page.locator(".latest-check")
    expect(check.locator("[data-run-status]")).to_have_text("Succeeded", timeout=60_000)
    expect(check.locator(".progress-text")).to_have_text("2 / 2")
    assert page.evaluate("window.__sameDocument") is True, "progress arrived without reloading the page"

    for keyword in KEYWORDS:
        truth = asin_ranking(sandbox, "DE", keyword, BOTTLE, depth=3)
        row = page.locator("tr[data-keyword-id]", has_text=keyword)
        expect(row.locator("[data-organic-rank]")).to_have_attribute(
            "data-organic-rank", str(truth["organic_rank"] or "")
        )
    chart = page.locator("[data-rank-chart]")
    expect(chart).to_have_attribute("data-chart-ready", "1", timeout=20_000)
    expect(chart).to_have_attribute("data-points", "1")
    traces = page.evaluate("() => document.querySelector('[data-rank-chart]').data.map(t => t.name)")
    assert traces[:2] == ["Organic", "Sponsored"]
    low, high = page.evaluate("() => document.querySelector('[data-rank-chart]')._fullLayout.yaxis.range")
    assert low > high, "rank 1 is at the top: the rank axis runs downwards"

    with page.expect_download() as download:
        page.click("[data-export-kind=combined]")
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert KEYWORDS[0] in text and BOTTLE in text
