"""One place that turns the error tree into HTTP responses: ``{"error": code, "message": …}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shelfscope.errors import RateLimited, ShelfscopeError
from shelfscope.logs import get_logger

__all__ = ["error_body", "install_error_handlers"]

log = get_logger(__name__)

_STATUS_CODES = {
    400: "bad_request",
    401: "authentication_required",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **extra}


def _describe_validation(exc: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "header")]
        where = ".".join(loc) or str(err.get("loc", ("request",))[0])
        details.append({"field": where, "message": err.get("msg", "invalid")})
    if not details:
        return "the request is invalid", details
    first = details[0]
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    if first["field"] == "body" and "JSON" in first["message"]:
        return f"the request body is not valid JSON: {first['message']}", details
    return f"{first['field']}: {first['message']}{more}", details


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


async def _html_error(request: Request, status: int, code: str, message: str) -> Response:
    """Browsers asking for a page get the dashboard's error page (or the login page on 401)."""
    from shelfscope.web.errors import render_error_page  # the page layer is imported lazily: no cycle

    return await render_error_page(request, status=status, code=code, message=message)


async def _handle_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ShelfscopeError)
    if _wants_html(request):
        return await _html_error(request, exc.http_status, exc.code, exc.message)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, round(exc.retry_after)))
    if exc.http_status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if exc.http_status >= 500:
        log.warning("request_failed", path=request.url.path, error=exc.code, message=exc.message)
    extra: dict[str, Any] = {}
    field = getattr(exc, "field", None)
    if field:
        extra["field"] = field
    return JSONResponse(
        error_body(exc.code, exc.message, **extra), status_code=exc.http_status, headers=headers
    )


async def _handle_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    message, details = _describe_validation(exc)
    if _wants_html(request):
        return await _html_error(request, 422, "invalid_input", message)
    return JSONResponse(error_body("invalid_input", message, details=details), status_code=422)


async def _handle_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    if _wants_html(request):
        return await _html_error(request, exc.status_code, code, message)
    return JSONResponse(
        error_body(code, message), status_code=exc.status_code, headers=getattr(exc, "headers", None)
    )


async def _handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path, method=request.method)
    if _wants_html(request):
        return await _html_error(
            request, 500, "internal_error", "an unexpected error occurred; it has been logged"
        )
    return JSONResponse(
        error_body("internal_error", "an unexpected error occurred; it has been logged"), status_code=500
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ShelfscopeError, _handle_domain_error)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
