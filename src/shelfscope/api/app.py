"""The application factory: every feature's API router and dashboard pages on one FastAPI app."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from shelfscope import __version__
from shelfscope.api.errors import install_error_handlers
from shelfscope.api.health import router as health_router
from shelfscope.api.middleware import BodySizeLimit, HttpMetrics, RequestMetrics
from shelfscope.platform import Platform

__all__ = ["API_ROUTER_MODULES", "PAGE_ROUTER_MODULES", "create_app"]

API_PREFIX = "/api/v1"

# Each module exposes ``router``; API routers are mounted under /api/v1, page routers at the root.
API_ROUTER_MODULES: tuple[str, ...] = (
    "shelfscope.auth.routes",
    "shelfscope.jobs.routes",
    "shelfscope.alerts.routes",
    "shelfscope.alerts.routes_channels",
    "shelfscope.events.routes",
    "shelfscope.ranks.routes",
    "shelfscope.ranks.routes_alerts",
    "shelfscope.ranks.routes_analysis",
    "shelfscope.ranks.routes_chart",
    "shelfscope.fetch.routes",
    "shelfscope.seller.routes",
    "shelfscope.seller.routes_cases",
)
PAGE_ROUTER_MODULES: tuple[str, ...] = (
    "shelfscope.web.pages",
    "shelfscope.seller.callback",
    "shelfscope.fetch.pages",
    "shelfscope.seller.dashboard",
    "shelfscope.web.vendor",
    "shelfscope.ranks.dashboard",
    "shelfscope.ranks.alert_pages",
    "shelfscope.alerts.pages",
)


def _router(module: str) -> APIRouter:
    router = importlib.import_module(module).router
    assert isinstance(router, APIRouter), f"{module}.router is not an APIRouter"
    return router


def create_app(platform: Platform) -> FastAPI:
    """Build the web application around an already constructed platform.

    The caller owns the platform's lifecycle (``serve`` closes it on exit), so several apps
    can share one platform in tests.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(
        title="shelfscope",
        version=__version__,
        description="Digital shelf data: keyword ranks, prices, seller accounts, AMC and web collection.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.platform = platform
    app.state.metrics = HttpMetrics()
    install_error_handlers(app)
    app.include_router(health_router)
    for module in API_ROUTER_MODULES:
        app.include_router(_router(module), prefix=API_PREFIX)
    for module in PAGE_ROUTER_MODULES:
        app.include_router(_router(module))
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    app.add_middleware(BodySizeLimit, max_bytes=platform.settings.auth.max_body_bytes)
    return app
