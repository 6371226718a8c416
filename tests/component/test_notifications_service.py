"""Notifications on SQLite and PostgreSQL: fan-out, unread counts, marking read, isolation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from shelfscope.alerts.models import Notification
from shelfscope.alerts.notifications import (
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
    unread_count,
)
from shelfscope.auth.members import add_member
from shelfscope.auth.models import User
from shelfscope.auth.principal import Role
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.errors import InvalidInput, NotFound
from shelfscope.events.memory_bus import InProcessBus
from shelfscope.events.types import Event, EventType

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class RecordingBus(InProcessBus):
    """The real in-process bus, remembering what was published for assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[Event] = []

    def publish(self, event: Event) -> Event:
        stamped = super().publish(event)
        self.published.append(stamped)
        return stamped


@dataclass
class Org:
    workspace: int
    owner: int
    member: int
    viewer: int
    inactive: int
    other_workspace: int
    outsider: int


@pytest.fixture
def org(db: Database) -> Org:
    with db.session() as s:
        # Rows rather than create_user(): password hashing is not what these tests are about.
        accounts = {
            name: User(email=f"{name}@example.com", password_hash="!", is_active=name != "inactive")
            for name in ("owner", "member", "viewer", "outsider", "inactive")
        }
        s.add_all(accounts.values())
        s.flush()
        users = {name: user.id for name, user in accounts.items()}
        workspace = create_workspace(s, owner_id=users["owner"], name="Acme").id
        add_member(s, workspace_id=workspace, user_id=users["member"], role=Role.MEMBER)
        add_member(s, workspace_id=workspace, user_id=users["viewer"], role=Role.VIEWER)
        add_member(s, workspace_id=workspace, user_id=users["inactive"], role=Role.MEMBER)
        other = create_workspace(s, owner_id=users["outsider"], name="Rival").id
        # The member also belongs to the rival workspace: scoping must be by workspace, not user.
        add_member(s, workspace_id=other, user_id=users["member"], role=Role.VIEWER)
    return Org(workspace=workspace, other_workspace=other, **users)


@pytest.fixture
def bus() -> RecordingBus:
    return RecordingBus()


def test_notify_without_user_fans_out_to_every_active_member(
    db: Database, org: Org, bus: RecordingBus
) -> None:
    with db.session() as s:
        rows = notify(
            s, bus, workspace_id=org.workspace, title="Import done", body="42 rows", link="/runs/7", now=T0
        )
        assert bus.published == []  # nothing is announced before the commit
    assert sorted(r.user_id for r in rows) == sorted([org.owner, org.member, org.viewer])
    assert {(r.title, r.body, r.link, r.level, r.kind, r.created_at) for r in rows} == {
        ("Import done", "42 rows", "/runs/7", "info", "general", T0)
    }
    assert [e.type for e in bus.published] == [EventType.NOTIFICATION] * 3
    assert sorted(e.user_id for e in bus.published if e.user_id) == sorted(
        [org.owner, org.member, org.viewer]
    )
    assert {e.workspace_id for e in bus.published} == {org.workspace}
    by_user = {e.user_id: e.payload for e in bus.published}
    mine = next(r for r in rows if r.user_id == org.viewer)
    assert by_user[org.viewer]["id"] == mine.id
    assert by_user[org.viewer]["title"] == "Import done"
    assert by_user[org.viewer]["read_at"] is None
    with db.session() as s:
        assert unread_count(s, workspace_id=org.other_workspace, user_id=org.member) == 0
        assert unread_count(s, workspace_id=org.workspace, user_id=org.inactive) == 0


def test_notify_with_user_reaches_only_that_user(db: Database, org: Org, bus: RecordingBus) -> None:
    with db.session() as s:
        (row,) = notify(
            s,
            bus,
            workspace_id=org.workspace,
            user_id=org.member,
            title="Run failed",
            level="error",
            kind="run_failed",
        )
    assert (row.user_id, row.level, row.kind) == (org.member, "error", "run_failed")
    assert [(e.type, e.user_id) for e in bus.published] == [(EventType.NOTIFICATION, org.member)]
    with db.session() as s:
        assert unread_count(s, workspace_id=org.workspace, user_id=org.member) == 1
        assert unread_count(s, workspace_id=org.workspace, user_id=org.owner) == 0


def test_notify_refuses_a_user_outside_the_workspace(db: Database, org: Org, bus: RecordingBus) -> None:
    with pytest.raises(NotFound), db.session() as s:
        notify(s, bus, workspace_id=org.workspace, user_id=org.outsider, title="Secret")
    assert bus.published == []


def test_rolled_back_notifications_are_never_announced(db: Database, org: Org, bus: RecordingBus) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        notify(s, bus, workspace_id=org.workspace, title="Will vanish")
        raise RuntimeError("the surrounding work failed")
    with db.session() as s:
        notify(s, bus, workspace_id=org.workspace, user_id=org.owner, title="Kept")
    assert [e.payload["title"] for e in bus.published] == ["Kept"]
    with db.session() as s:
        assert unread_count(s, workspace_id=org.workspace, user_id=org.owner) == 1


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"level": "panic"}, "level"),
        ({"kind": "Has Spaces"}, "kind"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"link": "//evil.example/phish"}, "link"),
        ({"link": "/\\evil.example/phish"}, "link"),
        ({"link": "/runs/1 onclick=x"}, "link"),
    ],
)
def test_notify_rejects_bad_content(
    db: Database, org: Org, bus: RecordingBus, options: dict[str, str], field: str
) -> None:
    arguments = {"title": "Fine", **options}
    with pytest.raises(InvalidInput) as caught, db.session() as s:
        notify(s, bus, workspace_id=org.workspace, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_list_is_newest_first_paginated_and_filters_unread(db: Database, org: Org, bus: RecordingBus) -> None:
    with db.session() as s:
        for n in range(5):
            notify(
                s,
                bus,
                workspace_id=org.workspace,
                user_id=org.viewer,
                title=f"n{n}",
                now=T0 + timedelta(minutes=n),
            )
        notify(s, bus, workspace_id=org.workspace, user_id=org.owner, title="not yours")
    with db.session() as s:
        page, total = list_notifications(s, workspace_id=org.workspace, user_id=org.viewer, limit=2, offset=1)
        assert ([r.title for r in page], total) == (["n3", "n2"], 5)
        newest = list_notifications(s, workspace_id=org.workspace, user_id=org.viewer)[0][0]
        mark_read(s, workspace_id=org.workspace, user_id=org.viewer, notification_id=newest.id)
    with db.session() as s:
        unread, total = list_notifications(
            s, workspace_id=org.workspace, user_id=org.viewer, unread_only=True
        )
        assert ([r.title for r in unread], total) == (["n3", "n2", "n1", "n0"], 4)
        assert unread_count(s, workspace_id=org.workspace, user_id=org.viewer) == 4


def test_mark_read_keeps_the_first_read_time_and_tells_other_tabs(
    db: Database, org: Org, bus: RecordingBus
) -> None:
    with db.session() as s:
        first, second = (
            notify(s, bus, workspace_id=org.workspace, user_id=org.member, title=t)[0] for t in ("a", "b")
        )
    bus.published.clear()
    with db.session() as s:
        row = mark_read(
            s, workspace_id=org.workspace, user_id=org.member, notification_id=first.id, bus=bus, now=T0
        )
        assert row.read_at == T0
    with db.session() as s:
        again = mark_read(
            s,
            workspace_id=org.workspace,
            user_id=org.member,
            notification_id=first.id,
            bus=bus,
            now=T0 + timedelta(1),
        )
        assert again.read_at == T0
        assert unread_count(s, workspace_id=org.workspace, user_id=org.member) == 1
    assert [(e.type, e.user_id, e.payload) for e in bus.published] == [
        (EventType.NOTIFICATION_READ, org.member, {"ids": [first.id], "unread": 1})
    ]
    assert second.read_at is None


def test_another_users_or_workspaces_notification_is_not_found(
    db: Database, org: Org, bus: RecordingBus
) -> None:
    with db.session() as s:
        (owners,) = notify(s, bus, workspace_id=org.workspace, user_id=org.owner, title="for the owner")
        (rivals,) = notify(s, bus, workspace_id=org.other_workspace, user_id=org.member, title="rival side")
    with db.session() as s:
        with pytest.raises(NotFound):
            mark_read(s, workspace_id=org.workspace, user_id=org.member, notification_id=owners.id)
        with pytest.raises(NotFound):  # same user, but acting in the other workspace
            mark_read(s, workspace_id=org.workspace, user_id=org.member, notification_id=rivals.id)
        with pytest.raises(NotFound):
            mark_read(s, workspace_id=org.workspace, user_id=org.member, notification_id=10**9)
    with db.session() as s:
        assert s.get(Notification, owners.id).read_at is None  # type: ignore[union-attr]
        assert s.get(Notification, rivals.id).read_at is None  # type: ignore[union-attr]


def test_mark_all_read_touches_only_the_users_rows_in_that_workspace(
    db: Database, org: Org, bus: RecordingBus
) -> None:
    with db.session() as s:
        notify(s, bus, workspace_id=org.workspace, title="everyone")
        notify(s, bus, workspace_id=org.workspace, user_id=org.member, title="member only")
        notify(s, bus, workspace_id=org.other_workspace, user_id=org.member, title="member elsewhere")
    bus.published.clear()
    with db.session() as s:
        assert mark_all_read(s, workspace_id=org.workspace, user_id=org.member, bus=bus, now=T0) == 2
    with db.session() as s:
        assert unread_count(s, workspace_id=org.workspace, user_id=org.member) == 0
        assert unread_count(s, workspace_id=org.other_workspace, user_id=org.member) == 1
        assert unread_count(s, workspace_id=org.workspace, user_id=org.owner) == 1
        assert mark_all_read(s, workspace_id=org.workspace, user_id=org.member, bus=bus) == 0
    assert [(e.type, e.payload) for e in bus.published] == [
        (EventType.NOTIFICATION_READ, {"ids": None, "unread": 0})
    ]
