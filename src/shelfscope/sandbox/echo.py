"""The ``echo`` simulator: answers with exactly what the client sent.

Sites judge a client by what it sends: header order, ``sec-ch-ua`` hints that must match the
user agent, cookies, Accept-Language. Pointing a client at ``/echo/…`` shows what it really
sends, so identity coherence can be checked against the wire instead of the code's intent.
Any method and any path under the mount are answered.
"""

from __future__ import annotations

import base64

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.registry import Simulator, SimulatorRegistry

__all__ = ["ECHO", "register"]

MAX_ECHO_BYTES = 4 * 1024 * 1024
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def _body(request: Request) -> bytes | None:
    """The request body, or None once it passes :data:`MAX_ECHO_BYTES`."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_ECHO_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def echo(request: Request) -> Response:
    body = await _body(request)
    if body is None:
        message = f"echo takes at most {MAX_ECHO_BYTES} bytes"
        return JSONResponse({"error": "too_large", "message": message}, status_code=413)
    scope = request.scope
    client = scope.get("client")
    headers = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in scope["headers"]]
    return JSONResponse(
        {
            "method": request.method,
            "path": scope["path"],
            "query": scope["query_string"].decode("latin-1"),
            "http_version": scope.get("http_version"),
            # In arrival order, repeated names kept: order is part of a client's fingerprint.
            "headers": headers,
            "client": f"{client[0]}:{client[1]}" if client else None,
            "body": body.decode("utf-8", errors="replace"),
            "body_base64": base64.b64encode(body).decode("ascii"),
            "body_bytes": len(body),
        }
    )


def create_echo_app(_context: SandboxContext) -> ASGIApp:
    return Starlette(routes=[Route("/{path:path}", echo, methods=_METHODS)])


ECHO = Simulator(
    name="echo",
    title="Echo",
    description=(
        "Answers any method on any path below it with the request as JSON: method, path, query, "
        "headers in arrival order and body. Shows what a client really sends."
    ),
    mount="/echo",
    factory=create_echo_app,
)


def register(registry: SimulatorRegistry) -> None:
    registry.register(ECHO)
