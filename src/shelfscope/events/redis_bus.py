"""The Redis event bus of distributed mode: one stream shared by every web process and worker.

Events are appended to the stream ``<instance_name>:events`` (XADD with an approximate MAXLEN,
so Redis trims whole nodes cheaply) and the stream id becomes the event id. Each subscriber
reads with XREAD BLOCK from its own cursor, so resuming after a reconnect is reading from the
last id the client saw.

Trimming means a slow reader can be overtaken and lose entries, and stream ids have gaps by
design, so ids alone cannot show a loss. A small Lua script therefore stamps every entry with
a consecutive ``seq`` from the counter ``<instance_name>:events:seq`` in the same atomic step
as the XADD; a reader whose next entry is not ``seq + 1`` missed something and gets a resync.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

import redis
import redis.asyncio as redis_async
from pydantic import ValidationError

from shelfscope.events.memory_bus import resync_event
from shelfscope.events.redis_errors import translate_redis_errors
from shelfscope.events.types import Event
from shelfscope.logs import get_logger
from shelfscope.settings import Settings

__all__ = ["RedisBus"]

log = get_logger(__name__)

_STREAM_ID = re.compile(r"^\d+-\d+$")
_CONNECT_TIMEOUT_SECONDS = 2.0
_COMMAND_TIMEOUT_SECONDS = 5.0
# XREAD blocks this long per call; the socket timeout must outlast it.
_BLOCK_MS = 10_000
_READ_BATCH = 100

# KEYS: stream, counter. ARGV: approximate max length, event JSON. Returns the new entry's id.
_PUBLISH_SCRIPT = """
local seq = redis.call('INCR', KEYS[2])
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'seq', seq, 'event', ARGV[2])
"""

Entry = tuple[str, dict[str, str]]


class RedisBus:
    """Publish with a sync client (worker threads, services); subscribe with asyncio clients."""

    def __init__(self, *, url: str, instance_name: str, retained: int = 1000) -> None:
        self.key = f"{instance_name}:events"
        self._url = url
        self._retained = retained
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
        )

    def publish(self, event: Event) -> Event:
        """Append ``event`` to the stream; raises UpstreamUnavailable when Redis is down."""
        body = event.model_dump_json(exclude={"id"})
        with translate_redis_errors("publish an event"):
            stream_id = self._publish(keys=[self.key, f"{self.key}:seq"], args=[self._retained, body])
        return event.model_copy(update={"id": str(stream_id)})

    def subscribe(self, *, after: str | None = None) -> _RedisSubscription:
        return _RedisSubscription(url=self._url, key=self.key, after=after)

    def ping(self) -> None:
        with translate_redis_errors("ping"):
            self._client.ping()

    def close(self) -> None:
        self._client.close()


class _RedisSubscription:
    """A cursor on the stream, advanced by XREAD BLOCK on a connection of its own."""

    def __init__(self, *, url: str, key: str, after: str | None) -> None:
        self._url = url
        self._key = key
        self._after = after
        self._client: redis_async.Redis | None = None
        self._cursor = "0-0"
        self._last_seq: int | None = None
        self._ready: deque[Event] = deque()
        self._closed = False

    async def _start(self) -> redis_async.Redis:
        if self._client is not None:
            return self._client
        self._client = redis_async.Redis.from_url(
            self._url,
            decode_responses=True,
            socket_connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=_BLOCK_MS / 1000 + _COMMAND_TIMEOUT_SECONDS,
        )
        with translate_redis_errors("open the event stream"):
            resumed = self._after is not None and await self._position_at(self._after)
            if not resumed:
                await self._position_at_tail()
        if self._after is not None and not resumed:
            self._ready.append(resync_event("events after the given id are no longer retained"))
        return self._client

    async def _position_at(self, stream_id: str) -> bool:
        """Put the cursor on ``stream_id``; False when the stream no longer holds that entry."""
        assert self._client is not None
        if not _STREAM_ID.match(stream_id):
            return False
        entries: Any = await self._client.xrange(self._key, stream_id, stream_id, count=1)
        if not entries:
            return False
        self._move_to(entries[0])
        return True

    async def _position_at_tail(self) -> None:
        assert self._client is not None
        entries: Any = await self._client.xrevrange(self._key, "+", "-", count=1)
        if entries:
            self._move_to(entries[0])
        else:  # nothing published yet: the first entry will carry seq 1
            self._cursor, self._last_seq = "0-0", 0

    def _move_to(self, entry: Entry) -> None:
        stream_id, fields = entry
        self._cursor = stream_id
        seq = fields.get("seq", "")
        self._last_seq = int(seq) if seq.isdigit() else None

    async def _read(self) -> None:
        client = await self._start()
        with translate_redis_errors("read the event stream"):
            # RESP2 reply: [[key, [(id, fields), ...]]]
            response: Any = await client.xread({self._key: self._cursor}, count=_READ_BATCH, block=_BLOCK_MS)
        for entry in response[0][1] if response else []:
            previous = self._last_seq
            self._move_to(entry)
            if previous is not None and self._last_seq is not None and self._last_seq != previous + 1:
                self._ready.append(resync_event("this connection fell behind and missed events"))
            self._ready.extend(self._decode(entry))

    @staticmethod
    def _decode(entry: Entry) -> list[Event]:
        stream_id, fields = entry
        try:
            return [Event.model_validate_json(fields["event"]).model_copy(update={"id": stream_id})]
        except (KeyError, ValidationError):
            log.warning("event_undecodable", stream_id=stream_id)
            return []

    def __aiter__(self) -> _RedisSubscription:
        return self

    async def __anext__(self) -> Event:
        while not self._ready:
            if self._closed:
                raise StopAsyncIteration
            await self._read()
        return self._ready.popleft()

    async def __aenter__(self) -> _RedisSubscription:
        await self._start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        self._closed = True
        if self._client is not None:
            await self._client.aclose()
