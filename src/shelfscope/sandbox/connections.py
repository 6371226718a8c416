"""Reach the TCP connection behind an ASGI request, so faults can drop or reset it.

ASGI gives an application no way to close a connection without answering: a server answers
500 for an app that returns without a response. Real upstreams do hang up and reset, and the
fetch engine must survive both, so the sandbox serves HTTP through :func:`tracking_protocol`,
which records every open transport under the (server, client) address pair that ASGI puts in
``scope["server"]`` and ``scope["client"]``.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from typing import Any

from starlette.types import Receive, Scope
from uvicorn.protocols.http.auto import AutoHTTPProtocol
from uvicorn.protocols.utils import get_local_addr, get_remote_addr

__all__ = ["close_connection", "is_tracked", "tracking_protocol", "wait_for_disconnect"]

_Key = tuple[tuple[str, int | None] | None, tuple[str, int] | None]

_DISCONNECT_WAIT_SECONDS = 5.0
_lock = threading.Lock()
_transports: dict[_Key, asyncio.Transport] = {}


def _key(transport: asyncio.Transport) -> _Key:
    return (get_local_addr(transport), get_remote_addr(transport))


def tracking_protocol(base: type[asyncio.Protocol] = AutoHTTPProtocol) -> type[asyncio.Protocol]:
    """``base`` (uvicorn's HTTP protocol) that also records its transport while connected."""

    def connection_made(self: Any, transport: asyncio.Transport) -> None:
        base.connection_made(self, transport)
        self._sandbox_key = _key(transport)
        with _lock:
            _transports[self._sandbox_key] = transport

    def connection_lost(self: Any, exc: Exception | None) -> None:
        with _lock:
            _transports.pop(getattr(self, "_sandbox_key", None), None)  # type: ignore[arg-type]
        base.connection_lost(self, exc)

    namespace = {"connection_made": connection_made, "connection_lost": connection_lost}
    return type(f"Tracking{base.__name__}", (base,), namespace)


def _scope_key(scope: Scope) -> _Key:
    server, client = scope.get("server"), scope.get("client")
    return (
        (str(server[0]), None if server[1] is None else int(server[1])) if server else None,
        (str(client[0]), int(client[1])) if client else None,
    )


def _transport(scope: Scope) -> asyncio.Transport | None:
    with _lock:
        transport = _transports.get(_scope_key(scope))
    return None if transport is None or transport.is_closing() else transport


def is_tracked(scope: Scope) -> bool:
    """True when :func:`close_connection` can reach this request's connection."""
    return _transport(scope) is not None


def close_connection(scope: Scope, *, reset: bool = False) -> bool:
    """Close the request's connection now, with a FIN (``reset=False``) or a TCP RST.

    Anything already written is flushed first on a FIN and discarded on a reset. Returns False
    when the connection is not tracked (the app runs under another server or a test client).
    """
    transport = _transport(scope)
    if transport is None:
        return False
    if reset:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger on with a zero timeout makes close() send RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    return True


async def wait_for_disconnect(receive: Receive) -> None:
    """Wait until the server reports the closed connection, so it does not answer for us."""
    try:
        async with asyncio.timeout(_DISCONNECT_WAIT_SECONDS):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:  # pragma: no cover - a server that never reports the disconnect
        return
