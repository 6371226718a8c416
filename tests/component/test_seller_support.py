"""Helpers for the seller tests: an SP-API sandbox with a fast clock and a platform bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from urllib.parse import parse_qs, urlsplit

import httpx

from shelfscope.auth.vault import Vault
from shelfscope.db import Database
from shelfscope.events.types import EventBus
from shelfscope.jobs.queue import build_queue
from shelfscope.platform import Platform
from shelfscope.sandbox import SandboxClock, SandboxServer, create_sandbox_app
from shelfscope.sandbox.registry import load_simulators
from shelfscope.sandbox.spapi.world import SpapiWorld, spapi_world
from shelfscope.seller.models import SellerConnection
from shelfscope.seller.oauth import complete_consent, consent_url
from shelfscope.seller.runtime import SellerRuntime
from shelfscope.seller.sandbox_mode import with_sandbox_seller
from shelfscope.settings import Settings
from tests.jobs_support import RecordingBus, make_workspace

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
REDIRECT = "http://127.0.0.1:9/api/amazon/oauth-callback"


@dataclass
class SellerSandbox:
    server: SandboxServer
    clock: SandboxClock
    platform: Platform
    runtime: SellerRuntime
    workspace_id: int
    sleeps: list[float]

    @property
    def world(self) -> SpapiWorld:
        return spapi_world(self.server.context)


@contextmanager
def seller_sandbox(settings: Settings, db: Database, *, speed: float = 600.0) -> Iterator[SellerSandbox]:
    """A sandbox whose clock runs ``speed`` times real time; sleeps are recorded and skipped
    on the client side but move the sandbox clock, so Amazon's state machine advances."""
    clock = SandboxClock(start=START, speed=speed)
    app = create_sandbox_app(clock=clock, simulators=load_simulators(("shelfscope.sandbox.spapi.simulator",)))
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    with SandboxServer(app=app) as server:
        seller_settings = with_sandbox_seller(settings, server.connector_urls(), redirect_url=REDIRECT)
        platform = Platform(
            settings=seller_settings,
            db=db,
            bus=cast(EventBus, RecordingBus()),  # records what a test asserts on
            queue=build_queue(seller_settings),
            vault=Vault.from_settings(seller_settings),
            clock=clock,
        )
        runtime = SellerRuntime.from_platform(platform, sleep=sleep, speed=speed)
        try:
            yield SellerSandbox(server, clock, platform, runtime, make_workspace(db), sleeps)
        finally:
            runtime.close()
            platform.queue.close()


def connect(sandbox: SellerSandbox, *, region: str = "NA") -> SellerConnection:
    """The whole consent flow against the auto-approving sandbox consent page."""
    with sandbox.platform.db.session() as session:
        url = consent_url(
            session,
            settings=sandbox.platform.settings,
            workspace_id=sandbox.workspace_id,
            user_id=None,
            region=region,
            now=sandbox.clock.now(),
        )
    callback = consent_redirect(url)
    return complete_consent(
        sandbox.runtime,
        state=callback["state"],
        code=callback["spapi_oauth_code"],
        selling_partner_id=callback["selling_partner_id"],
    )


def consent_redirect(url: str) -> dict[str, str]:
    """Follow the consent page to its redirect and return the callback's query parameters."""
    response = httpx.get(url, follow_redirects=False)
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {name: values[0] for name, values in query.items()}
