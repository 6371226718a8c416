"""The Amazon storefront simulator: every marketplace under ``/amazon/{code}`` and its real host names."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.errors import ShelfscopeError
from shelfscope.marketplaces import AMAZON_MARKETPLACES
from shelfscope.sandbox._http import error_response
from shelfscope.sandbox.amazon.control import (
    read_control,
    read_served,
    truth_product,
    truth_search,
    write_control,
)
from shelfscope.sandbox.amazon.state import amazon_state
from shelfscope.sandbox.amazon.storefront import captcha_solve, home, product, search, sponsored_click
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.registry import Simulator, SimulatorRegistry

__all__ = ["AMAZON", "MOUNT", "create_amazon_app", "register"]

MOUNT = "/amazon"


def create_amazon_app(context: SandboxContext) -> ASGIApp:
    """The storefronts of every marketplace, plus ``/_control``, ``/_truth`` and ``/_served``."""
    amazon_state(context)
    routes = [
        Route("/_control", read_control, methods=["GET"]),
        Route("/_control", write_control, methods=["POST"]),
        Route("/_truth", truth_search, methods=["GET"]),
        Route("/_truth/product", truth_product, methods=["GET"]),
        Route("/_served", read_served, methods=["GET"]),
        Route("/{code}", home, methods=["GET"]),
        Route("/{code}/", home, methods=["GET"]),
        Route("/{code}/s", search, methods=["GET"]),
        Route("/{code}/s/{rest:path}", search, methods=["GET"]),
        Route("/{code}/dp/{asin}", product, methods=["GET"]),
        Route("/{code}/dp/{asin}/{rest:path}", product, methods=["GET"]),
        Route("/{code}/gp/product/{asin}", product, methods=["GET"]),
        Route("/{code}/{slug}/dp/{asin}", product, methods=["GET"]),
        Route("/{code}/{slug}/dp/{asin}/{rest:path}", product, methods=["GET"]),
        Route("/{code}/errors/validateCaptcha", captcha_solve, methods=["GET"]),
        Route("/{code}/sspa/click", sponsored_click, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={ShelfscopeError: error_response})
    app.state.sandbox_context = context
    return app


def _hosts() -> dict[str, str]:
    hosts: dict[str, str] = {}
    for market in AMAZON_MARKETPLACES:
        path = f"{MOUNT}/{market.code.lower()}"
        hosts[f"www.{market.domain}"] = path
        hosts[market.domain] = path
    return hosts


AMAZON = Simulator(
    name="amazon",
    title="Amazon storefronts",
    description=(
        "Search and product pages of every Amazon marketplace in the 2025-26 layout, with a deterministic "
        "catalogue whose rankings drift daily, sponsored results and ad placements, bot defences (CAPTCHA, "
        "503, slow pages) set by POST /amazon/_control, and the ground truth at /amazon/_truth."
    ),
    mount=MOUNT,
    factory=create_amazon_app,
    base_urls={
        f"amazon_{market.code.lower()}": f"{MOUNT}/{market.code.lower()}" for market in AMAZON_MARKETPLACES
    },
    hosts=_hosts(),
)


def register(registry: SimulatorRegistry) -> None:
    registry.register(AMAZON)
