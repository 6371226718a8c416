"""HTTP helpers the sandbox's own endpoints share: error mapping and bounded query parameters."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shelfscope.errors import InvalidInput, RateLimited, ShelfscopeError

__all__ = ["error_response", "optional_query_int", "query_float", "query_int"]


async def error_response(request: Request, exc: Exception) -> Response:
    """Map the error tree to ``{"error", "message"}`` and its status, as the platform API does."""
    if not isinstance(exc, ShelfscopeError):  # pragma: no cover - only registered for ShelfscopeError
        raise exc
    headers = {}
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        headers["Retry-After"] = str(math.ceil(exc.retry_after))
    body = {"error": exc.code, "message": exc.message}
    return JSONResponse(body, status_code=exc.http_status, headers=headers)


def _raw(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    return None if value is None or value == "" else value


def query_float(request: Request, name: str, *, default: float, minimum: float, maximum: float) -> float:
    """A number from the query string, inside ``[minimum, maximum]``; anything else is InvalidInput."""
    raw = _raw(request, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a number, got {raw!r}", field=name) from None
    if not math.isfinite(value) or not minimum <= value <= maximum:
        raise InvalidInput(f"{name} must be between {minimum:g} and {maximum:g}, got {raw}", field=name)
    return value


def query_int(request: Request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    """A whole number from the query string, inside ``[minimum, maximum]``."""
    raw = _raw(request, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number, got {raw!r}", field=name) from None
    if not minimum <= value <= maximum:
        raise InvalidInput(f"{name} must be between {minimum} and {maximum}, got {value}", field=name)
    return value


def optional_query_int(request: Request, name: str, *, minimum: int, maximum: int) -> int | None:
    """Like :func:`query_int`, but absent means ``None``."""
    if _raw(request, name) is None:
        return None
    return query_int(request, name, default=minimum, minimum=minimum, maximum=maximum)
