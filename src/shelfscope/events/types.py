"""Typed events: what happened, in which workspace, for the live dashboard and observers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field

from shelfscope.clock import utcnow

__all__ = ["Event", "EventBus", "EventStream", "EventType"]


class EventType:
    """Names of the events the platform publishes. Features add their own, prefixed by feature."""

    RUN_PROGRESS = "run_progress"  # a run advanced: status, done, total
    RUN_FINISHED = "run_finished"  # a run ended: succeeded, failed, partial or cancelled
    NOTIFICATION = "notification"  # an in-app notification for one user or every member
    NOTIFICATION_READ = "notification_read"  # a user read notifications; their other tabs update
    DATA_CHANGED = "data_changed"  # rows of some entity changed; pages refresh what they show
    RESYNC = "resync"  # sent by the bus itself: events were lost for this subscriber; reload state


class Event(BaseModel):
    """One event. ``id`` is assigned by the bus and orders events for resume after reconnect."""

    type: str
    workspace_id: int | None = Field(None, description="None: a system event no workspace sees.")
    user_id: int | None = Field(None, description="Set: only this user receives it.")
    payload: dict[str, Any] = Field(default_factory=dict)
    at: datetime = Field(default_factory=utcnow)
    id: str | None = None


class EventStream(Protocol):
    """One live subscription: an async iterator of events that must be closed when done.

    ``async with bus.subscribe(after=...) as events`` fixes the start position before the first
    read (so nothing published after entering is missed) and closes the subscription on exit.
    Besides published events it yields ``EventType.RESYNC`` events (no workspace, no id) when
    events were lost for this subscriber: it fell behind, or ``after`` is no longer retained.
    """

    def __aiter__(self) -> EventStream: ...

    async def __anext__(self) -> Event: ...

    async def __aenter__(self) -> EventStream: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def aclose(self) -> None: ...


class EventBus(Protocol):
    """Fan-out of events to every web process; publish is thread-safe and never blocks long."""

    def publish(self, event: Event) -> Event:
        """Send ``event`` to every subscriber; returns it with its assigned ``id``."""
        ...

    def subscribe(self, *, after: str | None = None) -> EventStream:
        """Every event published from now on, preceded by retained events after ``after``.

        Ids are opaque strings; only ids this bus assigned are meaningful as ``after``. Call it
        from the event loop that will iterate the stream.
        """
        ...

    def ping(self) -> None:
        """Raise :class:`shelfscope.errors.UpstreamUnavailable` when the bus cannot be reached."""
        ...

    def close(self) -> None: ...
