"""The dashboard session cookie: HttpOnly, SameSite=Lax, Secure when configured."""

from __future__ import annotations

from datetime import datetime

from starlette.responses import Response

from shelfscope.settings import AuthSettings

__all__ = ["CSRF_FORM_FIELD", "CSRF_HEADER", "SESSION_COOKIE", "clear_session_cookie", "set_session_cookie"]

SESSION_COOKIE = "shelfscope_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"


def set_session_cookie(
    response: Response, *, token: str, settings: AuthSettings, expires_at: datetime | None = None
) -> None:
    """Set the cookie with a relative lifetime (Max-Age), so server and browser clocks need not agree.

    ``expires_at`` (the session row's expiry) is accepted for callers that have it at hand; the
    browser is told the lifetime of ``settings.session_days`` and the server checks the row.
    """
    del expires_at
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86_400,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )


def clear_session_cookie(response: Response, *, settings: AuthSettings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=settings.cookie_secure, path="/"
    )
