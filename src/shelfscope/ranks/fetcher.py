"""A blocking front to the async fetch engine, for run handlers (which execute in worker threads).

One :class:`EngineFetcher` lives for one run: it owns a private event loop and a
:class:`~shelfscope.fetch.FetchEngine`, so the engine's sessions (cookies, identity, proxy) carry
from one page to the next within the run, as a shopper's would, and everything is closed when
the run ends. Tests substitute any object with the same ``fetch`` method.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Protocol

from shelfscope.fetch import FetchEngine, Request, Response
from shelfscope.settings import Settings

__all__ = ["EngineFetcher", "PageFetcher"]


class PageFetcher(Protocol):
    def fetch(self, request: Request) -> Response:
        """The page, or an error from :mod:`shelfscope.errors` (``Blocked``, ``Timeout`` …)."""
        ...

    def close(self) -> None: ...


class EngineFetcher:
    """Runs requests through a fetch engine on an event loop of its own."""

    def __init__(self, engine: FetchEngine, loop: asyncio.AbstractEventLoop) -> None:
        self.engine = engine
        self._loop = loop

    @classmethod
    def from_settings(cls, settings: Settings) -> EngineFetcher:
        loop = asyncio.new_event_loop()
        try:
            engine = FetchEngine.from_settings(settings)
        except BaseException:
            loop.close()
            raise
        return cls(engine, loop)

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

    def __enter__(self) -> EngineFetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
