"""The storefront simulator's run-time state inside a sandbox: settings, bot guard, log, page cache.

It lives in the sandbox context (``context.state_for("amazon")``), so the HTTP app, the control
endpoint and Python callers in tests (``amazon_state(server.context)``) all see the same one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from shelfscope.sandbox.amazon.bot import BotGuard
from shelfscope.sandbox.amazon.served import ServedLog
from shelfscope.sandbox.amazon.settings import AmazonSandboxSettings
from shelfscope.sandbox.context import SandboxContext

__all__ = ["AmazonState", "PageCache", "amazon_state"]

_NAMESPACE = "amazon"


class PageCache:
    """Rendered pages (raw and gzipped) by their coordinates, bounded by total bytes."""

    def __init__(self, *, max_bytes: int = 256 * 1024 * 1024) -> None:
        self._entries: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = body
            self._bytes += len(body)
            while self._bytes > self._max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


class AmazonState:
    """Everything the storefronts of one sandbox remember."""

    def __init__(self, *, context: SandboxContext, settings: AmazonSandboxSettings) -> None:
        self.seed = context.seed
        self._settings = settings
        self._lock = threading.Lock()
        self.guard = BotGuard(generator=context.rng_for("amazon:bot"))
        self.served = ServedLog()
        self.pages = PageCache()

    @property
    def settings(self) -> AmazonSandboxSettings:
        with self._lock:
            return self._settings

    def configure(self, **changes: Any) -> AmazonSandboxSettings:
        """Change some settings (validated as a whole); returns the new settings."""
        with self._lock:
            merged = self._settings.model_dump() | changes
            self._settings = AmazonSandboxSettings.model_validate(merged)
            return self._settings

    def reset(self) -> None:
        """Forget sessions, CAPTCHAs and the served log (settings stay)."""
        self.guard.reset()
        self.served.clear()


def _initial_settings(context: SandboxContext) -> AmazonSandboxSettings:
    # A platform settings group ``sandbox.amazon`` (same fields) sets the starting values when present.
    configured = getattr(context.settings, "amazon", None)
    if isinstance(configured, AmazonSandboxSettings):
        return configured
    if configured is not None and hasattr(configured, "model_dump"):
        return AmazonSandboxSettings.model_validate(configured.model_dump())
    return AmazonSandboxSettings()


def amazon_state(context: SandboxContext) -> AmazonState:
    """The storefronts' state in ``context``, created on first use."""
    with context.lock:
        namespace = context.state_for(_NAMESPACE)
        state = namespace.get("state")
        if state is None:
            state = AmazonState(context=context, settings=_initial_settings(context))
            namespace["state"] = state
        assert isinstance(state, AmazonState)
        return state
