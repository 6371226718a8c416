"""One-shot messages that survive a redirect (post → redirect → get), in a signed cookie.

Handlers call :func:`flash`; the message is shown by the page this response renders, or, when
the response is a redirect, carried in the cookie to the next page, which clears it. The cookie
is signed so a client cannot make the dashboard display arbitrary messages.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "FLASH_COOKIE",
    "Flash",
    "Level",
    "carry_flashes",
    "clear_flash_cookie",
    "flash",
    "take_flashes",
]

FLASH_COOKIE = "shelfscope_flash"
MAX_MESSAGES = 5
MAX_TEXT = 500

Level = Literal["success", "info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Flash:
    level: str
    text: str


def flash(request: Request, level: Level, text: str) -> None:
    """Queue a message for the page this request ends on."""
    request.state.flashes = [*_pending(request), Flash(level=level, text=text[:MAX_TEXT])]


def take_flashes(request: Request, *, secret: str) -> list[Flash]:
    """Messages to show now: carried over by the cookie plus queued by this request.

    The page that shows them must call :func:`clear_flash_cookie` on its response.
    """
    value = request.cookies.get(FLASH_COOKIE)
    carried = _decode(secret, value) if value else []
    return [*carried, *_pending(request)][-MAX_MESSAGES:]


def clear_flash_cookie(request: Request, response: Response) -> None:
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")


def carry_flashes(request: Request, response: Response, *, secret: str) -> None:
    """On a redirect: store queued (and still unshown) messages in the cookie for the next page."""
    value = request.cookies.get(FLASH_COOKIE)
    messages = [*(_decode(secret, value) if value else []), *_pending(request)]
    if messages:
        response.set_cookie(
            FLASH_COOKIE, _encode(secret, messages), max_age=120, httponly=True, samesite="lax", path="/"
        )


def _pending(request: Request) -> list[Flash]:
    return list(getattr(request.state, "flashes", []))


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), b"flash:" + payload, hashlib.sha256).hexdigest()[:32]


def _encode(secret: str, flashes: list[Flash]) -> str:
    payload = json.dumps([[f.level, f.text] for f in flashes[-MAX_MESSAGES:]]).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(secret, payload)}"


def _decode(secret: str, value: str) -> list[Flash]:
    body, _, signature = value.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        items = json.loads(payload)
    except ValueError:
        return []
    if not hmac.compare_digest(signature, _sign(secret, payload)) or not isinstance(items, list):
        return []
    return [
        Flash(level=str(item[0]), text=str(item[1])[:MAX_TEXT])
        for item in items
        if isinstance(item, list) and len(item) == 2
    ]
