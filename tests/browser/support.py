"""Helpers of the browser tests: the dashboard served by uvicorn in a thread, and logging in."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from playwright.sync_api import Page

from shelfscope.platform import Platform

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "correct-horse-battery"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT_SECONDS = 15.0


@dataclass
class LiveDashboard:
    url: str
    platform: Platform
    workspace_id: int
    owner_id: int


class ThreadedServer:
    """uvicorn in a daemon thread, bound to a socket we opened (so the port is known up front)."""

    def __init__(self, app: object) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="websockets-sansio")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the dashboard server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def log_in(
    page: Page,
    dashboard: LiveDashboard,
    *,
    email: str = OWNER_EMAIL,
    password: str = OWNER_PASSWORD,
    expect_path: str = "/",
) -> None:
    """Sign in through the login form (from wherever the page is, or the login page itself)."""
    if "/login" not in page.url:
        page.goto(f"{dashboard.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{dashboard.url}{expect_path}")
