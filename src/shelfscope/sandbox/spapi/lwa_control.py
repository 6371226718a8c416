"""Sandbox-only endpoints of the LWA simulator: consent mode, revocation, token expiry, apps.

``POST /lwa/_control/revoke`` is a seller withdrawing consent in Seller Central: the next
refresh answers ``invalid_grant``. ``POST /lwa/_control/expire-access-tokens`` ends access
tokens early, so a client's "expired token → refresh → retry" path can be driven on demand.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.spapi.lwa_apps import SandboxApp
from shelfscope.sandbox.spapi.world import REGIONS, SpapiWorld

__all__ = ["lwa_control_routes"]


def _world(request: Request) -> SpapiWorld:
    world: SpapiWorld = request.app.state.spapi_world
    return world


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise InvalidInput("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    return body


def _text(body: dict[str, Any], name: str, default: str | None = None) -> str | None:
    value = body.get(name, default)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", field=name)
    return value


async def read_control(request: Request) -> Response:
    world = _world(request)
    return JSONResponse(
        {"auto_approve": world.knobs.auto_approve, "selling_partner_id": world.seller.selling_partner_id}
    )


async def change_control(request: Request) -> Response:
    """``{"auto_approve": false}`` shows the consent page's Confirm button instead of redirecting."""
    world = _world(request)
    world.knobs.update(await _body(request))
    return JSONResponse({"auto_approve": world.knobs.auto_approve})


async def revoke(request: Request) -> Response:
    """``{"selling_partner_id": …, "region": "NA"}``, both optional (default: the seller, all regions)."""
    world, body = _world(request), await _body(request)
    region = _text(body, "region")
    if region is not None and region.upper() not in REGIONS:
        raise InvalidInput(f"region must be one of {', '.join(REGIONS)}", field="region")
    seller = _text(body, "selling_partner_id", world.seller.selling_partner_id) or ""
    revoked = world.tokens.revoke(selling_partner_id=seller, region=region.upper() if region else None)
    return JSONResponse({"revoked": revoked})


async def expire_access_tokens(request: Request) -> Response:
    world, body = _world(request), await _body(request)
    expired = world.tokens.expire_access(
        now=world.now(), selling_partner_id=_text(body, "selling_partner_id")
    )
    return JSONResponse({"expired": expired})


async def register_app(request: Request) -> Response:
    """``{"application_id", "client_id", "client_secret", "name"?, "draft"?, "redirect_uris"?}``."""
    body = await _body(request)
    required = {name: _text(body, name) for name in ("application_id", "client_id", "client_secret")}
    missing = [name for name, value in required.items() if not value]
    if missing:
        raise InvalidInput(f"missing {', '.join(missing)}")
    uris = body.get("redirect_uris", [])
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise InvalidInput("redirect_uris must be a list of URLs", field="redirect_uris")
    app = _world(request).register_app(
        SandboxApp(
            application_id=required["application_id"] or "",
            client_id=required["client_id"] or "",
            client_secret=required["client_secret"] or "",
            name=_text(body, "name", "Sandbox application") or "",
            draft=bool(body.get("draft", True)),
            redirect_uris=tuple(uris),
        )
    )
    return JSONResponse({"application_id": app.application_id, "client_id": app.client_id}, status_code=201)


def lwa_control_routes() -> list[Route]:
    return [
        Route("/_control", read_control, methods=["GET"]),
        Route("/_control", change_control, methods=["POST"]),
        Route("/_control/revoke", revoke, methods=["POST"]),
        Route("/_control/expire-access-tokens", expire_access_tokens, methods=["POST"]),
        Route("/_apps", register_app, methods=["POST"]),
    ]
