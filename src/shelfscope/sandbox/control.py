"""Control endpoints: liveness and the sandbox clock, for clients outside this process."""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.context import SandboxContext

__all__ = ["control_routes"]


def _context(request: Request) -> SandboxContext:
    context: SandboxContext = request.app.state.sandbox
    return context


async def health(request: Request) -> Response:
    context = _context(request)
    return JSONResponse(
        {"status": "ok", "simulators": len(request.app.state.simulators), "clock": context.clock.describe()}
    )


async def read_clock(request: Request) -> Response:
    return JSONResponse(_context(request).clock.describe())


def _number(body: dict[str, Any], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{name} must be a number", field=name)
    return float(value)


async def move_clock(request: Request) -> Response:
    """Advance and/or re-speed the clock: ``{"advance_seconds": n, "speed": x}``."""
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise InvalidInput("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    clock = _context(request).clock
    advance, speed = _number(body, "advance_seconds"), _number(body, "speed")
    if advance is not None and advance < 0:
        raise InvalidInput("the sandbox clock only moves forward", field="advance_seconds")
    if speed is not None:
        clock.set_speed(speed)
    if advance is not None:
        clock.advance(advance)
    return JSONResponse(clock.describe())


def control_routes() -> list[BaseRoute]:
    return [
        Route("/_health", health),
        Route("/_clock", read_clock, methods=["GET"]),
        Route("/_clock", move_clock, methods=["POST"]),
    ]
