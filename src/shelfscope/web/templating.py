"""Jinja2 environment of the dashboard and the two ways a page handler answers: render or redirect.

Templates live in ``web/templates`` (features use ``web/templates/<feature>/``). Every page gets
``web`` (the :class:`~shelfscope.web.context.WebContext`, or None on public pages), ``nav``,
``flashes``, ``csrf_token`` and the helpers ``icon``, ``static_url`` and the time filters.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from shelfscope import __version__
from shelfscope.platform import Platform
from shelfscope.web.context import WebContext
from shelfscope.web.flash import carry_flashes, clear_flash_cookie, take_flashes
from shelfscope.web.icons import icon
from shelfscope.web.nav import active_section, nav_sections

__all__ = ["STATIC_DIR", "TEMPLATE_DIR", "environment", "redirect", "render", "safe_next"]

WEB_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

NO_VALUE = "\u2013"  # an en dash, what tables show for "nothing here"

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
}


@cache
def static_version(path: str) -> str:
    """A content hash for cache busting; files are package data and never change while running."""
    file = (STATIC_DIR / path).resolve()
    if not file.is_relative_to(STATIC_DIR) or not file.is_file():
        return __version__
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    return f"/static/{path}?v={static_version(path)}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@pass_context
def localtime(context: Context, value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time in the workspace's time zone."""
    if value is None:
        return NO_VALUE
    return value.astimezone(_zone(context.get("timezone", "UTC"))).strftime(fmt)


@pass_context
def ago(context: Context, value: datetime | None) -> str:
    """``5 min ago``-style age relative to the platform clock."""
    if value is None:
        return "never"
    now: datetime = context["now"]
    seconds = int((now - value).total_seconds())
    if seconds < 0:
        return f"in {_span(-seconds)}"
    if seconds < 45:
        return "just now"
    return f"{_span(seconds)} ago"


def _span(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def duration(start: datetime | None, end: datetime | None) -> str:
    """Elapsed time between two instants, ``1 h 4 min`` / ``12 s``; a dash when either is missing."""
    if start is None or end is None:
        return NO_VALUE
    seconds = max(0, int((end - start).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 10:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def percent(done: int | None, total: int | None) -> int | None:
    if not total:
        return None
    return max(0, min(100, round(100 * (done or 0) / total)))


def _build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(localtime=localtime, ago=ago)
    env.globals.update(
        icon=icon, static_url=static_url, duration=duration, percent=percent, version=__version__
    )
    return env


environment = _build_environment()


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go to after login; anything pointing off-site falls back to ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def render(
    request: Request,
    template: str,
    *,
    web: WebContext | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with the shell's context; shows (and clears) pending flash messages."""
    platform: Platform = request.app.state.platform
    flashes = take_flashes(request, secret=platform.settings.secret_key_value())
    path = request.url.path
    values: dict[str, Any] = {
        "request": request,
        "web": web,
        "nav": nav_sections(role=web.role) if web else [],
        "active": active_section(path),
        "path": path,
        "csrf_token": web.csrf_token if web else context.pop("csrf_token", ""),
        "flashes": flashes,
        "now": platform.clock.now(),
        "timezone": web.timezone if web else "UTC",
        **context,
    }
    html = environment.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    clear_flash_cookie(request, response)
    return response


def redirect(request: Request, url: str) -> RedirectResponse:
    """A 303 to ``url`` (post → redirect → get) carrying queued flash messages."""
    platform: Platform = request.app.state.platform
    response = RedirectResponse(url, status_code=303)
    carry_flashes(request, response, secret=platform.settings.secret_key_value())
    return response
