"""One stream reader per event loop, fanning the Redis stream out to every local subscriber.

A web process may hold hundreds of open dashboards. Giving each its own connection and its own
XREAD BLOCK loop would cost one Redis connection per browser tab, so instead a
:class:`StreamReader` reads the stream once for all of them and hands each entry to every
subscriber's bounded queue. It needs two connections whatever the number of subscribers: one
blocked in XREAD, and one for the short commands a joining subscriber needs (find the tail,
check an ``after`` id, replay what the live reader already passed).

Joining without gaps or duplicates: a subscriber first fixes its start id ``S`` (the tail, or
its ``after`` id), then, without yielding to the event loop, compares it with the reader's
cursor ``C``. If the reader is already past ``S`` the subscriber joins the live fan-out from
``C`` and replays ``(S, C]`` with XRANGE; otherwise it joins at once and skips entries up to
``S`` as the reader reaches them.

The reader starts with its first subscriber and stops when the last one leaves. When Redis
drops the connection it reconnects with backoff and continues from its cursor, so subscribers
see neither duplicates nor gaps; only an outage longer than ``outage_seconds`` is reported to
them, as :class:`~shelfscope.errors.UpstreamUnavailable` from their iterator.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from typing import Any

import redis.asyncio as redis_async
from pydantic import ValidationError
from redis import exceptions as redis_exc
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from shelfscope.errors import ShelfscopeError, UpstreamUnavailable
from shelfscope.events.memory_bus import resync_event
from shelfscope.events.redis_errors import translate_redis_errors
from shelfscope.events.redis_subscription import FELL_BEHIND, StreamKey, StreamSubscription
from shelfscope.events.types import Event
from shelfscope.logs import get_logger

__all__ = ["StreamReader"]

log = get_logger(__name__)

Entry = tuple[str, dict[str, str]]

_STREAM_ID = re.compile(r"^\d+-\d+$")
_CONNECT_TIMEOUT_SECONDS = 2.0
_COMMAND_TIMEOUT_SECONDS = 5.0
# XREAD blocks this long per call; the socket timeout must outlast it.
_BLOCK_MS = 10_000
_READ_BATCH = 100
_REPLAY_BATCH = 500
_BACKOFF_FIRST_SECONDS = 0.05
_BACKOFF_MAX_SECONDS = 2.0
_FATAL_ERRORS = (redis_exc.AuthenticationError, redis_exc.NoPermissionError)

_NOT_RETAINED = "events after the given id are no longer retained"


def _key(stream_id: str) -> StreamKey:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq)


def _seq_of(fields: dict[str, str]) -> int | None:
    seq = fields.get("seq", "")
    return int(seq) if seq.isdigit() else None


def _decode(entry: Entry) -> Event | None:
    stream_id, fields = entry
    try:
        return Event.model_validate_json(fields["event"]).model_copy(update={"id": stream_id})
    except (KeyError, ValidationError):
        log.warning("event_undecodable", stream_id=stream_id)
        return None


def _translated(exc: redis_exc.RedisError, action: str) -> ShelfscopeError:
    try:
        with translate_redis_errors(action):
            raise exc
    except ShelfscopeError as translated:
        return translated
    raise AssertionError("unreachable")  # pragma: no cover


class StreamReader:
    """The stream's only XREAD loop in this event loop, shared by its subscribers."""

    def __init__(
        self,
        *,
        url: str,
        key: str,
        outage_seconds: float,
        on_stopped: Callable[[StreamReader], None],
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.reconnects = 0
        self._url = url
        self._key = key
        self._outage_seconds = outage_seconds
        self._on_stopped = on_stopped
        self._members: set[StreamSubscription] = set()
        self._live: set[StreamSubscription] = set()
        self._cursor = "0-0"
        self._last_seq: int | None = None
        self._positioned = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._reader_client: redis_async.Redis | None = None
        self._control_client: redis_async.Redis | None = None
        self._failure: ShelfscopeError | None = None
        self.stopped = False

    @property
    def position(self) -> str:
        """The id of the last stream entry this reader handed to its subscribers."""
        return self._cursor

    # Connections ----------------------------------------------------------------------------------

    def _connect(self, role: str, **pool_options: Any) -> redis_async.Redis:
        pool = redis_async.BlockingConnectionPool.from_url(
            self._url,
            max_connections=1,
            timeout=_COMMAND_TIMEOUT_SECONDS,
            decode_responses=True,
            socket_connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            client_name=f"{self._key}:{role}",
            retry=Retry(NoBackoff(), 0),  # this module retries (the reader) or reports (joins)
            **pool_options,
        )
        return redis_async.Redis(connection_pool=pool)

    @property
    def _control(self) -> redis_async.Redis:
        if self._control_client is None:
            self._control_client = self._connect("control", socket_timeout=_COMMAND_TIMEOUT_SECONDS)
        return self._control_client

    async def _close_clients(self) -> None:
        clients = (self._reader_client, self._control_client)
        self._reader_client = self._control_client = None
        for client in clients:
            if client is not None:
                with contextlib.suppress(redis_exc.RedisError, OSError):
                    await client.aclose(close_connection_pool=True)

    # Joining and leaving ---------------------------------------------------------------------

    async def join(self, sub: StreamSubscription, after: str | None) -> list[Event]:
        """Register ``sub`` and return the replay it must see before live events."""
        self._members.add(sub)
        if self._failure is not None:
            raise self._failure
        if self.stopped:  # closed by the bus
            sub.end()
            return []
        with translate_redis_errors("open the event stream"):
            await self._start()
            start_id, start_seq, resync = await self._start_point(after)
            if self.stopped:
                raise self._failure or UpstreamUnavailable("event bus: the stream reader stopped")
            # No await from here to the registration: the cursor cannot move in between.
            cursor = self._cursor
            self._live.add(sub)
            if _key(cursor) < _key(start_id):
                sub.join_at(_key(start_id))
                replay: list[Event] = []
            else:
                sub.join_at(None)
                replay = await self._replay(start_id, start_seq, cursor)
        return ([resync_event(_NOT_RETAINED)] if resync else []) + replay

    async def leave(self, sub: StreamSubscription) -> None:
        self._members.discard(sub)
        self._live.discard(sub)
        if not self._members and not self.stopped:
            await self.stop()

    async def stop(self) -> None:
        """Stop reading and close both connections (the last subscriber left, or the bus closed)."""
        if self.stopped:
            return
        self._mark_stopped()
        # Shielded: the last subscriber often leaves from a cancelled task (its WebSocket went
        # away), and the connections must be closed all the same.
        await asyncio.shield(self._shutdown())

    def _mark_stopped(self) -> None:
        self.stopped = True
        self._on_stopped(self)
        for sub in list(self._members):
            sub.end()

    async def _shutdown(self) -> None:
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            # Cancelling alone is not enough: redis-py may swallow a cancellation that lands
            # in a blocked XREAD and read again. A closed socket ends the read for certain.
            if self._reader_client is not None:
                with contextlib.suppress(redis_exc.RedisError, OSError):
                    await self._reader_client.connection_pool.disconnect(inuse_connections=True)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close_clients()

    # Positioning -------------------------------------------------------------------------------

    async def _start(self) -> None:
        """Put the cursor on the tail and start the reader (the first subscriber only)."""
        async with self._positioned:
            if self._task is not None or self.stopped:
                return
            self._cursor, self._last_seq = await self._tail()
            self._task = self.loop.create_task(self._run(), name=f"event-stream-reader-{self._key}")

    async def _tail(self) -> tuple[str, int | None]:
        entries: Any = await self._control.xrevrange(self._key, "+", "-", count=1)
        if not entries:  # nothing published yet: the first entry will carry seq 1
            return "0-0", 0
        stream_id, fields = entries[0]
        return stream_id, _seq_of(fields)

    async def _start_point(self, after: str | None) -> tuple[str, int | None, bool]:
        """The id to start after, its seq, and whether ``after`` was unknown (resync)."""
        if after is not None and _STREAM_ID.match(after):
            entries: Any = await self._control.xrange(self._key, after, after, count=1)
            if entries:
                return after, _seq_of(entries[0][1]), False
        stream_id, seq = await self._tail()
        return stream_id, seq, after is not None

    async def _replay(self, start_id: str, start_seq: int | None, until: str) -> list[Event]:
        """Entries in ``(start_id, until]``, with a resync where their seq shows a gap."""
        replay: list[Event] = []
        position, last_seq = start_id, start_seq
        while _key(position) < _key(until):
            ms, seq = _key(position)
            following = f"{ms}-{seq + 1}"
            entries: Any = await self._control.xrange(self._key, following, until, count=_REPLAY_BATCH)
            if not entries:
                break
            for stream_id, fields in entries:
                seq_now = _seq_of(fields)
                if last_seq is not None and seq_now is not None and seq_now != last_seq + 1:
                    replay.append(resync_event(FELL_BEHIND))
                last_seq, position = seq_now, stream_id
                event = _decode((stream_id, fields))
                if event is not None:
                    replay.append(event)
        return replay

    # Reading ----------------------------------------------------------------------------------------

    async def _run(self) -> None:
        down_since: float | None = None
        attempt = 0
        while not self.stopped:
            if self._reader_client is None:
                self._reader_client = self._connect(
                    "reader", socket_timeout=_BLOCK_MS / 1000 + _COMMAND_TIMEOUT_SECONDS
                )
            try:
                # RESP2 reply: [[key, [(id, fields), ...]]]
                response: Any = await self._reader_client.xread(
                    {self._key: self._cursor}, count=_READ_BATCH, block=_BLOCK_MS
                )
            except redis_exc.RedisError as exc:
                client, self._reader_client = self._reader_client, None
                with contextlib.suppress(redis_exc.RedisError, OSError):
                    await client.aclose(close_connection_pool=True)
                if self.stopped:  # redis-py may report a cancelled read as a connection error
                    return
                now = time.monotonic()
                down_since = down_since if down_since is not None else now
                if isinstance(exc, _FATAL_ERRORS) or now - down_since >= self._outage_seconds:
                    await self._fail(_translated(exc, "read the event stream"))
                    return
                delay = min(_BACKOFF_MAX_SECONDS, _BACKOFF_FIRST_SECONDS * 2**attempt)
                log.warning("event_stream_reader_reconnecting", error=str(exc), retry_in_seconds=delay)
                attempt += 1
                await asyncio.sleep(delay)
                continue
            if down_since is not None:
                self.reconnects += 1
                log.info("event_stream_reader_reconnected", cursor=self._cursor)
            down_since, attempt = None, 0
            self._dispatch(response[0][1] if response else [])

    def _dispatch(self, entries: list[Entry]) -> None:
        for stream_id, fields in entries:
            seq = _seq_of(fields)
            gap = self._last_seq is not None and seq is not None and seq != self._last_seq + 1
            self._cursor, self._last_seq = stream_id, seq
            event = _decode((stream_id, fields))
            key = _key(stream_id)
            for sub in self._live:
                sub.offer(key, event, gap=gap)

    async def _fail(self, failure: ShelfscopeError) -> None:
        """Redis stayed unreachable: tell every subscriber, who will reconnect with ``after``."""
        log.warning("event_stream_reader_gave_up", error=str(failure))
        self._failure = failure
        for sub in list(self._members):
            sub.fail(failure)
        self._mark_stopped()
        await self._shutdown()
