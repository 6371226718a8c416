"""The in-process event bus of embedded mode: worker threads publish, the web event loop listens.

Publishing takes one lock, stamps the next id, keeps the event in a ring buffer for clients
that reconnect, and hands it to every subscriber's bounded queue. It never waits for a
subscriber: one that falls behind loses its oldest events and is told to resync. Subscribers
are woken in their own event loop with ``call_soon_threadsafe``, so publishers may be any thread.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import deque

from shelfscope.errors import UpstreamUnavailable
from shelfscope.events.types import Event, EventType
from shelfscope.settings import Settings

__all__ = ["InProcessBus"]


def resync_event(reason: str) -> Event:
    """What a subscriber receives instead of events it lost."""
    return Event(type=EventType.RESYNC, payload={"reason": reason})


class InProcessBus:
    """Fan-out inside one process, with a ring buffer of recent events for resume.

    Ids look like ``<epoch>-<seq>``: ``seq`` grows by one per event and ``epoch`` is random per
    bus, so an id from before a restart is recognised as unknown (resync) instead of being
    compared with unrelated numbers.
    """

    def __init__(self, *, retained: int = 1000, subscriber_queue: int = 256) -> None:
        self._lock = threading.Lock()
        self._epoch = secrets.token_hex(4)
        self._seq = 0
        self._recent: deque[tuple[int, Event]] = deque(maxlen=retained)
        self._subscribers: set[_Subscription] = set()
        self._subscriber_queue = subscriber_queue
        self._closed = False

    @classmethod
    def from_settings(cls, settings: Settings) -> InProcessBus:
        return cls(retained=settings.events.retained, subscriber_queue=settings.events.subscriber_queue)

    def publish(self, event: Event) -> Event:
        with self._lock:
            self._seq += 1
            stamped = event.model_copy(update={"id": f"{self._epoch}-{self._seq}"})
            self._recent.append((self._seq, stamped))
            # Offered under the lock so every subscriber sees events in id order.
            gone = [sub for sub in self._subscribers if not sub.offer(stamped)]
            self._subscribers.difference_update(gone)
        return stamped

    def subscribe(self, *, after: str | None = None) -> _Subscription:
        return _Subscription(self, after=after, maxsize=self._subscriber_queue)

    def ping(self) -> None:
        if self._closed:
            raise UpstreamUnavailable("the in-process event bus is closed")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            subscribers, self._subscribers = self._subscribers, set()
            for sub in subscribers:
                sub.end()

    # Used by subscriptions -------------------------------------------------------------------

    def _register(self, sub: _Subscription, after: str | None) -> list[Event]:
        """Add ``sub`` and return what it must see first, atomically with respect to publishers."""
        with self._lock:
            if self._closed:
                sub.end()
                return []
            self._subscribers.add(sub)
            return self._replay_after(after)

    def _unregister(self, sub: _Subscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)
            sub.end()

    def _replay_after(self, after: str | None) -> list[Event]:
        if after is None:
            return []
        seq = self._parse_seq(after)
        if seq is None:
            return [resync_event("unknown event id")]
        oldest = self._recent[0][0] if self._recent else self._seq + 1
        if seq < oldest - 1:
            return [resync_event("events after the given id are no longer retained")]
        return [event for event_seq, event in self._recent if event_seq > seq]

    def _parse_seq(self, event_id: str) -> int | None:
        epoch, _, seq = event_id.partition("-")
        if epoch != self._epoch or not seq.isdigit() or int(seq) > self._seq:
            return None
        return int(seq)


class _Subscription:
    """One subscriber's queue, filled by publishers in any thread, drained in its event loop."""

    def __init__(self, bus: InProcessBus, *, after: str | None, maxsize: int) -> None:
        self._bus = bus
        self._lock = bus._lock
        self._after = after
        self._maxsize = maxsize
        self._replay: deque[Event] = deque()
        self._queue: deque[Event] = deque()
        self._lost = False
        self._signalled = False
        self._ended = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()

    # Publisher side (called with the bus lock held) ------------------------------------------

    def offer(self, event: Event) -> bool:
        """Queue ``event``; False when this subscriber is gone and should be dropped."""
        if self._ended or self._loop is None:
            return False
        self._queue.append(event)
        if len(self._queue) > self._maxsize:
            self._queue.popleft()
            self._lost = True
        return self._signal()

    def end(self) -> None:
        self._ended = True
        self._signal()

    def _signal(self) -> bool:
        if self._signalled or self._loop is None:
            return True
        self._signalled = True
        try:
            self._loop.call_soon_threadsafe(self._wake.set)
        except RuntimeError:  # the subscriber's loop is closed: it can never read again
            self._ended = True
            return False
        return True

    # Subscriber side (its event loop) --------------------------------------------------------

    def _start(self) -> None:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._replay.extend(self._bus._register(self, self._after))

    def _take(self) -> Event | None:
        with self._lock:
            if self._lost:
                self._lost = False
                return resync_event("this connection fell behind and missed events")
            if self._queue:
                return self._queue.popleft()
            self._signalled = False
            return None

    def __aiter__(self) -> _Subscription:
        return self

    async def __anext__(self) -> Event:
        self._start()
        while True:
            if self._replay:
                return self._replay.popleft()
            event = self._take()
            if event is not None:
                return event
            if self._ended:
                raise StopAsyncIteration
            await self._wake.wait()
            self._wake.clear()

    async def __aenter__(self) -> _Subscription:
        self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._bus._unregister(self)
