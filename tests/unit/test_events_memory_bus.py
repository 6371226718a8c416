"""The in-process bus: ordering, resume, bounded memory, threads publishing to an event loop."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from shelfscope.errors import ConfigError, UpstreamUnavailable
from shelfscope.events.bus import InProcessBus, RedisBus, build_bus
from shelfscope.events.types import Event, EventStream, EventType
from shelfscope.settings import Settings


def _event(n: int, *, workspace_id: int = 1) -> Event:
    return Event(type="test", workspace_id=workspace_id, payload={"n": n})


async def _take(stream: EventStream, count: int) -> list[Event]:
    async with asyncio.timeout(5):
        return [await anext(stream) for _ in range(count)]


def _seq(event: Event) -> int:
    assert event.id is not None
    return int(event.id.rsplit("-", 1)[1])


async def test_subscriber_receives_events_in_publish_order_with_increasing_ids() -> None:
    bus = InProcessBus()
    async with bus.subscribe() as stream:
        published = [bus.publish(_event(n)) for n in range(5)]
        received = await _take(stream, 5)
    assert [e.payload["n"] for e in received] == [0, 1, 2, 3, 4]
    assert [e.id for e in received] == [e.id for e in published]
    assert [_seq(e) for e in received] == [1, 2, 3, 4, 5]


async def test_subscriber_does_not_see_events_published_before_it_subscribed() -> None:
    bus = InProcessBus()
    bus.publish(_event(0))
    async with bus.subscribe() as stream:
        bus.publish(_event(1))
        (first,) = await _take(stream, 1)
    assert first.payload["n"] == 1


async def test_resume_after_an_id_replays_later_retained_events_then_live_ones() -> None:
    bus = InProcessBus()
    published = [bus.publish(_event(n)) for n in range(5)]
    async with bus.subscribe(after=published[1].id) as stream:
        bus.publish(_event(5))
        received = await _take(stream, 4)
    assert [e.payload["n"] for e in received] == [2, 3, 4, 5]


async def test_resume_after_the_newest_id_replays_nothing() -> None:
    bus = InProcessBus()
    last = [bus.publish(_event(n)) for n in range(3)][-1]
    async with bus.subscribe(after=last.id) as stream:
        bus.publish(_event(3))
        (first,) = await _take(stream, 1)
    assert first.payload["n"] == 3


async def test_ring_buffer_keeps_only_the_newest_events_and_older_ids_get_resync() -> None:
    bus = InProcessBus(retained=10)
    published = [bus.publish(_event(n)) for n in range(25)]

    async with bus.subscribe(after=published[14].id) as stream:
        received = await _take(stream, 10)
    assert [e.payload["n"] for e in received] == list(range(15, 25))

    async with bus.subscribe(after=published[13].id) as stream:  # 14 was the last evicted
        bus.publish(_event(25))
        first, second = await _take(stream, 2)
    assert first.type == EventType.RESYNC
    assert first.id is None
    assert second.payload["n"] == 25


@pytest.mark.parametrize("after", ["not-an-id", "0000-1", "garbage"])
async def test_an_id_this_bus_never_issued_gets_resync(after: str) -> None:
    bus = InProcessBus()
    bus.publish(_event(0))
    async with bus.subscribe(after=after) as stream:
        bus.publish(_event(1))
        first, second = await _take(stream, 2)
    assert first.type == EventType.RESYNC
    assert second.payload["n"] == 1


async def test_an_id_from_before_a_restart_gets_resync() -> None:
    old = InProcessBus()
    stale_id = old.publish(_event(0)).id
    restarted = InProcessBus()
    for n in range(5):
        restarted.publish(_event(n))
    async with restarted.subscribe(after=stale_id) as stream:
        (first,) = await _take(stream, 1)
    assert first.type == EventType.RESYNC


async def test_events_published_from_worker_threads_reach_the_async_subscriber() -> None:
    bus = InProcessBus(retained=10, subscriber_queue=10_000)
    threads, per_thread = 4, 250
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

    assert [_seq(e) for e in received] == list(range(1, threads * per_thread + 1))
    for worker in range(threads):
        assert [e.payload["n"] for e in received if e.payload["worker"] == worker] == list(range(per_thread))


async def test_slow_subscriber_loses_oldest_events_and_is_told_to_resync() -> None:
    bus = InProcessBus(subscriber_queue=5)
    async with bus.subscribe() as slow, bus.subscribe() as other:
        # Publishing never waits for readers: all 50 return at once, stamped.
        published = [bus.publish(_event(n)) for n in range(50)]
        assert all(e.id for e in published)
        received = await _take(slow, 6)
        bus.publish(_event(50))
        (after_resync,) = await _take(slow, 1)
        other_first = await _take(other, 1)
    assert received[0].type == EventType.RESYNC
    assert [e.payload["n"] for e in received[1:]] == [45, 46, 47, 48, 49]
    assert after_resync.payload["n"] == 50
    assert other_first[0].type == EventType.RESYNC


async def test_closed_subscription_stops_receiving_and_is_forgotten() -> None:
    bus = InProcessBus(subscriber_queue=3)
    stream = bus.subscribe()
    async with stream:
        bus.publish(_event(0))
        await _take(stream, 1)
    assert bus._subscribers == set()
    for n in range(10):
        bus.publish(_event(n))
    with pytest.raises(StopAsyncIteration):
        await anext(stream)


async def test_closing_the_bus_ends_every_subscription() -> None:
    bus = InProcessBus()
    async with bus.subscribe() as stream:
        waiter = asyncio.create_task(anext(stream))
        await asyncio.sleep(0)
        bus.close()
        async with asyncio.timeout(5):
            with pytest.raises(StopAsyncIteration):
                await waiter
    with pytest.raises(UpstreamUnavailable):
        bus.ping()


def test_open_bus_answers_ping() -> None:
    InProcessBus().ping()


def test_build_bus_is_in_process_by_default(settings: Settings) -> None:
    assert settings.resolved_bus_url == "memory://"
    assert isinstance(build_bus(settings), InProcessBus)


def test_build_bus_uses_redis_when_the_queue_is_redis(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, dev=True, queue_url="redis://127.0.0.1:1/0", instance_name="x1")
    bus = build_bus(settings)
    assert isinstance(bus, RedisBus)
    assert bus.key == "x1:events"
    bus.close()


def test_build_bus_refuses_an_unknown_scheme(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, dev=True, bus_url="kafka://somewhere")
    with pytest.raises(ConfigError, match="kafka://somewhere"):
        build_bus(settings)
