"""Liveness (``/healthz``), readiness (``/readyz``) and Prometheus metrics (``/metrics``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from shelfscope import __version__
from shelfscope.platform import Platform

__all__ = ["router"]

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_SECONDS = 3.0


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


def _check_database(platform: Platform) -> None:
    with platform.db.engine.connect() as conn:
        conn.execute(text("select 1"))


async def _timed_check(check: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
            await anyio.to_thread.run_sync(check, abandon_on_cancel=True)
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {CHECK_TIMEOUT_SECONDS:.0f}s"}
    except Exception as exc:
        reason = getattr(exc, "message", None) or f"{exc.__class__.__name__}: {exc}"
        return {"ok": False, "error": str(reason).splitlines()[0][:300]}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


@router.get("/readyz", summary="Database, queue and event bus are reachable")
async def readyz(request: Request) -> JSONResponse:
    platform: Platform = request.app.state.platform
    checks = {
        "database": await _timed_check(lambda: _check_database(platform)),
        "queue": await _timed_check(platform.queue.ping),
        "bus": await _timed_check(platform.bus.ping),
    }
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
