"""Users, workspaces, members and roles, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select

from shelfscope.auth import passwords
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.bootstrap import DEFAULT_OWNER_EMAIL, bootstrap_owner
from shelfscope.auth.login import login_with_password
from shelfscope.auth.members import add_member, change_member_role, list_members, remove_member
from shelfscope.auth.models import ApiKey, Membership, User
from shelfscope.auth.passwords import verify_password
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user, list_users, reset_password
from shelfscope.auth.web_sessions import create_web_session, resolve_web_session
from shelfscope.auth.workspaces import create_workspace, list_user_workspaces, update_workspace
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import AuthenticationRequired, Conflict, InvalidInput, NotFound, PermissionDenied
from shelfscope.settings import Settings

PASSWORD = "correct-horse-battery"


_CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, test-sized: the production cost (~0.3 s a hash) would dominate the suite."""
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP_HASHER)


def _principal(db: Database, user_id: int, workspace_id: int) -> Principal:
    with db.session() as session:
        role = session.scalar(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.workspace_id == workspace_id
            )
        )
    assert role is not None
    return Principal(user_id=user_id, workspace_id=workspace_id, role=role, via="session")


def _team(db: Database) -> dict[str, int]:
    """A workspace with one member per role; returns ids by role name plus ``workspace``."""
    ids: dict[str, int] = {}
    with db.session() as session:
        owner = create_user(session, email="owner@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=owner.id, name="Acme")
        ids = {"workspace": workspace.id, "owner": owner.id}
        for role in (Role.ADMIN, Role.MEMBER, Role.VIEWER):
            user = create_user(session, email=f"{role.value}@example.com", password=PASSWORD)
            add_member(session, workspace_id=workspace.id, user_id=user.id, role=role)
            ids[role.value] = user.id
    return ids


def _member_id(db: Database, workspace_id: int, user_id: int) -> int:
    with db.session() as session:
        member_id = session.scalar(
            select(Membership.id).where(
                Membership.workspace_id == workspace_id, Membership.user_id == user_id
            )
        )
    assert member_id is not None
    return member_id


def test_user_email_is_normalised_and_unique(db: Database) -> None:
    with db.session() as session:
        user = create_user(session, email="  Alice@Example.COM ", password=PASSWORD, display_name=" Alice ")
        assert (user.email, user.display_name, user.is_active) == ("alice@example.com", "Alice", True)
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(PASSWORD, user.password_hash)
    with db.session() as session, pytest.raises(Conflict, match="already exists"):
        create_user(session, email="ALICE@example.com", password=PASSWORD)


@pytest.mark.parametrize("email", ["no-at-sign", "a@", "@b.com", "a b@c.com", "a@.com"])
def test_malformed_email_is_invalid_input(db: Database, email: str) -> None:
    with db.session() as session, pytest.raises(InvalidInput, match="not an email"):
        create_user(session, email=email, password=PASSWORD)


def test_short_password_is_refused_when_creating_a_user(db: Database) -> None:
    with db.session() as session, pytest.raises(InvalidInput, match="at least 10"):
        create_user(session, email="a@example.com", password="123")


def test_list_users_in_creation_order(db: Database) -> None:
    with db.session() as session:
        for name in ("b", "a", "c"):
            create_user(session, email=f"{name}@example.com", password=PASSWORD)
    with db.session() as session:
        assert [u.email for u in list_users(session)] == ["b@example.com", "a@example.com", "c@example.com"]


def test_reset_password_changes_login_and_ends_sessions(db: Database, settings: Settings) -> None:
    clock = FakeClock()
    ids = _team(db)
    with db.session() as session:
        _, token = create_web_session(
            session,
            user_id=ids["member"],
            ip="1.1.1.1",
            user_agent="t",
            settings=settings.auth,
            now=clock.now(),
        )
        reset_password(session, email="MEMBER@example.com", password="a-brand-new-secret", now=clock.now())
    with db.session() as session:
        with pytest.raises(AuthenticationRequired):
            resolve_web_session(session, token=token, now=clock.now())
        user = login_with_password(
            session,
            email="member@example.com",
            password="a-brand-new-secret",
            ip="1.1.1.1",
            settings=settings.auth,
            now=clock.now(),
        )
        assert user.id == ids["member"]
        assert user.last_login_at == clock.now()
    with db.session() as session, pytest.raises(NotFound):
        reset_password(session, email="nobody@example.com", password="a-brand-new-secret", now=clock.now())


def test_creator_becomes_owner_and_sees_all_their_workspaces(db: Database) -> None:
    with db.session() as session:
        user = create_user(session, email="o@example.com", password=PASSWORD)
        first = create_workspace(session, owner_id=user.id, name="Shop Team", timezone="Europe/Berlin")
        second = create_workspace(session, owner_id=user.id, name="Shop Team")
        assert (first.slug, second.slug, first.timezone, second.timezone) == (
            "shop-team",
            "shop-team-2",
            "Europe/Berlin",
            "UTC",
        )
        listed = list_user_workspaces(session, user_id=user.id)
        assert [(w.id, role) for w, role in listed] == [(first.id, Role.OWNER), (second.id, Role.OWNER)]


def test_unknown_timezone_and_blank_name_are_refused(db: Database) -> None:
    with db.session() as session:
        user = create_user(session, email="o@example.com", password=PASSWORD)
        with pytest.raises(InvalidInput, match="unknown time zone"):
            create_workspace(session, owner_id=user.id, name="X", timezone="Mars/Olympus")
        with pytest.raises(InvalidInput, match="must not be empty"):
            create_workspace(session, owner_id=user.id, name="   ")


def test_only_admins_update_workspace_settings(db: Database) -> None:
    ids = _team(db)
    wid = ids["workspace"]
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            update_workspace(
                session, principal=_principal(db, ids["member"], wid), workspace_id=wid, name="New"
            )
        updated = update_workspace(
            session, principal=_principal(db, ids["admin"], wid), workspace_id=wid, timezone="Asia/Tokyo"
        )
        assert updated.timezone == "Asia/Tokyo"


# Who may set which role on whom: (actor, target's role, new role) → allowed.
ROLE_CHANGES = [
    ("owner", "admin", Role.OWNER, True),
    ("owner", "viewer", Role.ADMIN, True),
    ("admin", "member", Role.ADMIN, True),
    ("admin", "viewer", Role.MEMBER, True),
    ("admin", "member", Role.OWNER, False),
    ("admin", "owner", Role.MEMBER, False),
    ("member", "viewer", Role.MEMBER, False),
    ("viewer", "member", Role.VIEWER, False),
]


@pytest.mark.parametrize(("actor", "target", "new_role", "allowed"), ROLE_CHANGES)
def test_role_change_permission_matrix(
    db: Database, actor: str, target: str, new_role: Role, allowed: bool
) -> None:
    ids = _team(db)
    wid = ids["workspace"]
    principal = _principal(db, ids[actor], wid)
    member_id = _member_id(db, wid, ids[target])
    with db.session() as session:
        if allowed:
            assert (
                change_member_role(session, principal=principal, member_id=member_id, role=new_role).role
                == new_role
            )
        else:
            with pytest.raises(PermissionDenied):
                change_member_role(session, principal=principal, member_id=member_id, role=new_role)


def test_last_owner_cannot_be_demoted_or_removed_but_a_second_owner_unlocks_it(db: Database) -> None:
    clock = FakeClock()
    ids = _team(db)
    wid = ids["workspace"]
    owner = _principal(db, ids["owner"], wid)
    owner_member = _member_id(db, wid, ids["owner"])
    with db.session() as session:
        with pytest.raises(Conflict, match="last owner"):
            change_member_role(session, principal=owner, member_id=owner_member, role=Role.ADMIN)
        with pytest.raises(Conflict, match="last owner"):
            remove_member(session, principal=owner, member_id=owner_member, now=clock.now())
        change_member_role(
            session, principal=owner, member_id=_member_id(db, wid, ids["admin"]), role=Role.OWNER
        )
    with db.session() as session:
        remove_member(session, principal=owner, member_id=owner_member, now=clock.now())
    with db.session() as session:
        roles = {
            m.user.email: m.role for m in list_members(session, principal=_principal(db, ids["admin"], wid))
        }
    assert roles == {
        "admin@example.com": Role.OWNER,
        "member@example.com": Role.MEMBER,
        "viewer@example.com": Role.VIEWER,
    }


def test_members_may_leave_but_not_remove_others(db: Database) -> None:
    clock = FakeClock()
    ids = _team(db)
    wid = ids["workspace"]
    member = _principal(db, ids["member"], wid)
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            remove_member(
                session, principal=member, member_id=_member_id(db, wid, ids["viewer"]), now=clock.now()
            )
        remove_member(
            session, principal=member, member_id=_member_id(db, wid, ids["member"]), now=clock.now()
        )
    with db.session() as session:
        assert list_user_workspaces(session, user_id=ids["member"]) == []


def test_removing_a_member_revokes_their_keys_and_demoting_caps_them(db: Database) -> None:
    clock = FakeClock()
    ids = _team(db)
    wid = ids["workspace"]
    admin = _principal(db, ids["admin"], wid)
    with db.session() as session:
        create_api_key(session, principal=admin, name="admin key", now=clock.now())
        create_api_key(
            session, principal=_principal(db, ids["member"], wid), name="member key", now=clock.now()
        )
    owner = _principal(db, ids["owner"], wid)
    with db.session() as session:
        change_member_role(
            session, principal=owner, member_id=_member_id(db, wid, ids["admin"]), role=Role.VIEWER
        )
        remove_member(session, principal=owner, member_id=_member_id(db, wid, ids["member"]), now=clock.now())
    with db.session() as session:
        keys = {k.name: (k.role, k.revoked_at) for k in session.scalars(select(ApiKey))}
    assert keys == {"admin key": (Role.VIEWER, None), "member key": (Role.MEMBER, clock.now())}


def test_member_ids_of_another_workspace_are_not_found(db: Database) -> None:
    ids = _team(db)
    with db.session() as session:
        stranger = create_user(session, email="stranger@example.com", password=PASSWORD)
        other = create_workspace(session, owner_id=stranger.id, name="Other")
    principal = _principal(db, stranger.id, other.id)
    with db.session() as session, pytest.raises(NotFound):
        change_member_role(
            session,
            principal=principal,
            member_id=_member_id(db, ids["workspace"], ids["viewer"]),
            role=Role.OWNER,
        )


def test_first_run_creates_owner_with_generated_password_once(db: Database) -> None:
    with db.session() as session:
        created = bootstrap_owner(session)
        assert created is not None
        assert created.generated is True
        assert created.email == DEFAULT_OWNER_EMAIL
        assert len(created.password) >= 10
        workspaces = list_user_workspaces(session, user_id=session.scalar(select(User.id)) or 0)
        assert [(w.name, role) for w, role in workspaces] == [("Default", Role.OWNER)]
        user = session.scalar(select(User))
        assert user is not None
        assert verify_password(created.password, user.password_hash)
    with db.session() as session:
        assert bootstrap_owner(session) is None


def test_first_run_accepts_given_owner_login(db: Database) -> None:
    with db.session() as session:
        created = bootstrap_owner(session, email="Boss@Example.com", password="boss-password-1")
        assert created is not None
        assert (created.email, created.password, created.generated) == (
            "boss@example.com",
            "boss-password-1",
            False,
        )
