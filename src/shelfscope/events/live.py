"""One live-updates connection: forward visible events, keep it alive, re-check credentials.

Frames sent to the client (JSON text):

* ``{"type": "ready"}`` once subscribed; events published after it are delivered.
* ``{"id", "type", "workspace_id", "payload", "at"}`` per event the principal may see.
* ``{"type": "resync", "reason"}`` when events were lost: reload what the page shows.
* ``{"type": "ping"}`` every ``ping_seconds``; a client that hears nothing for a few intervals
  should reconnect with ``?after=<last id>``.

Messages from the client are read only to notice that it went away.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from shelfscope.auth.principal import Principal
from shelfscope.errors import AuthenticationRequired, NotFound, ShelfscopeError, TransientError
from shelfscope.events.types import Event, EventStream, EventType
from shelfscope.logs import get_logger

__all__ = [
    "CLOSE_RETRY_LATER",
    "CLOSE_UNAUTHENTICATED",
    "CLOSE_WORKSPACE_CHANGED",
    "LiveConnection",
    "close_reason",
    "event_frame",
    "visible_to",
]

log = get_logger(__name__)

# Close codes the dashboard script acts on.
CLOSE_UNAUTHENTICATED = 4401  # log in again; reconnecting with the same credentials is pointless
CLOSE_FORBIDDEN = 4403  # cookie from a foreign origin
CLOSE_WORKSPACE_CHANGED = 4409  # the session moved to another workspace: reconnect at once
CLOSE_RETRY_LATER = 1013  # the bus or database is unavailable: reconnect with backoff

RETRY_LATER_REASON = "live updates are unavailable; reconnect later"
_FRAME_FIELDS = {"id", "type", "workspace_id", "payload", "at"}
_SEND_ERRORS = (WebSocketDisconnect, RuntimeError, OSError)


def close_reason(text: str) -> str:
    """``text`` cut to what a close frame can carry (123 bytes of UTF-8)."""
    return text.encode()[:120].decode(errors="ignore")


def visible_to(event: Event, principal: Principal) -> bool:
    """Workspace events go to its members; user-targeted events only to that user."""
    if event.workspace_id is None or event.workspace_id != principal.workspace_id:
        return False
    return event.user_id is None or event.user_id == principal.user_id


def event_frame(event: Event) -> dict[str, Any]:
    if event.type == EventType.RESYNC:
        return {"type": EventType.RESYNC, "reason": event.payload.get("reason", "")}
    return event.model_dump(mode="json", include=_FRAME_FIELDS)


class LiveConnection:
    """Runs an accepted WebSocket until the client leaves, credentials lapse or the bus fails."""

    def __init__(
        self,
        websocket: WebSocket,
        *,
        principal: Principal,
        reauthenticate: Callable[[], Awaitable[Principal]],
        ping_seconds: float,
        reauth_seconds: float,
    ) -> None:
        self._websocket = websocket
        self._principal = principal
        self._reauthenticate = reauthenticate
        self._ping_seconds = ping_seconds
        self._reauth_seconds = reauth_seconds
        self._send_lock = anyio.Lock()

    async def run(self, stream: EventStream) -> None:
        async with anyio.create_task_group() as tasks:

            async def until_done(job: Callable[[], Awaitable[None]]) -> None:
                await job()
                tasks.cancel_scope.cancel()

            tasks.start_soon(until_done, lambda: self._forward(stream))
            tasks.start_soon(until_done, self._keep_alive)
            tasks.start_soon(until_done, self._drain_client)

    async def _send(self, frame: dict[str, Any]) -> bool:
        """Send one frame; False once the client is gone."""
        async with self._send_lock:
            try:
                await self._websocket.send_json(frame)
            except _SEND_ERRORS:
                return False
        return True

    async def close(self, code: int, reason: str) -> None:
        if self._websocket.application_state != WebSocketState.DISCONNECTED:
            async with self._send_lock:
                with contextlib.suppress(*_SEND_ERRORS):
                    await self._websocket.close(code=code, reason=close_reason(reason))

    async def fail(self, exc: Exception) -> None:
        """Close because the bus failed; the detail (hosts, ports) goes to the log, not the client."""
        log.warning("live_updates_bus_failed", error=str(exc))
        await self.close(CLOSE_RETRY_LATER, RETRY_LATER_REASON)

    async def _forward(self, stream: EventStream) -> None:
        if not await self._send({"type": "ready"}):
            return
        try:
            async for event in stream:
                wanted = event.type == EventType.RESYNC or visible_to(event, self._principal)
                if wanted and not await self._send(event_frame(event)):
                    return
        except ShelfscopeError as exc:  # the bus failed (Redis down, credentials rejected)
            await self.fail(exc)

    async def _keep_alive(self) -> None:
        checked = time.monotonic()
        while True:
            await anyio.sleep(self._ping_seconds)
            if not await self._send({"type": "ping"}):
                return
            if time.monotonic() - checked >= self._reauth_seconds:
                checked = time.monotonic()
                if not await self._still_allowed():
                    return

    async def _still_allowed(self) -> bool:
        try:
            principal = await self._reauthenticate()
        except (AuthenticationRequired, NotFound) as exc:
            await self.close(CLOSE_UNAUTHENTICATED, exc.message)
            return False
        except TransientError:
            return True  # cannot tell right now; keep serving and check again next time
        if principal.workspace_id != self._principal.workspace_id:
            await self.close(CLOSE_WORKSPACE_CHANGED, "the session switched workspace; reconnect")
            return False
        self._principal = principal
        return True

    async def _drain_client(self) -> None:
        while True:
            try:
                message = await self._websocket.receive()
            except _SEND_ERRORS:
                return
            if message["type"] == "websocket.disconnect":
                return
