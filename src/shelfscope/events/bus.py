"""Choosing the event bus from settings: in-process for embedded mode, Redis Streams otherwise."""

from __future__ import annotations

from shelfscope.errors import ConfigError
from shelfscope.events.memory_bus import InProcessBus
from shelfscope.events.redis_bus import RedisBus
from shelfscope.events.types import EventBus
from shelfscope.settings import Settings

__all__ = ["InProcessBus", "RedisBus", "build_bus"]

_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def build_bus(settings: Settings) -> EventBus:
    """The bus named by ``settings.resolved_bus_url`` (``memory://`` or ``redis://…``)."""
    url = settings.resolved_bus_url
    if url.startswith("memory://"):
        return InProcessBus.from_settings(settings)
    if url.startswith(_REDIS_SCHEMES):
        return RedisBus.from_settings(settings)
    raise ConfigError(f"unsupported event bus URL {url!r}: use memory:// or redis://host:port/db")
