"""One subscriber of the shared stream reader: a bounded queue, drained by ``async for``.

The reader (:mod:`shelfscope.events.redis_fanout`) offers every stream entry to each of its
subscribers in its event loop; a subscriber whose queue overflows loses its oldest events and
is told to resync, so one stalled browser tab never holds memory or slows the others.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from shelfscope.errors import ShelfscopeError
from shelfscope.events.memory_bus import resync_event
from shelfscope.events.types import Event, EventType

if TYPE_CHECKING:
    from shelfscope.events.redis_fanout import StreamReader

__all__ = ["FELL_BEHIND", "StreamKey", "StreamSubscription"]

StreamKey = tuple[int, int]
FELL_BEHIND = "this connection fell behind and missed events"


class StreamSubscription:
    """One subscriber: a bounded queue filled by the shared reader, drained by ``async for``."""

    def __init__(self, open_reader: Callable[[], StreamReader], *, after: str | None, maxsize: int) -> None:
        self._open_reader = open_reader
        self._after = after
        self._maxsize = maxsize
        self._reader: StreamReader | None = None
        self._replay: deque[Event] = deque()
        self._queue: deque[Event] = deque()
        self._skip_until: StreamKey | None = None
        self._lost = False
        self._ended = False
        self._failure: ShelfscopeError | None = None
        self._wake = asyncio.Event()

    # Reader side --------------------------------------------------------------------------------

    def offer(self, key: StreamKey, event: Event | None, *, gap: bool) -> None:
        """Queue one stream entry (``event`` None: undecodable); ``gap``: entries were lost before it."""
        if self._skip_until is not None:
            if key <= self._skip_until:
                return
            self._skip_until = None
        if gap and not (self._queue and self._queue[-1].type == EventType.RESYNC):
            self._queue.append(resync_event(FELL_BEHIND))
        if event is not None:
            self._queue.append(event)
        if len(self._queue) > self._maxsize:
            self._queue.popleft()
            self._lost = True
        self._wake.set()

    def join_at(self, skip_until: StreamKey | None) -> None:
        self._skip_until = skip_until

    def fail(self, failure: ShelfscopeError) -> None:
        self._failure = failure
        self._wake.set()

    def end(self) -> None:
        self._ended = True
        self._wake.set()

    # Subscriber side ------------------------------------------------------------------------------

    async def _start(self) -> None:
        if self._reader is not None:
            return
        self._reader = self._open_reader()
        try:
            self._replay.extend(await self._reader.join(self, self._after))
        except BaseException:
            await self.aclose()
            raise

    def __aiter__(self) -> StreamSubscription:
        return self

    async def __anext__(self) -> Event:
        await self._start()
        while True:
            if self._replay:
                return self._replay.popleft()
            if self._lost:
                self._lost = False
                return resync_event(FELL_BEHIND)
            if self._queue:
                return self._queue.popleft()
            if self._failure is not None:
                raise self._failure
            if self._ended:
                raise StopAsyncIteration
            self._wake.clear()
            await self._wake.wait()

    async def __aenter__(self) -> StreamSubscription:
        await self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._ended = True
        if self._reader is not None:
            await self._reader.leave(self)
