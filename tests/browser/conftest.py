"""A real dashboard for the browser: uvicorn on a free loopback port, an embedded worker, Chromium.

The server runs in a background thread on an embedded platform (temporary data dir, schema from
the models). Tests drive it with Playwright's sync API from the test thread only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from shelfscope.api.app import create_app
from shelfscope.auth.bootstrap import bootstrap_owner
from shelfscope.auth.users import find_user_by_email
from shelfscope.jobs.embedded import EmbeddedJobs
from shelfscope.jobs.service import cancel_run, list_runs
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.browser.support import CHROMIUM_ARGS, OWNER_EMAIL, OWNER_PASSWORD, LiveDashboard, ThreadedServer
from tests.support import platform_for


def _cancel_unfinished(platform: Platform, workspace_id: int) -> None:
    """Ask long demo runs to stop, so shutting the worker down does not wait for them."""
    with platform.db.session() as session:
        runs, _ = list_runs(session, workspace_id=workspace_id, limit=200)
        for run in runs:
            if not run.is_terminal:
                cancel_run(session, platform, workspace_id=workspace_id, run_id=run.id)


@pytest.fixture
def dashboard(settings: Settings) -> Iterator[LiveDashboard]:
    """The whole product in one process, as ``shelfscope serve`` runs it in embedded mode."""
    with platform_for(settings) as platform:
        with platform.db.session() as session:
            owner = bootstrap_owner(session, email=OWNER_EMAIL, password=OWNER_PASSWORD)
        assert owner is not None
        with platform.db.session() as session:
            user = find_user_by_email(session, email=OWNER_EMAIL)
            assert user is not None
            owner_id = user.id
        jobs = EmbeddedJobs(platform, concurrency=2)
        jobs.start()
        try:
            with ThreadedServer(create_app(platform)) as server:
                yield LiveDashboard(
                    url=f"http://127.0.0.1:{server.port}",
                    platform=platform,
                    workspace_id=owner.workspace_id,
                    owner_id=owner_id,
                )
        finally:
            _cancel_unfinished(platform, owner.workspace_id)
            jobs.stop()


# Package scope, not session: sync Playwright keeps an event loop running in the main thread
# until it stops, and every later test that calls asyncio.run() would fail while it lives.
@pytest.fixture(scope="package")
def playwright_instance(chromium_path: str) -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
