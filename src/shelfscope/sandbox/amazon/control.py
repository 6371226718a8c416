"""The simulator's own endpoints: ``/_control`` (settings), ``/_truth`` (ground truth), ``/_served``."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shelfscope.errors import InvalidInput
from shelfscope.sandbox._http import query_int
from shelfscope.sandbox.amazon.api import ground_truth_page, product_truth, sandbox_day
from shelfscope.sandbox.amazon.catalogue import Listing
from shelfscope.sandbox.amazon.served import ServedKind
from shelfscope.sandbox.amazon.state import amazon_state
from shelfscope.sandbox.context import SandboxContext

__all__ = ["read_control", "read_served", "truth_product", "truth_search", "write_control"]

_SERVED_KINDS = frozenset(ServedKind.__args__)  # type: ignore[attr-defined]


def _context(request: Request) -> SandboxContext:
    context: SandboxContext = request.app.state.sandbox_context
    return context


def _control_body(context: SandboxContext) -> dict[str, Any]:
    state = amazon_state(context)
    return {
        "settings": state.settings.model_dump(),
        "served": state.served.counts(),
        "day": sandbox_day(context).isoformat(),
        "seed": context.seed,
    }


async def read_control(request: Request) -> Response:
    return JSONResponse(_control_body(_context(request)))


async def write_control(request: Request) -> Response:
    """Change settings: a JSON object with any settings fields, and ``"reset": true`` to forget
    sessions and the served log."""
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise InvalidInput("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    state = amazon_state(_context(request))
    reset = body.pop("reset", False)
    try:
        state.configure(**body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from None
    if reset is True:
        state.reset()
    return JSONResponse(_control_body(_context(request)))


def _day(request: Request) -> date | None:
    raw = request.query_params.get("date")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"date must be YYYY-MM-DD, got {raw!r}", field="date") from None


def _required(request: Request, name: str) -> str:
    value = request.query_params.get(name, "").strip()
    if not value:
        raise InvalidInput(f"{name} is required", field=name)
    return value


async def truth_search(request: Request) -> Response:
    """``?marketplace=US&keyword=…&page=N&date=YYYY-MM-DD``: what that search page shows."""
    truth = ground_truth_page(
        _context(request),
        _required(request, "marketplace"),
        _required(request, "keyword"),
        page=query_int(request, "page", default=1, minimum=1, maximum=400),
        day=_day(request),
    )
    return JSONResponse(truth.to_json())


def _listing_json(item: Listing) -> dict[str, Any]:
    return {
        "asin": item.asin,
        "marketplace": item.marketplace,
        "title": item.title,
        "brand": item.brand,
        "price": None if item.price is None else str(item.price),
        "list_price": None if item.list_price is None else str(item.list_price),
        "currency": item.currency,
        "rating": str(item.rating),
        "review_count": item.review_count,
        "bsr": item.bsr,
        "category": item.category,
        "availability": item.availability,
        "stock_left": item.stock_left,
    }


async def truth_product(request: Request) -> Response:
    """``?marketplace=US&asin=…&date=…``: what that product page shows."""
    day = _day(request)
    item = product_truth(
        _context(request), _required(request, "marketplace"), _required(request, "asin"), day=day
    )
    return JSONResponse({**_listing_json(item), "date": (day or sandbox_day(_context(request))).isoformat()})


async def read_served(request: Request) -> Response:
    """``?limit=N&kind=captcha``: the latest served pages and the counts per kind."""
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in _SERVED_KINDS:
        raise InvalidInput(f"kind must be one of {sorted(_SERVED_KINDS)}", field="kind")
    limit = query_int(request, "limit", default=100, minimum=0, maximum=20_000)
    return JSONResponse(amazon_state(_context(request)).served.to_json(limit=limit, kind=kind))  # type: ignore[arg-type]
