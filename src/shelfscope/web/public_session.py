"""CSRF and session lookup for pages that are open to signed-out visitors (login, invitations).

Signed-in pages get both from the API dependencies. Before login there is no session to hold a
CSRF token, so these forms use a double-submit cookie: a random value in an HttpOnly
``SameSite=Strict`` cookie that the form must echo. A cross-site page can neither read the
cookie nor make the browser send it, so it cannot forge a login or an invitation acceptance.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from shelfscope.auth._secrets import constant_time_equal
from shelfscope.auth.cookies import SESSION_COOKIE
from shelfscope.auth.models import WebSession
from shelfscope.auth.principal import Principal
from shelfscope.auth.web_sessions import resolve_web_session
from shelfscope.errors import AuthenticationRequired, PermissionDenied
from shelfscope.platform import Platform

__all__ = [
    "PUBLIC_CSRF_COOKIE",
    "check_public_csrf",
    "optional_web_session",
    "public_csrf_token",
    "set_public_csrf_cookie",
]

PUBLIC_CSRF_COOKIE = "shelfscope_form_csrf"
_MIN_TOKEN_LENGTH = 32


def public_csrf_token(request: Request) -> str:
    """The browser's current double-submit token, or a fresh one to set with the response."""
    existing = request.cookies.get(PUBLIC_CSRF_COOKIE, "")
    return existing if len(existing) >= _MIN_TOKEN_LENGTH else secrets.token_urlsafe(32)


def set_public_csrf_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(
        PUBLIC_CSRF_COOKIE,
        token,
        max_age=12 * 3600,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
    )


def check_public_csrf(request: Request, submitted: str | None) -> None:
    """Raise PermissionDenied unless the form echoes the cookie's token."""
    cookie = request.cookies.get(PUBLIC_CSRF_COOKIE, "")
    if len(cookie) < _MIN_TOKEN_LENGTH or not submitted or not constant_time_equal(cookie, submitted):
        raise PermissionDenied(
            "the form expired or did not come from this site (missing CSRF token); "
            "reload the page and try again"
        )


def optional_web_session(
    request: Request, session: Session, platform: Platform
) -> tuple[WebSession, Principal] | None:
    """The visitor's live dashboard session, or None when signed out (an ended session counts as none)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return resolve_web_session(session, token=token, now=platform.clock.now())
    except AuthenticationRequired:
        return None
