"""The audit trail is written by the flush listener, with the actor from the context."""

from __future__ import annotations

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select

from shelfscope.auth import passwords
from shelfscope.auth.api_keys import create_api_key, revoke_api_key
from shelfscope.auth.audit import AUDIT_ACTOR_KEY, AuditActor, actor_context
from shelfscope.auth.audit_log import list_audit
from shelfscope.auth.models import AuditLog, LoginAttempt, Membership
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user, reset_password
from shelfscope.auth.workspaces import create_workspace, update_workspace
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import PermissionDenied

PASSWORD = "correct-horse-battery"


_CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, test-sized: the production cost (~0.3 s a hash) would dominate the suite."""
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP_HASHER)


def _rows(db: Database) -> list[AuditLog]:
    with db.session() as session:
        return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_mutations_are_logged_with_actor_ip_and_field_names_only(db: Database) -> None:
    clock = FakeClock()
    with actor_context(AuditActor(via="cli")), db.session() as session:
        user = create_user(session, email="owner@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=user.id, name="Acme")
    principal = Principal(
        user_id=user.id, workspace_id=workspace.id, role=Role.OWNER, via="session", ip="203.0.113.9"
    )
    with actor_context(principal, user_agent="Mozilla/5.0 test"), db.session() as session:
        api_key, key = create_api_key(session, principal=principal, name="deploy", now=clock.now())
        update_workspace(session, principal=principal, workspace_id=workspace.id, timezone="Europe/Paris")
        revoke_api_key(session, principal=principal, api_key_id=api_key.id, now=clock.now())

    rows = _rows(db)
    summary = [(r.action, r.entity_type, r.via, r.actor_user_id) for r in rows]
    assert summary == [
        ("create", "user", "cli", None),
        ("create", "workspace", "cli", None),
        ("create", "membership", "cli", None),
        ("create", "api_key", "session", user.id),
        ("update", "workspace", "session", user.id),
        ("update", "api_key", "session", user.id),
    ]
    created_key, workspace_update, revoked_key = rows[3], rows[4], rows[5]
    assert created_key.entity_id == str(api_key.id)
    assert created_key.workspace_id == workspace.id
    assert (created_key.ip, created_key.user_agent) == ("203.0.113.9", "Mozilla/5.0 test")
    assert "key_hash" in created_key.changed_fields
    assert workspace_update.changed_fields == ["timezone"]
    assert revoked_key.changed_fields == ["revoked_at"]
    dumped = repr([(r.changed_fields, r.entity_id, r.user_agent) for r in rows])
    assert key not in dumped
    assert api_key.key_hash not in dumped
    assert PASSWORD not in dumped


def test_secret_change_is_recorded_by_name_never_by_value(db: Database) -> None:
    clock = FakeClock()
    with db.session() as session:
        user = create_user(session, email="a@example.com", password=PASSWORD)
    with actor_context(AuditActor(via="cli")), db.session() as session:
        reset_password(session, email="a@example.com", password="another-password-1", now=clock.now())
        new_hash = user.password_hash
    last = _rows(db)[-1]
    assert (last.action, last.entity_type, last.changed_fields) == ("update", "user", ["password_hash"])
    assert new_hash not in repr(last.changed_fields)


def test_session_bound_actor_wins_over_context_and_deletes_are_logged(db: Database) -> None:
    with db.session() as session:
        user = create_user(session, email="a@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=user.id, name="Acme")
    bound = AuditActor(via="token", user_id=user.id, workspace_id=workspace.id, ip="10.0.0.1")
    with actor_context(AuditActor(via="cli")), db.session() as session:
        session.info[AUDIT_ACTOR_KEY] = bound
        membership = session.scalars(select(Membership)).one()
        session.delete(membership)
    last = _rows(db)[-1]
    assert (last.action, last.entity_type, last.entity_id) == ("delete", "membership", str(membership.id))
    assert (last.via, last.actor_user_id, last.ip, last.workspace_id) == (
        "token",
        user.id,
        "10.0.0.1",
        workspace.id,
    )


def test_bookkeeping_columns_and_unaudited_tables_write_no_rows(db: Database) -> None:
    clock = FakeClock()
    with db.session() as session:
        user = create_user(session, email="a@example.com", password=PASSWORD)
    before = len(_rows(db))
    with db.session() as session:
        session.get_one(type(user), user.id).last_login_at = clock.now()
        session.add(LoginAttempt(email="a@example.com", ip="1.1.1.1", succeeded=True, at=clock.now()))
    assert len(_rows(db)) == before


def test_admins_list_the_audit_log_filtered_and_paginated(db: Database) -> None:
    clock = FakeClock()
    with db.session() as session:
        user = create_user(session, email="a@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=user.id, name="Acme")
        other = create_workspace(session, owner_id=user.id, name="Other")
    owner = Principal(user_id=user.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
    with actor_context(owner), db.session() as session:
        for name in ("one", "two", "three"):
            create_api_key(session, principal=owner, name=name, now=clock.now())
    with db.session() as session:
        rows, total = list_audit(
            session, principal=owner, entity_type="api_key", actor_user_id=user.id, limit=2
        )
        assert total == 3
        assert [r.action for r in rows] == ["create", "create"]
        assert int(rows[0].entity_id) > int(rows[1].entity_id)
        page2, _ = list_audit(session, principal=owner, entity_type="api_key", limit=2, offset=2)
        assert len(page2) == 1
        elsewhere = Principal(user_id=user.id, workspace_id=other.id, role=Role.OWNER, via="session")
        assert list_audit(session, principal=elsewhere, entity_type="api_key")[1] == 0
        member = Principal(user_id=user.id, workspace_id=workspace.id, role=Role.MEMBER, via="session")
        with pytest.raises(PermissionDenied):
            list_audit(session, principal=member)
