"""The front door of every SP-API operation: region, access token, usage plan, then the handler.

The order is Amazon's: an unknown path or region is 404; a missing, invalid or expired
``x-amz-access-token`` is 403 "Unauthorized" (no rate-limit header, which "should never be
expected in the response to a throttled, unauthorized, or unauthenticated request"); an empty
bucket is 429 QuotaExceeded. Handlers are plain functions run in a worker thread, because
rendering an 18-month report takes longer than an event loop should be blocked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shelfscope.sandbox.spapi.api_errors import TOKEN_EXPIRED, TOKEN_INVALID, TOKEN_MISSING, ApiFailure
from shelfscope.sandbox.spapi.lwa_tokens import AccessToken
from shelfscope.sandbox.spapi.operations import OPERATIONS, Operation
from shelfscope.sandbox.spapi.world import REGIONS, SpapiWorld

__all__ = ["ApiCall", "ApiResult", "public_base_url", "spapi_route"]

_HOST = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")


@dataclass(frozen=True, kw_only=True)
class ApiCall:
    """One authenticated request, as a handler sees it."""

    world: SpapiWorld
    region: str
    selling_partner_id: str
    client_id: str
    now: datetime
    query: dict[str, list[str]]
    path: dict[str, str]
    body: bytes
    base_url: str

    @property
    def owner(self) -> tuple[str, str]:
        return (self.selling_partner_id, self.region)

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass(frozen=True)
class ApiResult:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[ApiCall], ApiResult]


def public_base_url(request: Request) -> str:
    """Scheme and authority the client reached us at, for absolute URLs in responses.

    Some clients send a malformed ``Host`` (python-amazon-sp-api derives it by cutting
    ``https://`` off a custom endpoint, which mangles an ``http://`` one); the listening address
    is used then.
    """
    host = request.headers.get("host", "")
    if not _HOST.match(host):
        server = request.scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{request.url.scheme}://{host}"


def _authenticate(world: SpapiWorld, token: str | None, *, region: str, now: datetime) -> AccessToken:
    if not token:
        raise ApiFailure.unauthorized(TOKEN_MISSING)
    found = world.tokens.access(token)
    if found is None:
        raise ApiFailure.unauthorized(TOKEN_INVALID)
    if found.expires_at <= now:
        raise ApiFailure.unauthorized(TOKEN_EXPIRED)
    if found.authorization is None or found.authorization.region != region:
        # A grantless token, or a seller who authorised the app in another region only.
        raise ApiFailure.unauthorized("")
    return found


def _respond(
    status: int, body: Any, *, operation: Operation | None, headers: dict[str, str] | None = None
) -> Response:
    sent = {"x-amzn-RequestId": str(uuid.uuid4()), **(headers or {})}
    # "on a best-effort basis, for HTTP status codes 20x, 400 and 404 only"
    if operation is not None and (200 <= status < 300 or status in (400, 404)):
        sent["x-amzn-RateLimit-Limit"] = operation.rate_header
    if status == 429:
        sent["x-amzn-ErrorType"] = "QuotaExceeded"
    elif status == 403:
        sent["x-amzn-ErrorType"] = "AccessDeniedException"
    if body is None:
        return Response(status_code=status, headers=sent, media_type="application/json")
    return JSONResponse(body, status_code=status, headers=sent)


def _failure(failure: ApiFailure, operation: Operation | None) -> Response:
    return _respond(failure.status, failure.body, operation=operation)


async def _serve(request: Request, operation: Operation, handler: Handler) -> Response:
    world: SpapiWorld = request.app.state.spapi_world
    region = request.path_params["region"].upper()
    if region not in REGIONS or request.path_params["region"] != region.lower():
        return _failure(ApiFailure.not_found("Resource not found."), None)
    now = world.now()
    try:
        token = _authenticate(world, request.headers.get("x-amz-access-token"), region=region, now=now)
    except ApiFailure as failure:
        return _failure(failure, None)
    assert token.authorization is not None
    seller = token.authorization.selling_partner_id
    key = (token.client_id, seller, region, operation.name)
    if world.knobs.rate_limits and not world.limiter.take(key, operation, now=now):
        return _failure(ApiFailure.quota_exceeded(), None)
    query: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        query.setdefault(name, []).append(value)
    call = ApiCall(
        world=world,
        region=region,
        selling_partner_id=seller,
        client_id=token.client_id,
        now=now,
        query=query,
        path=dict(request.path_params),
        body=await request.body(),
        base_url=public_base_url(request),
    )
    try:
        result = await run_in_threadpool(handler, call)
    except ApiFailure as failure:
        return _failure(failure, operation)
    return _respond(result.status, result.body, operation=operation, headers=result.headers)


def spapi_route(path: str, operation_name: str, handler: Handler, *, method: str) -> Route:
    """A route under ``/{region}`` serving ``operation_name`` with ``handler``."""
    operation = OPERATIONS[operation_name]

    async def endpoint(request: Request) -> Response:
        return await _serve(request, operation, handler)

    return Route("/{region}" + path, endpoint, methods=[method], name=operation_name)
