"""Telling open dashboard pages that rows of some entity changed, so they refresh what they show."""

from __future__ import annotations

from collections.abc import Iterable

from shelfscope.events.delivery import publish_quietly
from shelfscope.events.types import Event, EventBus, EventType

__all__ = ["MAX_IDS", "data_changed_event", "publish_data_changed"]

# Past this many ids a page is better off reloading the whole list than matching ids.
MAX_IDS = 200


def data_changed_event(*, workspace_id: int, entity: str, ids: Iterable[int | str]) -> Event:
    """A ``data_changed`` event; ``payload.ids`` is None when too many rows changed to list."""
    id_list = list(ids)
    return Event(
        type=EventType.DATA_CHANGED,
        workspace_id=workspace_id,
        payload={
            "entity": entity,
            "ids": id_list if len(id_list) <= MAX_IDS else None,
            "count": len(id_list),
        },
    )


def publish_data_changed(
    bus: EventBus, *, workspace_id: int, entity: str, ids: Iterable[int | str]
) -> Event | None:
    """Announce changed rows of ``entity`` (for example ``"runs"``) to the workspace's pages.

    Call it after the change is committed. Best effort: returns None when the bus is down.
    """
    return publish_quietly(bus, data_changed_event(workspace_id=workspace_id, entity=entity, ids=ids))
