"""The queue on a SqliteHuey file and on Redis: delivery of run ids, priorities, outages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shelfscope.errors import ConfigError, UpstreamUnavailable
from shelfscope.jobs.queue import HueyJobQueue, build_queue
from shelfscope.settings import Settings


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def queue(request: pytest.FixtureRequest, settings: Settings) -> Iterator[HueyJobQueue]:
    if request.param == "redis":
        settings = settings.model_copy(update={"queue_url": request.getfixturevalue("redis_url")})
    queue = build_queue(settings)
    yield queue
    queue.huey.flush()
    queue.close()


def _deliver_all(queue: HueyJobQueue) -> None:
    while (task := queue.huey.dequeue()) is not None:
        queue.huey.execute(task)


def test_enqueued_run_ids_reach_the_bound_runner(queue: HueyJobQueue) -> None:
    received: list[int] = []
    queue.bind_runner(received.append)
    for run_id in (7, 8, 9):
        queue.enqueue_run(run_id)
    assert queue.pending_count() == 3
    _deliver_all(queue)
    assert received == [7, 8, 9]
    assert queue.pending_count() == 0


def test_higher_priority_runs_are_delivered_first(queue: HueyJobQueue) -> None:
    received: list[int] = []
    queue.bind_runner(received.append)
    queue.enqueue_run(1, priority=0)
    queue.enqueue_run(2, priority=10)
    queue.enqueue_run(3, priority=5)
    _deliver_all(queue)
    assert received == [2, 3, 1]


def test_without_a_bound_runner_the_message_fails_loudly(
    queue: HueyJobQueue, caplog: pytest.LogCaptureFixture
) -> None:
    queue.enqueue_run(5)
    task = queue.huey.dequeue()
    # Huey logs the task's error; the run row stays queued for the scheduler to send again.
    with caplog.at_level("ERROR", logger="huey"):
        queue.huey.execute(task)
    assert "no run executor is bound in this process; run 5 left queued" in caplog.text
    assert queue.pending_count() == 0


def test_delayed_runs_wait_in_the_schedule(queue: HueyJobQueue) -> None:
    queue.enqueue_run(11, delay_seconds=3600)
    task = queue.huey.dequeue()
    queue.huey.execute(task)  # not due: parked in Huey's schedule instead of running
    assert queue.huey.scheduled_count() == 1


def test_two_instances_do_not_share_a_queue(settings: Settings) -> None:
    first = build_queue(settings)
    second = build_queue(settings.model_copy(update={"instance_name": settings.instance_name + "b"}))
    first.enqueue_run(1)
    assert (first.pending_count(), second.pending_count()) == (1, 0)
    first.close()
    second.close()


def test_unreachable_redis_is_upstream_unavailable(settings: Settings) -> None:
    queue = build_queue(settings.model_copy(update={"queue_url": "redis://127.0.0.1:1/0"}))
    with pytest.raises(UpstreamUnavailable, match="task queue unavailable"):
        queue.ping()
    with pytest.raises(UpstreamUnavailable, match="task queue unavailable"):
        queue.enqueue_run(1)
    queue.close()


def test_sqlite_queue_answers_ping(settings: Settings) -> None:
    queue = build_queue(settings)
    queue.ping()
    assert Path(settings.resolved_queue_url.removeprefix("sqlite:///")).exists()
    queue.close()


@pytest.mark.parametrize("url", ["amqp://localhost", "sqlite://", "queue.db"])
def test_unsupported_queue_urls_are_config_errors(settings: Settings, url: str) -> None:
    with pytest.raises(ConfigError):
        build_queue(settings.model_copy(update={"queue_url": url}))
