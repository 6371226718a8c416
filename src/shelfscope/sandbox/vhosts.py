"""Serve real host names from sandbox paths.

A client that keeps real URLs (``http://www.amazon.de/s?k=…``) and reaches the sandbox through a
local forward proxy, a hosts-file entry or a ``Host`` header override arrives here with
``Host: www.amazon.de``. This middleware prefixes such requests with the simulator path that
serves that host, so the request is routed as ``/amazon/de/s?k=…``.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["VirtualHosts"]


class VirtualHosts:
    """ASGI middleware: ``Host`` header → path prefix, from the registry's host routes."""

    def __init__(self, app: ASGIApp, *, routes: Mapping[str, str]) -> None:
        self.app = app
        self.routes = dict(routes)

    def _prefix(self, scope: Scope) -> str | None:
        host = Headers(scope=scope).get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return self.routes.get(name.lower())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and self.routes:
            prefix = self._prefix(scope)
            if prefix is not None:
                scope = dict(scope)
                scope["path"] = prefix + scope["path"]
                raw = scope.get("raw_path")
                if raw is not None:
                    scope["raw_path"] = prefix.encode() + raw
        await self.app(scope, receive, send)
