"""Sandbox-only endpoints of the SP-API simulator: knobs, ground truth, document downloads.

``/spapi/_control`` reads and changes the knobs (:mod:`~.knobs`) and resets the rate limits;
``/spapi/_truth`` is :func:`~.truth.ground_truth` as JSON; ``/spapi/s3/…`` serves report
documents from presigned URLs, without auth headers, as S3 does.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.spapi.document_store import DownloadRefused
from shelfscope.sandbox.spapi.timefmt import parse_time
from shelfscope.sandbox.spapi.truth import ground_truth
from shelfscope.sandbox.spapi.world import REGIONS, SpapiWorld

__all__ = ["control_routes"]


def _world(request: Request) -> SpapiWorld:
    world: SpapiWorld = request.app.state.spapi_world
    return world


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise InvalidInput("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    return body


def _describe(world: SpapiWorld) -> dict[str, Any]:
    return {
        "knobs": world.knobs.as_json(),
        "selling_partner_id": world.seller.selling_partner_id,
        "store_name": world.seller.store_name,
        "anchor": world.anchor.isoformat(),
    }


async def read_control(request: Request) -> Response:
    return JSONResponse(_describe(_world(request)))


async def change_control(request: Request) -> Response:
    """Change knobs: ``{"fatal_rate": 0.2, "force_outcomes": ["CANCELLED"], …}``."""
    world = _world(request)
    world.knobs.update(await _json_object(request))
    return JSONResponse(_describe(world))


async def reset_rate_limits(request: Request) -> Response:
    _world(request).limiter.reset()
    return JSONResponse({"rate_limits": "reset"})


def _moment(request: Request, name: str) -> datetime | None:
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise InvalidInput(f"{name} must be an ISO 8601 date-time", field=name) from None


async def read_truth(request: Request) -> Response:
    """``?region=NA&start=…&end=…&as_of=…``: rows per kind and planted cases."""
    region = request.query_params.get("region", "NA").upper()
    if region not in REGIONS:
        raise InvalidInput(f"region must be one of {', '.join(REGIONS)}", field="region")
    truth = ground_truth(
        _world(request),
        region=region,
        start=_moment(request, "start"),
        end=_moment(request, "end"),
        as_of=_moment(request, "as_of"),
    )
    return JSONResponse(truth.as_json())


async def download(request: Request) -> Response:
    world = _world(request)
    try:
        document, gzip_header = world.documents.open(
            request.path_params["key"], dict(request.query_params), now=world.now()
        )
    except DownloadRefused as refused:
        return Response(
            refused.xml,
            status_code=refused.status,
            media_type="application/xml",
            headers={"Server": "AmazonS3"},
        )
    headers = {"Server": "AmazonS3", "x-amz-server-side-encryption": "AES256"}
    if gzip_header:
        headers["Content-Encoding"] = "gzip"
    return Response(document.body, media_type=document.charset.content_type, headers=headers)


def control_routes() -> list[Route]:
    return [
        Route("/_control", read_control, methods=["GET"]),
        Route("/_control", change_control, methods=["POST"]),
        Route("/_control/reset-rate-limits", reset_rate_limits, methods=["POST"]),
        Route("/_truth", read_truth, methods=["GET"]),
        Route("/s3/{key:path}", download, methods=["GET"]),
    ]
