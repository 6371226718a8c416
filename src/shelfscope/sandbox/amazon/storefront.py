"""The storefront pages over HTTP: search, product, home, the CAPTCHA round trip and ad redirects.

Every page request passes the bot guard first (:mod:`.bot`), is recorded in the served log and
answers like Amazon: ``session-id``/``i18n-prefs`` cookies on a new session, ``Server: Server``,
an ``x-amz-rid``, and a gzip body when the client accepts it. A page reached by a real host name
(``Host: www.amazon.de``) links and sets cookies like the real site; one reached through the
sandbox path (``/amazon/de/…``) links within that path.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from shelfscope.errors import NotFound
from shelfscope.marketplaces import AmazonMarketplace, amazon_marketplace
from shelfscope.sandbox.amazon.api import sandbox_day
from shelfscope.sandbox.amazon.bot import Verdict
from shelfscope.sandbox.amazon.catalogue import listing, normalise_keyword
from shelfscope.sandbox.amazon.chrome import request_id
from shelfscope.sandbox.amazon.render_pages import (
    render_captcha,
    render_error_page,
    render_home,
    render_product_page,
)
from shelfscope.sandbox.amazon.render_serp import render_search_page
from shelfscope.sandbox.amazon.served import ServedKind, ServedPage
from shelfscope.sandbox.amazon.state import AmazonState, amazon_state
from shelfscope.sandbox.amazon.truth import planned_page
from shelfscope.sandbox.context import SandboxContext

__all__ = ["captcha_solve", "home", "product", "search", "sponsored_click"]

_MAX_PAGE = 400
_ASIN_LENGTH = 10
_COOKIE_YEARS = 20
_TRUE = {"1", "true", "yes"}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Visit:
    """One storefront request: where it came from and what it is for."""

    request: Request
    context: SandboxContext
    state: AmazonState
    market: AmazonMarketplace
    root: str
    host_routed: bool
    fingerprint: str
    client: str

    @property
    def day(self) -> date:
        return sandbox_day(self.context)


def _visit(request: Request) -> _Visit:
    code = request.path_params["code"]
    if code != code.lower():
        raise NotFound(f"no storefront at /{code}")
    try:
        market = amazon_marketplace(code)
    except Exception as exc:
        raise NotFound(f"no Amazon storefront {code!r}") from exc
    context: SandboxContext = request.app.state.sandbox_context
    host = request.headers.get("host", "").rsplit(":", 1)[0].lower().removeprefix("www.")
    host_routed = host == market.domain
    mount = request.scope.get("root_path", "")
    client = request.client.host if request.client else "unknown"
    return _Visit(
        request=request,
        context=context,
        state=amazon_state(context),
        market=market,
        root="" if host_routed else f"{mount}/{code}",
        host_routed=host_routed,
        fingerprint=f"{client}|{request.headers.get('user-agent', '')}",
        client=client,
    )


def _session_cookies(visit: _Visit, session_id: str) -> list[str]:
    """The cookies Amazon sets on a new session (Domain only when reached by its real host)."""
    domain = f"; Domain=.{visit.market.domain}" if visit.host_routed else ""
    expires = formatdate(time.time() + _COOKIE_YEARS * 365 * 86400, usegmt=True)
    suffix = f"; Path=/{domain}; Expires={expires}"
    return [
        f"session-id={session_id}{suffix}",
        f"session-id-time=2082787201l{suffix}",
        f"i18n-prefs={visit.market.currency}{suffix}",
        f"lc-main={visit.market.locale}{suffix}",
        f"ubid-main={session_id.replace('-', '')[::-1][:3]}-{session_id[4:11]}-{session_id[12:]}{suffix}",
    ]


def _wants_gzip(visit: _Visit) -> bool:
    return "gzip" in visit.request.headers.get("accept-encoding", "")


def _cached(
    visit: _Visit, key: tuple[object, ...], render: Callable[[], bytes]
) -> tuple[bytes, bytes | None]:
    """The page body (rendered once per key) and its gzip form when the client accepts gzip."""
    body = visit.state.pages.get(key)
    if body is None:
        body = render()
        visit.state.pages.put(key, body)
    if not _wants_gzip(visit):
        return body, None
    compressed = visit.state.pages.get((*key, "gzip"))
    if compressed is None:
        compressed = gzip.compress(body, compresslevel=5)
        visit.state.pages.put((*key, "gzip"), compressed)
    return body, compressed


def _html(
    visit: _Visit,
    body: bytes,
    *,
    status: int,
    verdict: Verdict | None,
    rid: str,
    compressed: bytes | None = None,
) -> Response:
    headers = {
        "Server": "Server",
        "x-amz-rid": rid,
        "Vary": "Content-Type,Accept-Encoding,User-Agent",
        "Content-Language": visit.market.locale.replace("_", "-"),
        "Cache-Control": "no-cache",
        "X-Frame-Options": "SAMEORIGIN",
    }
    if compressed is None and _wants_gzip(visit):
        compressed = gzip.compress(body, compresslevel=5)
    if compressed is not None:
        body = compressed
        headers["Content-Encoding"] = "gzip"
    response = Response(body, status_code=status, headers=headers, media_type="text/html;charset=UTF-8")
    if verdict is not None and verdict.new_session and verdict.session_id:
        for cookie in _session_cookies(visit, verdict.session_id):
            response.headers.append("Set-Cookie", cookie)
    return response


def _record(visit: _Visit, kind: ServedKind, status: int, verdict: Verdict | None, **details: object) -> None:
    visit.state.served.record(
        ServedPage(
            at=visit.context.clock.now(),
            marketplace=visit.market.code,
            kind=kind,
            status=status,
            path=visit.request.url.path + (f"?{visit.request.url.query}" if visit.request.url.query else ""),
            client=visit.client,
            session_id=None if verdict is None else verdict.session_id,
            reason=None if verdict is None else verdict.reason,
            slow_seconds=0.0 if verdict is None else verdict.slow_seconds,
            **details,  # type: ignore[arg-type]
        )
    )


async def _guarded(visit: _Visit) -> tuple[Verdict, Response | None]:
    """Run the bot guard; a CAPTCHA or 503 response when the visitor does not get the page."""
    verdict = visit.state.guard.decide(
        settings=visit.state.settings,
        now=visit.context.clock.now(),
        session_id=visit.request.cookies.get("session-id"),
        fingerprint=visit.fingerprint,
    )
    if verdict.action == "captcha":
        challenge = visit.state.guard.challenge(session_id=verdict.session_id, fingerprint=visit.fingerprint)
        return_to = visit.request.url.path.removeprefix(visit.root) or "/"
        if visit.request.url.query:
            return_to += f"?{visit.request.url.query}"
        body = render_captcha(
            market=visit.market,
            root=visit.root,
            amzn=challenge.token,
            return_to=return_to,
            characters=challenge.characters,
            style=visit.state.settings.captcha_style,
        )
        _record(visit, "captcha", 200, verdict, bytes=len(body))
        return verdict, _html(
            visit, body, status=200, verdict=verdict, rid=request_id("captcha", challenge.token)
        )
    if verdict.action == "unavailable":
        rid = request_id("503", visit.state.served.counts().get("service_unavailable", 0), visit.market.code)
        body = render_error_page(market=visit.market, root=visit.root, status=503, rid=rid)
        _record(visit, "service_unavailable", 503, verdict, bytes=len(body))
        return verdict, _html(visit, body, status=503, verdict=verdict, rid=rid)
    if verdict.slow_seconds:
        await anyio.sleep(verdict.slow_seconds)
    return verdict, None


def _big(visit: _Visit) -> bool:
    return visit.request.query_params.get("big", "").lower() in _TRUE or visit.state.settings.big_pages


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(int(raw), _MAX_PAGE) if raw.isdigit() and int(raw) >= 1 else 1


async def search(request: Request) -> Response:
    """``/s?k=…&page=N``: a search result page (``field-keywords`` is accepted for ``k`` too)."""
    visit = _visit(request)
    query = request.query_params.get("k") or request.query_params.get("field-keywords") or ""
    if not normalise_keyword(query):
        return await home(request)
    verdict, blocked = await _guarded(visit)
    if blocked is not None:
        return blocked
    state, day, page, big = visit.state, visit.day, _page_number(request), _big(visit)
    corrections = state.settings.corrections
    plan = planned_page(state.seed, visit.market, query, page, day, corrections=corrections)
    key = (
        "search",
        visit.market.code,
        plan.query,
        page,
        day,
        visit.root,
        big,
        tuple(sorted(corrections.items())),
    )

    def draw() -> bytes:
        return render_search_page(seed=state.seed, market=visit.market, plan=plan, root=visit.root, big=big)

    body, compressed = _cached(visit, key, draw)
    _record(visit, "search", 200, verdict, keyword=plan.keyword, page=page, day=day, bytes=len(body))
    rid = request_id("search", state.seed, visit.market.code, plan.keyword, page, day.isoformat())
    return _html(visit, body, status=200, verdict=verdict, rid=rid, compressed=compressed)


async def product(request: Request) -> Response:
    """``/dp/{asin}`` (with or without a title slug and ref): the product detail page."""
    visit = _visit(request)
    asin = request.path_params["asin"].upper()
    verdict, blocked = await _guarded(visit)
    if blocked is not None:
        return blocked
    if len(asin) != _ASIN_LENGTH or not asin.isalnum():
        rid = request_id("404", asin)
        missing = render_error_page(market=visit.market, root=visit.root, status=404, rid=rid)
        _record(visit, "not_found", 404, verdict, asin=asin, bytes=len(missing))
        return _html(visit, missing, status=404, verdict=verdict, rid=rid)
    state, day, big = visit.state, visit.day, _big(visit)
    keyword = request.query_params.get("keywords")
    key = ("product", visit.market.code, asin, keyword, day, visit.root, big)

    def draw() -> bytes:
        item = listing(state.seed, visit.market, asin, day, keyword=keyword)
        return render_product_page(market=visit.market, item=item, day=day, root=visit.root, big=big)

    body, compressed = _cached(visit, key, draw)
    _record(visit, "product", 200, verdict, asin=asin, day=day, bytes=len(body))
    rid = request_id("product", asin, day.isoformat())
    return _html(visit, body, status=200, verdict=verdict, rid=rid, compressed=compressed)


async def home(request: Request) -> Response:
    """The storefront's home page; where a browser session starts and gets its cookies."""
    visit = _visit(request)
    verdict, blocked = await _guarded(visit)
    if blocked is not None:
        return blocked
    body = render_home(market=visit.market, root=visit.root)
    _record(visit, "home", 200, verdict, bytes=len(body))
    return _html(visit, body, status=200, verdict=verdict, rid=request_id("home", visit.market.code))


async def captcha_solve(request: Request) -> Response:
    """``/errors/validateCaptcha``: the right characters lift the block and return to ``amzn-r``."""
    visit = _visit(request)
    params = request.query_params
    solved = visit.state.guard.solve(token=params.get("amzn", ""), answer=params.get("field-keywords", ""))
    if solved is None:
        verdict = Verdict(
            action="captcha",
            session_id=request.cookies.get("session-id"),
            new_session=False,
            reason="unsolved",
        )
        challenge = visit.state.guard.challenge(session_id=verdict.session_id, fingerprint=visit.fingerprint)
        body = render_captcha(
            market=visit.market, root=visit.root, amzn=challenge.token, return_to=params.get("amzn-r", "/"),
            characters=challenge.characters, style=visit.state.settings.captcha_style,
        )  # fmt: skip
        _record(visit, "captcha", 200, verdict, bytes=len(body))
        return _html(visit, body, status=200, verdict=None, rid=request_id("captcha", challenge.token))
    target = _local_path(params.get("amzn-r", "/"))
    _record(visit, "captcha_solved", 302, None)
    return RedirectResponse(visit.root + target, status_code=302, headers={"Server": "Server"})


async def sponsored_click(request: Request) -> Response:
    """``/sspa/click?…&url=…``: an ad click, redirected to the product like the real one."""
    visit = _visit(request)
    target = _local_path(unquote(request.query_params.get("url", "/")))
    _record(visit, "redirect", 302, None)
    return RedirectResponse(visit.root + target, status_code=302, headers={"Server": "Server"})


def _local_path(target: str) -> str:
    """Only a path on this storefront (never another host) may be redirected to."""
    parts = urlsplit(target)
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return path + (f"?{parts.query}" if parts.query else "")
