"""Publishing helpers: data_changed events, publish-after-commit, and a bus that is down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from shelfscope.errors import UpstreamUnavailable
from shelfscope.events import (
    Event,
    EventType,
    InProcessBus,
    publish_after_commit,
    publish_data_changed,
    publish_quietly,
)
from shelfscope.events.data_changed import MAX_IDS


class RecordingBus(InProcessBus):
    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    def publish(self, event: Event) -> Event:
        stamped = super().publish(event)
        self.published.append(stamped)
        return stamped


class DownBus(InProcessBus):
    """A bus whose Redis is gone: every publish fails the way RedisBus reports it."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts: list[str] = []

    def publish(self, event: Event) -> Event:
        self.attempts.append(event.type)
        raise UpstreamUnavailable("event bus: cannot reach Redis")


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_data_changed_names_the_entity_and_ids() -> None:
    bus = RecordingBus()
    event = publish_data_changed(bus, workspace_id=7, entity="runs", ids=[3, 4])
    assert event is not None
    assert event.id is not None
    assert (event.type, event.workspace_id, event.user_id) == (EventType.DATA_CHANGED, 7, None)
    assert event.payload == {"entity": "runs", "ids": [3, 4], "count": 2}
    assert bus.published == [event]


def test_data_changed_with_too_many_ids_asks_for_a_full_reload() -> None:
    event = publish_data_changed(RecordingBus(), workspace_id=1, entity="products", ids=range(MAX_IDS + 1))
    assert event is not None
    assert event.payload == {"entity": "products", "ids": None, "count": MAX_IDS + 1}


def test_an_unreachable_bus_is_logged_not_raised() -> None:
    bus = DownBus()
    assert publish_data_changed(bus, workspace_id=1, entity="runs", ids=[1]) is None
    assert publish_quietly(bus, Event(type="x", workspace_id=1)) is None
    assert bus.attempts == [EventType.DATA_CHANGED, "x"]


def test_events_wait_for_the_commit(session: Session) -> None:
    bus = RecordingBus()
    session.execute(text("select 1"))
    publish_after_commit(session, bus, Event(type="first", workspace_id=1))
    publish_after_commit(session, bus, Event(type="second", workspace_id=1))
    assert bus.published == []
    session.commit()
    assert [e.type for e in bus.published] == ["first", "second"]
    session.commit()  # already delivered: nothing twice
    assert len(bus.published) == 2


def test_events_of_a_rolled_back_transaction_are_dropped(session: Session) -> None:
    bus = RecordingBus()
    session.execute(text("select 1"))
    publish_after_commit(session, bus, Event(type="lost", workspace_id=1))
    session.rollback()
    session.execute(text("select 1"))
    publish_after_commit(session, bus, Event(type="kept", workspace_id=1))
    session.commit()
    assert [e.type for e in bus.published] == ["kept"]


def test_a_bus_down_at_commit_time_does_not_fail_the_commit(session: Session) -> None:
    bus = DownBus()
    session.execute(text("select 1"))
    publish_after_commit(session, bus, Event(type="x", workspace_id=1))
    session.commit()
    assert bus.attempts == ["x"]
