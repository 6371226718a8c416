"""Secrets shown exactly once (a new API key, an invitation link) across a post → redirect → get.

The form handler encrypts the secret with the platform vault into a short-lived HttpOnly cookie
and redirects; the next page shows it and clears the cookie. Reloading that page, or the back
button, never shows it again and never re-submits the form (which would create a second key).
The cookie is bound to the page it is meant for, so another page does not swallow it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from shelfscope.errors import ShelfscopeError
from shelfscope.platform import Platform

__all__ = ["REVEAL_COOKIE", "Revealed", "clear_reveal", "reveal_once", "take_reveal"]

REVEAL_COOKIE = "shelfscope_reveal"
MAX_AGE_SECONDS = 120


@dataclass(frozen=True, slots=True)
class Revealed:
    kind: str
    value: str


def reveal_once(response: Response, platform: Platform, *, path: str, kind: str, value: str) -> None:
    """Hand ``value`` to the next render of ``path`` (and only that)."""
    sealed = platform.vault.encrypt(json.dumps({"path": path, "kind": kind, "value": value}))
    response.set_cookie(
        REVEAL_COOKIE,
        sealed,
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=platform.settings.auth.cookie_secure,
        path=path,
    )


def take_reveal(request: Request, platform: Platform, *, kind: str) -> Revealed | None:
    """The secret waiting for this page, if any; the caller must :func:`clear_reveal` the response."""
    sealed = request.cookies.get(REVEAL_COOKIE)
    if not sealed:
        return None
    try:
        content = json.loads(platform.vault.decrypt(sealed))
    except (ShelfscopeError, ValueError):
        return None
    if (
        not isinstance(content, dict)
        or content.get("path") != request.url.path
        or content.get("kind") != kind
    ):
        return None
    return Revealed(kind=kind, value=str(content.get("value", "")))


def clear_reveal(request: Request, response: Response) -> None:
    if REVEAL_COOKIE in request.cookies:
        response.delete_cookie(REVEAL_COOKIE, path=request.url.path)
