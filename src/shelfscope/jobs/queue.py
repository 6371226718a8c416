"""The task queue: Huey as a delivery trigger for rows in the ``runs`` table.

Huey delivers at most once and may lose a message with a killed worker, so the queue carries
nothing but a run id. The database row is the truth; the scheduler re-enqueues runs whose
delivery got lost and the worker's atomic claim turns duplicate deliveries into no-ops.

There is one generic Huey task, ``execute_run(run_id)``, registered on each instance by
:func:`build_queue`. What it does is bound later with :meth:`HueyJobQueue.bind_runner` by the
process that consumes the queue (a worker), because only that process has built the platform
the runner needs. This is the only module that imports huey.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from huey import PriorityRedisHuey, SqliteHuey
from huey.consumer import Consumer
from redis import ConnectionPool
from redis import exceptions as redis_exc

from shelfscope.errors import ConfigError, UpstreamUnavailable
from shelfscope.logs import get_logger
from shelfscope.settings import Settings

__all__ = ["ConsumerHandle", "HueyJobQueue", "JobQueue", "RunRunner", "build_queue"]

log = get_logger(__name__)

RunRunner = Callable[[int], None]

_REDIS_CONNECT_TIMEOUT_SECONDS = 3.0
# Workers block in BZPOPMIN for one second at a time; socket reads must outlast that.
_REDIS_SOCKET_TIMEOUT_SECONDS = 10.0
# An idle SqliteHuey worker polls with backoff; cap it so new runs start within about a second.
_MAX_POLL_DELAY_SECONDS = 1.0


class JobQueue(Protocol):
    """Delivery of run ids to workers."""

    @property
    def huey(self) -> Any:
        """The underlying Huey instance, for the consumer that runs the workers."""
        ...

    def enqueue_run(self, run_id: int, *, priority: int = 0, delay_seconds: float = 0.0) -> None:
        """Ask a worker to execute the run; raise :class:`UpstreamUnavailable` if the queue is down."""
        ...

    def ping(self) -> None:
        """Raise :class:`shelfscope.errors.UpstreamUnavailable` when the queue cannot be reached."""
        ...

    def bind_runner(self, runner: RunRunner | None) -> None:
        """Set what a delivered run id does in this process (workers only)."""
        ...

    def create_consumer(self, *, workers: int, shutdown_timeout: float | None) -> ConsumerHandle:
        """Worker threads consuming this queue (not started)."""
        ...

    def close(self) -> None: ...


class HueyJobQueue:
    """A :class:`JobQueue` over one Huey instance with the single ``execute_run`` task."""

    def __init__(self, huey: Any) -> None:
        self._huey = huey
        self._runner: RunRunner | None = None

        @huey.task(name="execute_run")  # type: ignore[untyped-decorator]
        def execute_run(run_id: int) -> None:
            self._run(run_id)

        self._task = execute_run

    @property
    def huey(self) -> Any:
        return self._huey

    def bind_runner(self, runner: RunRunner | None) -> None:
        """Set what ``execute_run`` does in this process (``None`` unbinds)."""
        self._runner = runner

    def _run(self, run_id: int) -> None:
        if self._runner is None:
            # The run stays queued; the scheduler re-enqueues it for a process that can run it.
            raise RuntimeError(f"no run executor is bound in this process; run {run_id} left queued")
        self._runner(run_id)

    def enqueue_run(self, run_id: int, *, priority: int = 0, delay_seconds: float = 0.0) -> None:
        task = self._task.s(run_id, priority=priority, delay=delay_seconds if delay_seconds > 0 else None)
        try:
            self._huey.enqueue(task)
        except Exception as exc:
            raise UpstreamUnavailable(f"task queue unavailable: {exc}") from exc

    def pending_count(self) -> int:
        """Messages waiting for a worker (not counting delayed ones)."""
        return int(self._huey.pending_count())

    def ping(self) -> None:
        try:
            storage = self._huey.storage
            if hasattr(storage, "conn") and hasattr(storage.conn, "ping"):
                storage.conn.ping()
            else:
                storage.queue_size()
        except Exception as exc:
            raise UpstreamUnavailable(f"task queue unavailable: {exc}") from exc

    def create_consumer(self, *, workers: int, shutdown_timeout: float | None) -> ConsumerHandle:
        return ConsumerHandle(
            _QuietConsumer(
                self._huey,
                workers=workers,
                worker_type="thread",
                periodic=False,
                max_delay=_MAX_POLL_DELAY_SECONDS,
                shutdown_timeout=shutdown_timeout,
            )
        )

    def close(self) -> None:
        storage = self._huey.storage
        try:
            if hasattr(storage, "pool"):
                storage.pool.disconnect()
            else:
                storage.close()
        except (OSError, redis_exc.RedisError) as exc:
            log.warning("queue_close_failed", error=str(exc))


class _QuietConsumer(Consumer):  # type: ignore[misc]
    def _set_signal_handlers(self) -> None:
        """Huey's consumer would take over SIGINT/SIGTERM; the host process owns them.

        ``serve`` runs the consumer inside the web server, whose own signal handling must keep
        working, and ``run_worker`` installs handlers that also hand unfinished runs back.
        """


class ConsumerHandle:
    """Huey worker threads (plus Huey's thread that releases delayed messages), without Huey's API."""

    def __init__(self, consumer: Consumer) -> None:
        self._consumer = consumer

    def start(self) -> None:
        self._consumer.start()

    def supervise(self) -> None:
        """Replace worker threads that died; call now and then from the owning thread."""
        self._consumer.check_worker_health()

    def stop_taking(self) -> None:
        """Take no further messages; running handlers go on (returns at once)."""
        self._consumer.stop_flag.set()

    def stop(self) -> None:
        """Stop taking messages and wait for running handlers, up to the shutdown timeout."""
        self._consumer.stop(graceful=True)


def build_queue(settings: Settings) -> HueyJobQueue:
    """The queue for ``settings.resolved_queue_url``: a SQLite file or Redis, named by instance."""
    url = settings.resolved_queue_url
    scheme = urlparse(url).scheme
    if scheme in ("redis", "rediss"):
        pool = ConnectionPool.from_url(
            url,
            socket_connect_timeout=_REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=_REDIS_SOCKET_TIMEOUT_SECONDS,
        )
        huey: Any = PriorityRedisHuey(settings.instance_name, results=False, connection_pool=pool)
    elif scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        if not path or path == url:
            raise ConfigError(f"queue URL {url!r} must look like sqlite:///path/to/queue.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(settings.instance_name, results=False, filename=path)
    else:
        raise ConfigError(f"unsupported queue URL {url!r}: use sqlite:///path or redis://host:port/db")
    return HueyJobQueue(huey)
