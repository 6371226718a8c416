"""Helpers for the job system's tests: a platform on a given database with a fake clock and a
recording event bus, workspaces to own runs, and throwaway run kinds."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from shelfscope.auth.users import create_user
from shelfscope.auth.vault import Vault
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import Clock, FakeClock
from shelfscope.db import Database
from shelfscope.events.types import Event
from shelfscope.jobs.context import RunContext
from shelfscope.jobs.models import Run
from shelfscope.jobs.queue import build_queue
from shelfscope.jobs.registry import register_kind, unregister_kind
from shelfscope.platform import Platform
from shelfscope.settings import Settings


class RecordingBus:
    """An event bus that keeps what was published, for assertions."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def publish(self, event: Event) -> Event:
        with self._lock:
            stored = event.model_copy(update={"id": str(next(self._ids))})
            self.events.append(stored)
        return stored

    def subscribe(self, *, after: str | None = None) -> AsyncIterator[Event]:
        raise NotImplementedError

    def ping(self) -> None:
        return None

    def close(self) -> None:
        return None

    def of_type(self, event_type: str, run_id: int | None = None) -> list[Event]:
        with self._lock:
            return [
                e
                for e in self.events
                if e.type == event_type and (run_id is None or e.payload.get("run_id") == run_id)
            ]


def jobs_settings(settings: Settings, **jobs: Any) -> Settings:
    """``settings`` with some job settings changed."""
    return settings.model_copy(update={"jobs": settings.jobs.model_copy(update=jobs)})


@contextmanager
def jobs_platform(settings: Settings, db: Database, *, clock: Clock | None = None) -> Iterator[Platform]:
    """A platform on ``db`` whose queue is built from ``settings``, with a fake clock and recording bus."""
    platform = Platform(
        settings=settings,
        db=db,
        bus=RecordingBus(),
        queue=build_queue(settings),
        vault=Vault.from_settings(settings),
        clock=clock or FakeClock(),
    )
    try:
        yield platform
    finally:
        platform.queue.close()


def bus_of(platform: Platform) -> RecordingBus:
    assert isinstance(platform.bus, RecordingBus)
    return platform.bus


def make_workspace(db: Database, name: str = "Acme") -> int:
    with db.session() as session:
        owner = create_user(
            session, email=f"{uuid.uuid4().hex[:10]}@example.com", password="correct-horse-42"
        )
        return create_workspace(session, owner_id=owner.id, name=name).id


def load_run(db: Database, run_id: int) -> Run:
    with db.session() as session:
        run = session.scalar(select(Run).where(Run.id == run_id))
        assert run is not None
        return run


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0, interval: float = 0.05) -> None:
    """Poll ``condition`` until true; fail after ``timeout`` seconds (real threads, bounded wait)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@contextmanager
def throwaway_kind(
    handler: Callable[[RunContext], dict[str, Any] | None], *, max_attempts: int | None = None
) -> Iterator[str]:
    """Register ``handler`` under a unique kind name for the duration of a test."""
    name = f"test.{uuid.uuid4().hex[:10]}"
    register_kind(name, handler, max_attempts=max_attempts)
    try:
        yield name
    finally:
        unregister_kind(name)
