"""Generic fault endpoints under ``/_faults/``: how upstreams fail, on demand.

Every client shelfscope uses must survive these: error statuses with ``Retry-After``, slow
answers, connections dropped or reset before an answer, bodies that trickle in, and bodies
cut short. Each fault is declared once in :data:`FAULTS`, which the index page documents.
All accept any HTTP method. Durations are real seconds (network behaviour), not sandbox time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from shelfscope.errors import InvalidInput
from shelfscope.sandbox._http import optional_query_int, query_float, query_int
from shelfscope.sandbox.connections import close_connection, is_tracked, wait_for_disconnect

__all__ = ["FAULTS", "MAX_DELAY_SECONDS", "MAX_FAULT_BYTES", "Fault", "fault_routes"]

MAX_DELAY_SECONDS = 60.0
MAX_FAULT_BYTES = 16 * 1024 * 1024
_BODYLESS = {204, 304}
_RETRY_AFTER_STATUSES = {429, 503}


@dataclass(frozen=True, kw_only=True)
class Fault:
    """What the index page says about one fault endpoint."""

    name: str
    path: str
    example: str
    params: tuple[tuple[str, str], ...]
    description: str


FAULTS: tuple[Fault, ...] = (
    Fault(
        name="status",
        path="/_faults/status/{code}",
        example="/_faults/status/429?retry_after=5",
        params=(
            ("code", "HTTP status to answer, 200-599."),
            ("retry_after", "Optional, 429 and 503 only: seconds sent as the Retry-After header."),
        ),
        description='Answers with that status and a JSON body {"fault": "status", "status": code}.',
    ),
    Fault(
        name="delay",
        path="/_faults/delay",
        example="/_faults/delay?seconds=2",
        params=(("seconds", f"Wait before answering, 0 to {MAX_DELAY_SECONDS:g} (default 1)."),),
        description='Waits, then answers 200 with JSON {"fault": "delay", "seconds": …}: for read timeouts.',
    ),
    Fault(
        name="drop",
        path="/_faults/drop",
        example="/_faults/drop",
        params=(),
        description="Closes the connection (FIN) without sending any response.",
    ),
    Fault(
        name="reset",
        path="/_faults/reset",
        example="/_faults/reset",
        params=(),
        description="Resets the connection (TCP RST) without sending any response.",
    ),
    Fault(
        name="slow-body",
        path="/_faults/slow-body",
        example="/_faults/slow-body?bytes=4096&chunk=512&interval=0.5",
        params=(
            ("bytes", f"Body size, 1 to {MAX_FAULT_BYTES} (default 1024); sent as Content-Length."),
            ("chunk", "Bytes per write (default 128)."),
            ("interval", f"Seconds between writes (default 0.1); all writes within {MAX_DELAY_SECONDS:g} s."),
        ),
        description="Answers 200 at once, then streams the body a chunk at a time.",
    ),
    Fault(
        name="truncated",
        path="/_faults/truncated",
        example="/_faults/truncated?bytes=1000",
        params=(("bytes", f"Content-Length announced, 2 to {MAX_FAULT_BYTES} (default 1024)."),),
        description="Announces the Content-Length, sends half of the body, then closes the connection.",
    ),
)

_ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def filler(size: int) -> bytes:
    """``size`` bytes of readable, deterministic body text."""
    line = b"shelfscope sandbox fault body 0123456789abcdefghijklmnopqrstuvwxyz\n"
    return (line * (size // len(line) + 1))[:size]


async def status(request: Request) -> Response:
    code = int(request.path_params["code"])
    if not 200 <= code <= 599:
        raise InvalidInput(f"code must be an HTTP status between 200 and 599, got {code}", field="code")
    retry_after = optional_query_int(request, "retry_after", minimum=0, maximum=86_400)
    headers = {}
    if retry_after is not None:
        if code not in _RETRY_AFTER_STATUSES:
            raise InvalidInput("retry_after is only sent with status 429 or 503", field="retry_after")
        headers["Retry-After"] = str(retry_after)
    if code in _BODYLESS:
        return Response(status_code=code, headers=headers)
    return JSONResponse({"fault": "status", "status": code}, status_code=code, headers=headers)


async def delay(request: Request) -> Response:
    seconds = query_float(request, "seconds", default=1.0, minimum=0.0, maximum=MAX_DELAY_SECONDS)
    await asyncio.sleep(seconds)
    return JSONResponse({"fault": "delay", "seconds": seconds})


async def slow_body(request: Request) -> Response:
    size = query_int(request, "bytes", default=1024, minimum=1, maximum=MAX_FAULT_BYTES)
    chunk = query_int(request, "chunk", default=128, minimum=1, maximum=MAX_FAULT_BYTES)
    interval = query_float(request, "interval", default=0.1, minimum=0.0, maximum=MAX_DELAY_SECONDS)
    writes = -(-size // chunk)
    if (writes - 1) * interval > MAX_DELAY_SECONDS:
        raise InvalidInput(
            f"{writes} writes {interval:g} s apart exceed {MAX_DELAY_SECONDS:g} s; use bigger chunks",
            field="interval",
        )
    body = filler(size)

    async def trickle() -> AsyncIterator[bytes]:
        for offset in range(0, size, chunk):
            if offset:
                await asyncio.sleep(interval)
            yield body[offset : offset + chunk]

    headers = {"Content-Length": str(size)}
    return StreamingResponse(trickle(), media_type="text/plain; charset=utf-8", headers=headers)


def _unsupported() -> Response:
    return JSONResponse(
        {
            "error": "unsupported",
            "message": "this fault needs the sandbox's server (SandboxServer, `shelfscope sandbox serve`)",
        },
        status_code=501,
    )


async def drop(scope: Scope, receive: Receive, send: Send) -> None:
    if not close_connection(scope):
        await _unsupported()(scope, receive, send)
        return
    await wait_for_disconnect(receive)


async def reset(scope: Scope, receive: Receive, send: Send) -> None:
    if not close_connection(scope, reset=True):
        await _unsupported()(scope, receive, send)
        return
    await wait_for_disconnect(receive)


async def truncated(scope: Scope, receive: Receive, send: Send) -> None:
    size = query_int(Request(scope), "bytes", default=1024, minimum=2, maximum=MAX_FAULT_BYTES)
    if not is_tracked(scope):
        await _unsupported()(scope, receive, send)
        return
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(size).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": filler(size // 2), "more_body": True})
    close_connection(scope)
    await wait_for_disconnect(receive)


class _Raw:
    """Routes a raw ASGI callable (Starlette treats plain functions as request handlers)."""

    def __init__(self, handler: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._handler(scope, receive, send)


def fault_routes() -> list[BaseRoute]:
    """The routes of every fault in :data:`FAULTS`."""
    return [
        Route("/_faults/status/{code:int}", status, methods=_ANY_METHOD),
        Route("/_faults/delay", delay, methods=_ANY_METHOD),
        Route("/_faults/drop", _Raw(drop)),
        Route("/_faults/reset", _Raw(reset)),
        Route("/_faults/slow-body", slow_body, methods=_ANY_METHOD),
        Route("/_faults/truncated", _Raw(truncated)),
    ]
