"""The shared state of the LWA and SP-API simulators: one world per sandbox app.

Both simulators (``/lwa`` and ``/spapi``) and the ground-truth function reach the same world
through :func:`spapi_world`, so a token issued by LWA is known to SP-API and the truth counts
the history that the documents were rendered from. The seller's history is built per region on
first use, anchored at the sandbox clock's time when the world was created.
"""

from __future__ import annotations

import threading
from datetime import datetime

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.spapi.document_store import DocumentStore
from shelfscope.sandbox.spapi.history.catalog import REGION_MARKETPLACES
from shelfscope.sandbox.spapi.history.seller import SellerHistory, build_history
from shelfscope.sandbox.spapi.knobs import SpapiKnobs
from shelfscope.sandbox.spapi.lwa_apps import DEMO_APP, SandboxApp, seller_for_seed
from shelfscope.sandbox.spapi.lwa_tokens import TokenStore
from shelfscope.sandbox.spapi.next_tokens import NextTokenStore
from shelfscope.sandbox.spapi.ratelimit import RateLimiter
from shelfscope.sandbox.spapi.report_store import ReportStore

__all__ = ["REGIONS", "SpapiWorld", "spapi_world"]

REGIONS = tuple(REGION_MARKETPLACES)
_STATE = "spapi"


class SpapiWorld:
    """Seller, apps, tokens, reports, documents, paging tokens, rate limits and knobs."""

    def __init__(self, context: SandboxContext) -> None:
        self.context = context
        self.clock = context.clock
        self.seed = context.seed
        self.anchor = context.clock.now()
        self.knobs = SpapiKnobs()
        self.seller = seller_for_seed(context.seed)
        self.tokens = TokenStore()
        self.limiter = RateLimiter()
        self.reports = ReportStore(
            first_id=context.rng_for("spapi:report-ids").randrange(50_000_000_000, 60_000_000_000)
        )
        self.documents = DocumentStore()
        self.next_tokens = NextTokenStore()
        self.outcomes = context.rng_for("spapi:outcomes")
        self.delays = context.rng_for("spapi:delays")
        self._apps: dict[str, SandboxApp] = {DEMO_APP.client_id: DEMO_APP}
        self._histories: dict[str, SellerHistory] = {}
        self._lock = threading.RLock()

    def now(self) -> datetime:
        return self.clock.now()

    def history(self, region: str) -> SellerHistory:
        """The seller's history in ``region`` (NA, EU or FE), built on first use."""
        if region not in REGION_MARKETPLACES:
            raise InvalidInput(f"unknown SP-API region {region!r} (NA, EU or FE)", field="region")
        with self._lock:
            if region not in self._histories:
                self._histories[region] = build_history(seed=self.seed, region=region, anchor=self.anchor)
            return self._histories[region]

    def register_app(self, app: SandboxApp) -> SandboxApp:
        with self._lock:
            self._apps[app.client_id] = app
        return app

    def app_by_client_id(self, client_id: str) -> SandboxApp | None:
        with self._lock:
            return self._apps.get(client_id)

    def app_by_application_id(self, application_id: str) -> SandboxApp | None:
        with self._lock:
            return next((app for app in self._apps.values() if app.application_id == application_id), None)

    def draw_outcome(self) -> str:
        """DONE, FATAL or CANCELLED for a new report: forced outcomes first, then the rates."""
        forced = self.knobs.next_forced_outcome()
        if forced is not None:
            return forced
        with self._lock:
            roll = self.outcomes.random()
        if roll < self.knobs.fatal_rate:
            return "FATAL"
        if roll < self.knobs.fatal_rate + self.knobs.cancelled_rate:
            return "CANCELLED"
        return "DONE"

    def draw_seconds(self, low: float, high: float) -> float:
        with self._lock:
            return self.delays.uniform(low, high) * self.knobs.processing_delay_factor


def spapi_world(context: SandboxContext) -> SpapiWorld:
    """The world of the sandbox app ``context`` belongs to, created on first use."""
    with context.lock:
        state = context.state_for(_STATE)
        world = state.get("world")
        if world is None:
            world = state["world"] = SpapiWorld(context)
        assert isinstance(world, SpapiWorld)
        return world
