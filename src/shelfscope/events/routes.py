"""The live-updates WebSocket, ``/api/v1/ws``: the principal's workspace events as JSON frames.

Query parameters: ``after`` (last event id the client saw: retained later events are replayed
first) and ``token`` (access token or API key, when no session cookie is sent). Close codes:
4401 unauthenticated, 4403 foreign origin, 4409 workspace switched, 1013 try again later.
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket
from starlette.concurrency import run_in_threadpool

from shelfscope.auth.principal import Principal
from shelfscope.errors import AuthenticationRequired, NotFound, PermissionDenied, ShelfscopeError
from shelfscope.events import ws_auth
from shelfscope.events.live import (
    CLOSE_FORBIDDEN,
    CLOSE_RETRY_LATER,
    CLOSE_UNAUTHENTICATED,
    RETRY_LATER_REASON,
    LiveConnection,
    close_reason,
)
from shelfscope.logs import get_logger
from shelfscope.platform import Platform

__all__ = ["router"]

router = APIRouter(tags=["live updates"])
log = get_logger(__name__)

MAX_AFTER_LENGTH = 64

_CLOSE_CODES: tuple[tuple[type[ShelfscopeError], int], ...] = (
    (AuthenticationRequired, CLOSE_UNAUTHENTICATED),
    (NotFound, CLOSE_UNAUTHENTICATED),
    (PermissionDenied, CLOSE_FORBIDDEN),
    (ShelfscopeError, CLOSE_RETRY_LATER),
)


def _close_code(exc: ShelfscopeError) -> int:
    return next(code for error_type, code in _CLOSE_CODES if isinstance(exc, error_type))


@router.websocket("/ws")
async def live_updates(websocket: WebSocket) -> None:
    platform: Platform = websocket.app.state.platform
    # Accept first: a handshake refused before accepting reaches browsers as a bare 1006, while a
    # close frame after accepting tells the dashboard *why* (4401: go to the login page).
    await websocket.accept()
    try:
        credentials = ws_auth.credentials_of(websocket, platform)
        principal = await run_in_threadpool(ws_auth.authenticate, platform, credentials)
    except ShelfscopeError as exc:
        code = _close_code(exc)
        if code == CLOSE_RETRY_LATER:  # the database is down: details belong in the log
            log.warning("live_updates_auth_failed", error=str(exc))
        reason = RETRY_LATER_REASON if code == CLOSE_RETRY_LATER else exc.message
        await websocket.close(code=code, reason=close_reason(reason))
        return

    async def reauthenticate() -> Principal:
        return await run_in_threadpool(ws_auth.authenticate, platform, credentials)

    connection = LiveConnection(
        websocket,
        principal=principal,
        reauthenticate=reauthenticate,
        ping_seconds=platform.settings.events.ping_seconds,
        reauth_seconds=platform.settings.events.reauth_seconds,
    )
    after = (websocket.query_params.get("after") or "")[:MAX_AFTER_LENGTH] or None
    try:
        async with platform.bus.subscribe(after=after) as stream:
            await connection.run(stream)
    except ShelfscopeError as exc:
        await connection.fail(exc)
        return
    await connection.close(1000, "bye")
