"""The Redis Streams bus against a real Redis: ordering, resume, trimming, several processes."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
import redis

from shelfscope.errors import UpstreamUnavailable
from shelfscope.events.redis_bus import RedisBus
from shelfscope.events.types import Event, EventStream, EventType
from tests.support import TcpLink

pytestmark = pytest.mark.redis


@pytest.fixture
def bus(redis_url: str, instance_name: str) -> Iterator[RedisBus]:
    bus = RedisBus(url=redis_url, instance_name=instance_name, retained=1000)
    yield bus
    redis.Redis.from_url(redis_url).delete(bus.key, f"{bus.key}:seq")
    bus.close()


def _event(n: int) -> Event:
    return Event(type="test", workspace_id=1, payload={"n": n})


async def _take(stream: EventStream, count: int) -> list[Event]:
    async with asyncio.timeout(10):
        return [await anext(stream) for _ in range(count)]


class _Link(TcpLink):
    """TcpLink whose cut also closes sockets a pipe thread already shut down (no ResourceWarning)."""

    def cut(self) -> None:
        self._up.clear()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_events_arrive_in_order_with_stream_ids(bus: RedisBus) -> None:
    async with bus.subscribe() as stream:
        published = [bus.publish(_event(n)) for n in range(5)]
        received = await _take(stream, 5)
    assert [e.payload["n"] for e in received] == [0, 1, 2, 3, 4]
    assert [e.id for e in received] == [e.id for e in published]
    assert all(e.id and "-" in e.id for e in received)
    assert received[0].at == published[0].at


async def test_subscriber_does_not_see_events_published_before_it_subscribed(bus: RedisBus) -> None:
    bus.publish(_event(0))
    async with bus.subscribe() as stream:
        bus.publish(_event(1))
        (first,) = await _take(stream, 1)
    assert first.payload["n"] == 1


async def test_resume_after_an_id_replays_later_events_then_live_ones(bus: RedisBus) -> None:
    published = [bus.publish(_event(n)) for n in range(5)]
    async with bus.subscribe(after=published[1].id) as stream:
        bus.publish(_event(5))
        received = await _take(stream, 4)
    assert [e.payload["n"] for e in received] == [2, 3, 4, 5]


async def test_stream_is_trimmed_and_a_trimmed_id_gets_resync(redis_url: str, instance_name: str) -> None:
    bus = RedisBus(url=redis_url, instance_name=instance_name, retained=10)
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        published = [bus.publish(_event(n)) for n in range(1000)]
        # Approximate trimming removes whole stream nodes (100 entries by default): bounded, not exact.
        length = client.xlen(bus.key)
        assert 10 <= length < 1000
        oldest_kept = 1000 - length

        async with bus.subscribe(after=published[oldest_kept].id) as stream:
            replayed = await _take(stream, length - 1)
        assert [e.payload["n"] for e in replayed] == list(range(oldest_kept + 1, 1000))

        async with bus.subscribe(after=published[oldest_kept - 1].id) as stream:
            bus.publish(_event(1000))
            first, second = await _take(stream, 2)
        assert first.type == EventType.RESYNC
        assert second.payload["n"] == 1000
    finally:
        client.delete(bus.key, f"{bus.key}:seq")
        bus.close()


async def test_subscriber_overtaken_by_trimming_is_told_to_resync(redis_url: str, instance_name: str) -> None:
    bus = RedisBus(url=redis_url, instance_name=instance_name, retained=10)
    client = redis.Redis.from_url(redis_url)
    try:
        async with bus.subscribe() as stream:
            for n in range(1000):  # the subscriber reads nothing meanwhile
                bus.publish(_event(n))
            received = await _take(stream, 2)
        assert received[0].type == EventType.RESYNC
        assert received[1].payload["n"] > 0
    finally:
        client.delete(bus.key, f"{bus.key}:seq")
        bus.close()


@pytest.mark.parametrize("after", ["not-an-id", "99999999999999-0"])
async def test_an_id_the_stream_never_issued_gets_resync(bus: RedisBus, after: str) -> None:
    bus.publish(_event(0))
    async with bus.subscribe(after=after) as stream:
        bus.publish(_event(1))
        first, second = await _take(stream, 2)
    assert first.type == EventType.RESYNC
    assert second.payload["n"] == 1


async def test_two_bus_instances_like_two_web_processes_both_receive(
    bus: RedisBus, redis_url: str, instance_name: str
) -> None:
    other_process = RedisBus(url=redis_url, instance_name=instance_name)
    try:
        async with bus.subscribe() as here, other_process.subscribe() as there:
            bus.publish(_event(1))
            other_process.publish(_event(2))
            received_here = await _take(here, 2)
            received_there = await _take(there, 2)
        assert [e.payload["n"] for e in received_here] == [1, 2]
        assert [e.id for e in received_there] == [e.id for e in received_here]
    finally:
        other_process.close()


async def test_other_instance_names_do_not_share_events(bus: RedisBus, redis_url: str) -> None:
    neighbour = RedisBus(url=redis_url, instance_name=f"{bus.key.split(':')[0]}x")
    try:
        async with bus.subscribe() as stream:
            neighbour.publish(_event(99))
            bus.publish(_event(1))
            (first,) = await _take(stream, 1)
        assert first.payload["n"] == 1
    finally:
        redis.Redis.from_url(redis_url).delete(neighbour.key, f"{neighbour.key}:seq")
        neighbour.close()


async def test_events_published_from_worker_threads_reach_the_async_subscriber(bus: RedisBus) -> None:
    threads, per_thread = 4, 50
    async with bus.subscribe() as stream:

        def work(worker: int) -> None:
            for n in range(per_thread):
                bus.publish(Event(type="test", workspace_id=1, payload={"worker": worker, "n": n}))

        runners = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
        for runner in runners:
            runner.start()
        received = await _take(stream, threads * per_thread)
        for runner in runners:
            runner.join(timeout=5)
    for worker in range(threads):
        assert [e.payload["n"] for e in received if e.payload["worker"] == worker] == list(range(per_thread))


def test_ping_answers_when_redis_is_up(bus: RedisBus) -> None:
    bus.ping()


def test_ping_on_a_dead_port_raises_upstream_unavailable(instance_name: str) -> None:
    bus = RedisBus(url=f"redis://127.0.0.1:{_free_port()}/0", instance_name=instance_name)
    with pytest.raises(UpstreamUnavailable, match="cannot reach Redis"):
        bus.ping()
    with pytest.raises(UpstreamUnavailable):
        bus.publish(_event(0))
    bus.close()


async def test_subscribing_to_a_dead_port_raises_upstream_unavailable(instance_name: str) -> None:
    bus = RedisBus(url=f"redis://127.0.0.1:{_free_port()}/0", instance_name=instance_name)
    stream = bus.subscribe()
    with pytest.raises(UpstreamUnavailable):
        await stream.__aenter__()
    await stream.aclose()
    bus.close()


async def test_losing_redis_mid_stream_raises_upstream_unavailable_and_resume_catches_up(
    bus: RedisBus, redis_url: str, instance_name: str
) -> None:
    target = redis.connection.parse_url(redis_url)
    link = _Link(target.get("host", "127.0.0.1"), int(target.get("port", 6379)))
    through_link = RedisBus(
        url=f"redis://127.0.0.1:{link.port}/{target.get('db', 0)}", instance_name=instance_name
    )
    try:
        async with through_link.subscribe() as stream:
            seen = await _take_after_publish(bus, stream, 1)
            link.cut()
            bus.publish(_event(2))  # published while this web process is cut off
            with pytest.raises(UpstreamUnavailable):
                async with asyncio.timeout(30):
                    await anext(stream)
        link.restore()
        async with through_link.subscribe(after=seen.id) as resumed:
            (missed,) = await _take(resumed, 1)
        assert missed.payload["n"] == 2
    finally:
        through_link.close()
        link.close()


async def _take_after_publish(bus: RedisBus, stream: EventStream, n: int) -> Event:
    bus.publish(_event(n))
    (event,) = await _take(stream, 1)
    assert event.payload["n"] == n
    return event


def _connections(redis_url: str, name: str) -> list[dict[str, str]]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        return [c for c in client.client_list() if c.get("name") == name]
    finally:
        client.close()


async def _eventually(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while True:
            if check():
                return
            await asyncio.sleep(0.02)


async def _until_no_connections(redis_url: str, name: str) -> None:
    await _eventually(lambda: not _connections(redis_url, name))


async def test_many_subscribers_share_one_reader_connection(bus: RedisBus, redis_url: str) -> None:
    async with contextlib.AsyncExitStack() as stack:
        streams = [await stack.enter_async_context(bus.subscribe()) for _ in range(50)]
        published = [bus.publish(_event(n)) for n in range(3)]
        for stream in streams:
            assert [e.id for e in await _take(stream, 3)] == [e.id for e in published]
        assert len(bus.readers()) == 1
        assert len(_connections(redis_url, f"{bus.key}:reader")) == 1
        assert len(_connections(redis_url, f"{bus.key}:control")) <= 1
    # The last subscriber left: the reader stopped and closed its connections.
    assert bus.readers() == []
    await _until_no_connections(redis_url, f"{bus.key}:reader")
    await _until_no_connections(redis_url, f"{bus.key}:control")


async def test_a_late_subscriber_resumes_without_gaps_or_duplicates_while_others_read_live(
    bus: RedisBus,
) -> None:
    async with bus.subscribe() as early:
        published = [bus.publish(_event(n)) for n in range(10)]
        assert len(await _take(early, 10)) == 10  # the shared reader is now past every entry
        async with bus.subscribe(after=published[3].id) as late, bus.subscribe() as fresh:
            published.append(bus.publish(_event(10)))
            resumed = await _take(late, 7)
            (only_new,) = await _take(fresh, 1)
            (early_next,) = await _take(early, 1)
    assert [e.payload["n"] for e in resumed] == [4, 5, 6, 7, 8, 9, 10]
    assert [e.id for e in resumed] == [e.id for e in published[4:]]
    assert only_new.payload["n"] == 10
    assert early_next.payload["n"] == 10


async def test_a_subscriber_too_far_behind_the_shared_reader_is_told_to_resync(
    redis_url: str, instance_name: str
) -> None:
    bus = RedisBus(url=redis_url, instance_name=instance_name, retained=1000, subscriber_queue=5)
    try:
        async with bus.subscribe() as slow:
            published = [bus.publish(_event(n)) for n in range(20)]
            # The shared reader fans everything out while ``slow`` reads nothing.
            await _eventually(lambda: bus.readers()[0].position == published[-1].id)
            received = await _take(slow, 6)
        assert received[0].type == EventType.RESYNC
        assert [e.payload["n"] for e in received[1:]] == [15, 16, 17, 18, 19]
    finally:
        redis.Redis.from_url(redis_url).delete(bus.key, f"{bus.key}:seq")
        bus.close()


async def test_the_reader_reconnects_after_its_connection_is_killed_without_duplicates(
    bus: RedisBus, redis_url: str
) -> None:
    admin = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        async with bus.subscribe() as one, bus.subscribe() as two:
            await _take_after_publish(bus, one, 0)
            await _take(two, 1)
            (reader,) = _connections(redis_url, f"{bus.key}:reader")
            assert admin.client_kill_filter(_id=reader["id"]) == 1
            published = [bus.publish(_event(n)) for n in range(1, 6)]
            after_kill_one = await _take(one, 5)
            after_kill_two = await _take(two, 5)
            (new_reader,) = _connections(redis_url, f"{bus.key}:reader")
            bus.publish(_event(6))
            (last,) = await _take(one, 1)
        assert [e.id for e in after_kill_one] == [e.id for e in published]
        assert [e.id for e in after_kill_two] == [e.id for e in published]
        assert new_reader["id"] != reader["id"]
        assert last.payload["n"] == 6
    finally:
        admin.close()
