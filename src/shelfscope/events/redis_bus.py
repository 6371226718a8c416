"""The Redis event bus of distributed mode: one stream shared by every web process and worker.

Events are appended to the stream ``<instance_name>:events`` (XADD with an approximate MAXLEN,
so Redis trims whole nodes cheaply) and the stream id becomes the event id, so resuming after a
reconnect is reading from the last id the client saw. Each web process reads the stream once,
with one XREAD BLOCK loop shared by all its subscribers (:mod:`shelfscope.events.redis_fanout`).

Trimming means a slow reader can be overtaken and lose entries, and stream ids have gaps by
design, so ids alone cannot show a loss. A small Lua script therefore stamps every entry with
a consecutive ``seq`` from the counter ``<instance_name>:events:seq`` in the same atomic step
as the XADD; a reader whose next entry is not ``seq + 1`` missed something and gets a resync.
"""

from __future__ import annotations

import asyncio
import threading

import redis

from shelfscope.events.redis_errors import translate_redis_errors
from shelfscope.events.redis_fanout import StreamReader
from shelfscope.events.redis_subscription import StreamSubscription
from shelfscope.events.types import Event
from shelfscope.settings import Settings

__all__ = ["RedisBus"]

_CONNECT_TIMEOUT_SECONDS = 2.0
_COMMAND_TIMEOUT_SECONDS = 5.0
# How long the shared reader keeps reconnecting before subscribers are told Redis is gone.
_OUTAGE_SECONDS = 15.0

# KEYS: stream, counter. ARGV: approximate max length, event JSON. Returns the new entry's id.
_PUBLISH_SCRIPT = """
local seq = redis.call('INCR', KEYS[2])
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'seq', seq, 'event', ARGV[2])
"""


class RedisBus:
    """Publish with a sync client (worker threads, services); subscribe with asyncio clients."""

    def __init__(
        self,
        *,
        url: str,
        instance_name: str,
        retained: int = 1000,
        subscriber_queue: int = 256,
        outage_seconds: float = _OUTAGE_SECONDS,
    ) -> None:
        self.key = f"{instance_name}:events"
        self._url = url
        self._retained = retained
        self._subscriber_queue = subscriber_queue
        self._outage_seconds = outage_seconds
        self._readers: dict[asyncio.AbstractEventLoop, StreamReader] = {}
        self._readers_lock = threading.Lock()
        self._closed = False
        self._client = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=_COMMAND_TIMEOUT_SECONDS,
        )
        self._publish = self._client.register_script(_PUBLISH_SCRIPT)

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisBus:
        return cls(
            url=settings.resolved_bus_url,
            instance_name=settings.instance_name,
            retained=settings.events.retained,
            subscriber_queue=settings.events.subscriber_queue,
        )

    def publish(self, event: Event) -> Event:
        """Append ``event`` to the stream; raises UpstreamUnavailable when Redis is down."""
        body = event.model_dump_json(exclude={"id"})
        with translate_redis_errors("publish an event"):
            stream_id = self._publish(keys=[self.key, f"{self.key}:seq"], args=[self._retained, body])
        return event.model_copy(update={"id": str(stream_id)})

    def subscribe(self, *, after: str | None = None) -> StreamSubscription:
        return StreamSubscription(self._reader, after=after, maxsize=self._subscriber_queue)

    def readers(self) -> list[StreamReader]:
        """The stream readers running now: one per event loop with subscribers (for health checks)."""
        with self._readers_lock:
            return list(self._readers.values())

    def _reader(self) -> StreamReader:
        """This event loop's shared reader, created for its first subscriber."""
        loop = asyncio.get_running_loop()
        with self._readers_lock:
            reader = self._readers.get(loop)
            if reader is None or reader.stopped:
                reader = StreamReader(
                    url=self._url,
                    key=self.key,
                    outage_seconds=self._outage_seconds,
                    on_stopped=self._forget,
                )
                if self._closed:
                    reader.stopped = True
                else:
                    self._readers[loop] = reader
            return reader

    def _forget(self, reader: StreamReader) -> None:
        with self._readers_lock:
            if self._readers.get(reader.loop) is reader:
                del self._readers[reader.loop]

    def ping(self) -> None:
        with translate_redis_errors("ping"):
            self._client.ping()

    def close(self) -> None:
        """Close the publishing client and end every subscription (from any thread)."""
        with self._readers_lock:
            self._closed = True
            readers = list(self._readers.values())
        for reader in readers:
            if reader.loop.is_closed():
                continue
            try:
                reader.loop.call_soon_threadsafe(_stop_soon, reader)
            except RuntimeError:  # the loop closed meanwhile: nothing is reading anymore
                continue
        self._client.close()


_stopping: set[asyncio.Task[None]] = set()


def _stop_soon(reader: StreamReader) -> None:
    task = reader.loop.create_task(reader.stop())
    _stopping.add(task)  # the loop keeps only a weak reference to its tasks
    task.add_done_callback(_stopping.discard)
