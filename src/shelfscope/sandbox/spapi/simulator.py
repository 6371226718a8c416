"""The two simulators of this package and their ASGI apps: ``/lwa`` and ``/spapi``.

``lwa`` is Login with Amazon plus Seller Central's consent page; ``spapi`` is the Selling
Partner API of the three regions with its document downloads. Both share one
:class:`~.world.SpapiWorld`. Connector settings: ``lwa`` (token endpoint base), ``spapi_na``,
``spapi_eu``, ``spapi_fe`` (regional endpoints) and ``seller_central_na/eu/fe`` (consent base).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.errors import ShelfscopeError
from shelfscope.sandbox._http import error_response
from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.registry import Simulator, SimulatorRegistry
from shelfscope.sandbox.spapi.api_errors import error_body
from shelfscope.sandbox.spapi.finances_api import finances_routes
from shelfscope.sandbox.spapi.lwa_consent import confirm, consent
from shelfscope.sandbox.spapi.lwa_control import lwa_control_routes
from shelfscope.sandbox.spapi.lwa_token_endpoint import token_endpoint
from shelfscope.sandbox.spapi.reports_api import reports_routes
from shelfscope.sandbox.spapi.sellers_api import sellers_routes
from shelfscope.sandbox.spapi.spapi_control import control_routes
from shelfscope.sandbox.spapi.world import spapi_world

__all__ = ["LWA", "SPAPI", "register"]


async def _spapi_not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse(error_body("NotFound", "Resource not found."), status_code=404)


def create_lwa_app(context: SandboxContext) -> ASGIApp:
    routes = [
        Route("/auth/o2/token", token_endpoint, methods=["POST"]),
        Route("/apps/authorize/consent", consent, methods=["GET"]),
        Route("/apps/authorize/confirm", confirm, methods=["POST"]),
        Route("/{region}/apps/authorize/consent", consent, methods=["GET"]),
        Route("/{region}/apps/authorize/confirm", confirm, methods=["POST"]),
        *lwa_control_routes(),
    ]
    app = Starlette(routes=routes, exception_handlers={ShelfscopeError: error_response})
    app.state.spapi_world = spapi_world(context)
    return app


def create_spapi_app(context: SandboxContext) -> ASGIApp:
    routes = [*control_routes(), *sellers_routes(), *reports_routes(), *finances_routes()]
    app = Starlette(
        routes=routes, exception_handlers={ShelfscopeError: error_response, 404: _spapi_not_found}
    )
    app.state.spapi_world = spapi_world(context)
    return app


LWA = Simulator(
    name="lwa",
    title="Login with Amazon + Seller Central consent",
    description=(
        "Token endpoint /lwa/auth/o2/token (authorization_code, refresh_token, client_credentials) with "
        "LWA's errors; consent page /lwa/{na,eu,fe}/apps/authorize/consent (auto-approves in demo mode). "
        "Controls: /lwa/_control, /lwa/_control/revoke, /lwa/_control/expire-access-tokens, /lwa/_apps."
    ),
    mount="/lwa",
    factory=create_lwa_app,
    base_urls={
        "lwa": "/lwa",
        "seller_central_na": "/lwa/na",
        "seller_central_eu": "/lwa/eu",
        "seller_central_fe": "/lwa/fe",
    },
    hosts={
        "api.amazon.com": "/lwa",
        "sellercentral.amazon.com": "/lwa/na",
        "sellercentral-europe.amazon.com": "/lwa/eu",
        "sellercentral.amazon.co.jp": "/lwa/fe",
    },
)

SPAPI = Simulator(
    name="spapi",
    title="Selling Partner API (NA, EU, FE)",
    description=(
        "Sellers, Reports 2021-06-30 and Finances v0 per region under /spapi/{na,eu,fe}, usage-plan rate "
        "limits, report state machine on the sandbox clock, gzipped documents at presigned /spapi/s3 URLs, "
        "and an 18-month seller history. Ground truth: /spapi/_truth; knobs: /spapi/_control."
    ),
    mount="/spapi",
    factory=create_spapi_app,
    base_urls={"spapi_na": "/spapi/na", "spapi_eu": "/spapi/eu", "spapi_fe": "/spapi/fe"},
    hosts={
        "sellingpartnerapi-na.amazon.com": "/spapi/na",
        "sellingpartnerapi-eu.amazon.com": "/spapi/eu",
        "sellingpartnerapi-fe.amazon.com": "/spapi/fe",
    },
)


def register(registry: SimulatorRegistry) -> None:
    registry.register(LWA)
    registry.register(SPAPI)
