"""Who is on the other end of a live-updates WebSocket.

Browsers send the dashboard session cookie with the handshake; scripts and other clients pass
``?token=`` (JWT access token or API key) or an ``Authorization: Bearer`` header, because a
browser's WebSocket API cannot set headers. A cookie is sent by the browser whatever page opens
the socket, so cookie-authenticated handshakes must come from our own origin (cross-site
WebSocket hijacking); tokens are not ambient and need no such check.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.websockets import WebSocket

from shelfscope.auth.authenticate import authenticate_bearer
from shelfscope.auth.cookies import SESSION_COOKIE
from shelfscope.auth.principal import Principal
from shelfscope.auth.web_sessions import resolve_web_session
from shelfscope.errors import AuthenticationRequired, PermissionDenied
from shelfscope.platform import Platform

__all__ = ["Credentials", "authenticate", "credentials_of"]

MAX_CREDENTIAL_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the handshake presented, kept so the connection can re-check it later."""

    bearer: str | None
    cookie: str | None
    ip: str | None


def _origin_allowed(websocket: WebSocket, platform: Platform) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:  # not a browser: nothing ambient was sent on someone else's behalf
        return True
    origin_host = urlsplit(origin).netloc.lower()
    allowed = {websocket.headers.get("host", "").lower()}
    if platform.settings.web.public_url:
        allowed.add(urlsplit(platform.settings.web.public_url).netloc.lower())
    return origin_host in allowed


def credentials_of(websocket: WebSocket, platform: Platform) -> Credentials:
    """Read the credentials of the handshake; refuse a cookie sent from a foreign page."""
    bearer = websocket.query_params.get("token")
    header = websocket.headers.get("authorization", "")
    if not bearer and header.lower().startswith("bearer "):
        bearer = header[7:].strip()
    if bearer and len(bearer) > MAX_CREDENTIAL_LENGTH:
        raise AuthenticationRequired("the token is too long")
    ip = websocket.client.host if websocket.client else None
    if bearer:
        return Credentials(bearer=bearer, cookie=None, ip=ip)
    cookie = websocket.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthenticationRequired("log in, or pass ?token=<access token or API key>")
    if not _origin_allowed(websocket, platform):
        raise PermissionDenied("live updates with a session cookie must come from the dashboard's own origin")
    return Credentials(bearer=None, cookie=cookie, ip=ip)


def authenticate(platform: Platform, credentials: Credentials) -> Principal:
    """Resolve ``credentials`` into a principal now (blocking: call it from a worker thread)."""
    now = platform.clock.now()
    with platform.db.session() as session:
        if credentials.bearer is not None:
            return authenticate_bearer(
                session, credential=credentials.bearer, settings=platform.settings, now=now, ip=credentials.ip
            )
        assert credentials.cookie is not None
        _, principal = resolve_web_session(session, token=credentials.cookie, now=now, ip=credentials.ip)
        return principal
