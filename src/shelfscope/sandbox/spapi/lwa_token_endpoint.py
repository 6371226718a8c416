"""``POST /lwa/auth/o2/token``: Login with Amazon's token endpoint, grants and errors.

Requests are ``application/x-www-form-urlencoded`` (Amazon's Java helper posts JSON, also
accepted). Errors are LWA's ``{"error_description", "error"}`` bodies with the wording sellers'
clients see: "The request has an invalid grant parameter : code", "… : refresh_token. User may
have revoked or didn't grant the permission." (invalid_grant, 400) and "Client authentication
failed" (invalid_client, 401). A refresh answers with the same refresh token.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shelfscope.sandbox.spapi.lwa_apps import SandboxApp
from shelfscope.sandbox.spapi.world import SpapiWorld

__all__ = ["token_endpoint"]

_GRANTLESS_SCOPES = frozenset(
    {"sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation"}
)
_NO_STORE = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}


class _LwaError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def _missing(name: str) -> _LwaError:
    return _LwaError(400, "invalid_request", f"The request is missing a required parameter : {name}")


def _invalid_grant(name: str, suffix: str = "") -> _LwaError:
    return _LwaError(400, "invalid_grant", f"The request has an invalid grant parameter : {name}{suffix}")


async def _parameters(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            parsed = json.loads(body or "{}")
        except ValueError:
            raise _LwaError(400, "invalid_request", "The request body is malformed") from None
        if not isinstance(parsed, dict):
            raise _LwaError(400, "invalid_request", "The request body is malformed")
        return {str(key): str(value) for key, value in parsed.items()}
    return dict(parse_qsl(body, keep_blank_values=True))


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def _client(world: SpapiWorld, request: Request, form: dict[str, str]) -> SandboxApp:
    client_id, secret = _basic_credentials(request) or (
        form.get("client_id", ""),
        form.get("client_secret", ""),
    )
    app = world.app_by_client_id(client_id)
    if app is None or not hmac.compare_digest(app.client_secret.encode(), secret.encode()):
        raise _LwaError(401, "invalid_client", "Client authentication failed")
    return app


def _tokens(world: SpapiWorld, app: SandboxApp, form: dict[str, str], grant_type: str) -> dict[str, Any]:
    now, ttl = world.now(), world.knobs.access_token_ttl_seconds
    if grant_type == "authorization_code":
        code = form.get("code") or ""
        if not code:
            raise _missing("code")
        authorization = world.tokens.redeem_code(
            code, client_id=app.client_id, redirect_uri=form.get("redirect_uri"), now=now
        )
        if authorization is None:
            raise _invalid_grant("code")
    elif grant_type == "refresh_token":
        refresh_token = form.get("refresh_token") or ""
        if not refresh_token:
            raise _missing("refresh_token")
        authorization = world.tokens.authorization(refresh_token, client_id=app.client_id)
        if authorization is None:
            raise _invalid_grant("refresh_token", ". User may have revoked or didn't grant the permission.")
    else:
        scope = form.get("scope") or ""
        if scope not in _GRANTLESS_SCOPES:
            raise _LwaError(400, "invalid_scope", "An unknown scope was requested")
        access = world.tokens.issue_access(None, client_id=app.client_id, now=now, ttl=ttl)
        return {"access_token": access.token, "scope": scope, "token_type": "bearer", "expires_in": int(ttl)}
    access = world.tokens.issue_access(authorization, client_id=app.client_id, now=now, ttl=ttl)
    return {
        "access_token": access.token,
        "refresh_token": authorization.refresh_token,
        "token_type": "bearer",
        "expires_in": int(ttl),
    }


def _grant_type(form: dict[str, str]) -> str:
    grant_type = form.get("grant_type") or ""
    if not grant_type:
        raise _missing("grant_type")
    if grant_type not in ("authorization_code", "refresh_token", "client_credentials"):
        raise _LwaError(
            400,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        )
    return grant_type


async def token_endpoint(request: Request) -> Response:
    world: SpapiWorld = request.app.state.spapi_world
    try:
        form = await _parameters(request)
        grant_type = _grant_type(form)
        app = _client(world, request, form)
        body = _tokens(world, app, form, grant_type)
    except _LwaError as failure:
        error = {"error_description": failure.description, "error": failure.error}
        return JSONResponse(error, status_code=failure.status, headers=_NO_STORE)
    return JSONResponse(body, headers=_NO_STORE)
