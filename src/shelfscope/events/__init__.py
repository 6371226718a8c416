"""Events and live updates: typed events, the bus (in-process or Redis Streams), publishing helpers.

Services publish through ``platform.bus`` or, for changes tied to a database transaction,
:func:`publish_after_commit`; pages learn about changed rows from :func:`publish_data_changed`.
The WebSocket that delivers events to the dashboard lives in :mod:`shelfscope.events.routes`.
"""

from __future__ import annotations

from shelfscope.events.bus import InProcessBus, RedisBus, build_bus
from shelfscope.events.data_changed import publish_data_changed
from shelfscope.events.delivery import publish_after_commit, publish_quietly
from shelfscope.events.types import Event, EventBus, EventStream, EventType

__all__ = [
    "Event",
    "EventBus",
    "EventStream",
    "EventType",
    "InProcessBus",
    "RedisBus",
    "build_bus",
    "publish_after_commit",
    "publish_data_changed",
    "publish_quietly",
]
