"""A blocking front to the async fetch engine, for run handlers (which execute in worker threads).

One :class:`EngineFetcher` lives for one run: it owns a private event loop and a
:class:`~shelfscope.fetch.FetchEngine`, so the engine's sessions (cookies, identity, proxy) carry
from one page to the next within the run, as a shopper's would, and everything is closed when
the run ends. A workspace's run goes out through that workspace's proxies, and every request is
written to the fetch request log under the workspace (proxy bandwidth is what tracking costs).
Tests substitute any object with the same ``fetch``/``close`` methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from shelfscope.fetch import FetchEngine, Request, Response
from shelfscope.settings import Settings

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["EngineFetcher", "PageFetcher"]


class PageFetcher(Protocol):
    def fetch(self, request: Request) -> Response:
        """The page, or an error from :mod:`shelfscope.errors` (``Blocked``, ``Timeout`` …)."""
        ...

    def close(self) -> None: ...


class EngineFetcher:
    """Runs requests through a fetch engine on an event loop of its own."""

    def __init__(
        self,
        engine: FetchEngine,
        loop: asyncio.AbstractEventLoop,
        *,
        on_close: Callable[[], object] | None = None,
    ) -> None:
        self.engine = engine
        self._loop = loop
        self._on_close = on_close

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineFetcher:
        """An engine with the settings' own proxy policy (the one-off ``ranks check``)."""
        loop = asyncio.new_event_loop()
        try:
            engine = FetchEngine.from_settings(settings)
        except BaseException:
            loop.close()
            raise
        return cls(engine, loop)

    @classmethod
    def for_workspace(cls, platform: Platform, *, workspace_id: int) -> EngineFetcher:
        """An engine going out through the workspace's proxies, logging each request for it."""
        from shelfscope.clock import SystemClock
        from shelfscope.fetch.proxy_service import workspace_pool
        from shelfscope.fetch.requestlog import RequestLogWriter

        settings = platform.settings
        clock = SystemClock()  # proxy cooldowns and sessions age in network time
        with platform.db.session() as session:
            pool = workspace_pool(session, platform.vault, settings, workspace_id=workspace_id, clock=clock)
        writer = RequestLogWriter(
            db=platform.db,
            workspace_id=workspace_id,
            provider_of=pool.provider_of,
            batch_size=settings.fetch.request_log_batch_size,
        )
        loop = asyncio.new_event_loop()
        try:
            engine = FetchEngine.from_settings(settings, proxies=pool, clock=clock)
        except BaseException:
            loop.close()
            raise
        engine.signals.connect(pool.observe)
        engine.signals.connect(writer.observe)
        return cls(engine, loop, on_close=writer.flush)

    def fetch(self, request: Request) -> Response:
        return self._loop.run_until_complete(self.engine.fetch(request))

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            self._loop.run_until_complete(self.engine.aclose())
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()
            if self._on_close is not None:
                self._on_close()

    def __enter__(self) -> EngineFetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
