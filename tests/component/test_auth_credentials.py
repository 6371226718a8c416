"""API keys, refresh tokens, web sessions, login throttling and invitations on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select

from shelfscope.auth import passwords
from shelfscope.auth.api_keys import authenticate_api_key, create_api_key, list_api_keys, revoke_api_key
from shelfscope.auth.authenticate import authenticate_bearer
from shelfscope.auth.invitations import (
    accept_invitation,
    create_invitation,
    list_invitations,
    revoke_invitation,
)
from shelfscope.auth.login import login_with_password
from shelfscope.auth.members import add_member
from shelfscope.auth.models import ApiKey, Invitation, LoginAttempt, RefreshToken
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.refresh import password_grant, refresh_token_pair, revoke_refresh_family
from shelfscope.auth.users import create_user
from shelfscope.auth.web_sessions import (
    create_web_session,
    logout_web_session,
    resolve_web_session,
    switch_workspace,
)
from shelfscope.auth.workspaces import create_workspace, list_user_workspaces
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import (
    AuthenticationRequired,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from shelfscope.settings import Settings

PASSWORD = "correct-horse-battery"


_CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=64, parallelism=1),))


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id, test-sized: the production cost (~0.3 s a hash) would dominate the suite."""
    monkeypatch.setattr(passwords, "_hasher", lambda: _CHEAP_HASHER)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def owner(db: Database) -> Principal:
    with db.session() as session:
        user = create_user(session, email="owner@example.com", password=PASSWORD)
        workspace = create_workspace(session, owner_id=user.id, name="Acme")
    return Principal(user_id=user.id, workspace_id=workspace.id, role=Role.OWNER, via="session")


# API keys -------------------------------------------------------------------------------------


def test_api_key_is_shown_once_and_stored_only_as_a_hash(
    db: Database, owner: Principal, clock: FakeClock
) -> None:
    with db.session() as session:
        api_key, key = create_api_key(session, principal=owner, name=" CI  deploy ", now=clock.now())
    assert key.startswith(f"ssk_{api_key.prefix}_")
    assert len(key) > 50
    with db.session() as session:
        stored = session.scalars(select(ApiKey)).one()
        assert (stored.name, stored.role, stored.created_by) == ("CI deploy", Role.OWNER, owner.user_id)
        assert key not in (stored.key_hash, stored.prefix)
        assert len(stored.key_hash) == 64
        principal = authenticate_api_key(session, key=key, now=clock.now(), ip="9.9.9.9")
    assert (principal.workspace_id, principal.role, principal.via) == (
        owner.workspace_id,
        Role.OWNER,
        "api_key",
    )
    assert (principal.api_key_id, principal.user_id, principal.ip) == (api_key.id, None, "9.9.9.9")


def test_api_key_role_cannot_exceed_its_creator(db: Database, owner: Principal, clock: FakeClock) -> None:
    member = Principal(
        user_id=owner.user_id, workspace_id=owner.workspace_id, role=Role.MEMBER, via="session"
    )
    with db.session() as session:
        with pytest.raises(PermissionDenied, match="cannot create a key with the admin role"):
            create_api_key(session, principal=member, name="x", role=Role.ADMIN, now=clock.now())
        api_key, _ = create_api_key(session, principal=member, name="x", role=Role.VIEWER, now=clock.now())
        assert api_key.role == Role.VIEWER


def test_revoked_wrong_or_malformed_keys_are_rejected(
    db: Database, owner: Principal, clock: FakeClock
) -> None:
    with db.session() as session:
        api_key, key = create_api_key(session, principal=owner, name="k", now=clock.now())
    with db.session() as session:
        with pytest.raises(AuthenticationRequired, match="not valid"):
            authenticate_api_key(session, key=key[:-2] + "xx", now=clock.now())
        with pytest.raises(AuthenticationRequired, match="malformed"):
            authenticate_api_key(session, key="ssk_", now=clock.now())
        revoke_api_key(session, principal=owner, api_key_id=api_key.id, now=clock.now())
    with db.session() as session:
        with pytest.raises(AuthenticationRequired, match="revoked"):
            authenticate_api_key(session, key=key, now=clock.now())
        assert [k.revoked_at for k in list_api_keys(session, principal=owner)] == [clock.now()]


def test_last_used_at_is_written_at_most_once_a_minute(
    db: Database, owner: Principal, clock: FakeClock
) -> None:
    with db.session() as session:
        api_key, key = create_api_key(session, principal=owner, name="k", now=clock.now())
    first_use = clock.now()

    def last_used() -> object:
        with db.session() as session:
            authenticate_api_key(session, key=key, now=clock.now())
        with db.session() as session:
            return session.scalar(select(ApiKey.last_used_at).where(ApiKey.id == api_key.id))

    assert last_used() == first_use
    clock.advance(30)
    assert last_used() == first_use
    clock.advance(31)
    assert last_used() == clock.now()


def test_only_the_creator_or_an_admin_revokes_a_key(db: Database, owner: Principal, clock: FakeClock) -> None:
    with db.session() as session:
        other = create_user(session, email="m@example.com", password=PASSWORD)
        add_member(session, workspace_id=owner.workspace_id, user_id=other.id, role=Role.MEMBER)
        api_key, _ = create_api_key(session, principal=owner, name="owner's", now=clock.now())
    member = Principal(user_id=other.id, workspace_id=owner.workspace_id, role=Role.MEMBER, via="session")
    with db.session() as session, pytest.raises(PermissionDenied):
        revoke_api_key(session, principal=member, api_key_id=api_key.id, now=clock.now())


# Refresh tokens ---------------------------------------------------------------------------------


def test_refresh_rotates_and_reuse_revokes_the_whole_family(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session:
        first = password_grant(
            session,
            email="owner@example.com",
            password=PASSWORD,
            ip="1.1.1.1",
            settings=settings,
            now=clock.now(),
        )
    with db.session() as session:
        second = refresh_token_pair(
            session, refresh_token=first.refresh_token, settings=settings, now=clock.now()
        )
    assert second.refresh_token != first.refresh_token
    with db.session() as session:
        principal = authenticate_bearer(
            session, credential=second.access_token, settings=settings, now=clock.now()
        )
    assert (principal.user_id, principal.workspace_id, principal.role) == (
        owner.user_id,
        owner.workspace_id,
        Role.OWNER,
    )
    with db.session() as session, pytest.raises(AuthenticationRequired, match="already used"):
        refresh_token_pair(session, refresh_token=first.refresh_token, settings=settings, now=clock.now())
    with db.session() as session:
        tokens = list(session.scalars(select(RefreshToken).order_by(RefreshToken.id)))
        assert len({t.family_id for t in tokens}) == 1
        assert [t.revoked_at for t in tokens] == [clock.now(), clock.now()]
        assert tokens[1].parent_id == tokens[0].id
        assert all(
            len(t.token_hash) == 64 and t.token_hash not in (first.refresh_token, second.refresh_token)
            for t in tokens
        )
    with db.session() as session, pytest.raises(AuthenticationRequired, match="revoked"):
        refresh_token_pair(session, refresh_token=second.refresh_token, settings=settings, now=clock.now())


def test_refresh_token_expires_and_logout_revokes_family(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session:
        pair = password_grant(
            session, email="owner@example.com", password=PASSWORD, ip=None, settings=settings, now=clock.now()
        )
    with db.session() as session:
        revoke_refresh_family(session, refresh_token=pair.refresh_token, now=clock.now())
    with db.session() as session, pytest.raises(AuthenticationRequired):
        refresh_token_pair(session, refresh_token=pair.refresh_token, settings=settings, now=clock.now())
    with db.session() as session:
        later = password_grant(
            session, email="owner@example.com", password=PASSWORD, ip=None, settings=settings, now=clock.now()
        )
    clock.advance(timedelta(days=settings.auth.refresh_token_days, seconds=1))
    with db.session() as session, pytest.raises(AuthenticationRequired, match="expired"):
        refresh_token_pair(session, refresh_token=later.refresh_token, settings=settings, now=clock.now())


def test_access_token_acts_only_in_workspaces_of_its_user(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session:
        pair = password_grant(
            session, email="owner@example.com", password=PASSWORD, ip=None, settings=settings, now=clock.now()
        )
        other = create_workspace(session, owner_id=owner.user_id or 0, name="Second")
    with db.session() as session:
        switched = authenticate_bearer(
            session, credential=pair.access_token, settings=settings, now=clock.now(), workspace_id=other.id
        )
        assert switched.workspace_id == other.id
        with pytest.raises(NotFound):
            authenticate_bearer(
                session,
                credential=pair.access_token,
                settings=settings,
                now=clock.now(),
                workspace_id=999_999,
            )


# Web sessions ----------------------------------------------------------------------------------


def test_web_session_resolves_switches_and_logs_out(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session:
        second = create_workspace(session, owner_id=owner.user_id or 0, name="Second")
        web_session, token = create_web_session(
            session,
            user_id=owner.user_id or 0,
            ip="2.2.2.2",
            user_agent="pytest",
            settings=settings.auth,
            now=clock.now(),
        )
        assert web_session.token_hash != token
        assert web_session.workspace_id == owner.workspace_id
        assert web_session.expires_at == clock.now() + timedelta(days=settings.auth.session_days)
    with db.session() as session:
        _, principal = resolve_web_session(session, token=token, now=clock.now(), ip="2.2.2.2")
        assert (principal.via, principal.session_id, principal.role) == (
            "session",
            web_session.id,
            Role.OWNER,
        )
        switch_workspace(
            session, session_id=web_session.id, user_id=owner.user_id or 0, workspace_id=second.id
        )
        with pytest.raises(NotFound):
            switch_workspace(
                session, session_id=web_session.id, user_id=owner.user_id or 0, workspace_id=999_999
            )
    with db.session() as session:
        assert resolve_web_session(session, token=token, now=clock.now())[1].workspace_id == second.id
        logout_web_session(session, token=token, now=clock.now())
    with db.session() as session, pytest.raises(AuthenticationRequired):
        resolve_web_session(session, token=token, now=clock.now())


def test_web_session_expires(db: Database, owner: Principal, settings: Settings, clock: FakeClock) -> None:
    with db.session() as session:
        _, token = create_web_session(
            session,
            user_id=owner.user_id or 0,
            ip=None,
            user_agent=None,
            settings=settings.auth,
            now=clock.now(),
        )
    clock.advance(timedelta(days=settings.auth.session_days))
    with db.session() as session, pytest.raises(AuthenticationRequired, match="ended"):
        resolve_web_session(session, token=token, now=clock.now())


# Login throttling ------------------------------------------------------------------------------


def test_login_is_throttled_per_email_and_ip_with_retry_after(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    auth = settings.auth
    for _ in range(auth.login_max_failures):
        with db.session() as session, pytest.raises(AuthenticationRequired, match="wrong email or password"):
            login_with_password(
                session,
                email="owner@example.com",
                password="nope-nope-nope",
                ip="6.6.6.6",
                settings=auth,
                now=clock.now(),
            )
        clock.advance(10)
    with db.session() as session, pytest.raises(RateLimited) as caught:
        login_with_password(
            session,
            email="owner@example.com",
            password=PASSWORD,
            ip="6.6.6.6",
            settings=auth,
            now=clock.now(),
        )
    expected = auth.login_window_seconds - 10 * auth.login_max_failures
    assert caught.value.retry_after == pytest.approx(expected)
    with db.session() as session:
        assert login_with_password(
            session,
            email="owner@example.com",
            password=PASSWORD,
            ip="7.7.7.7",
            settings=auth,
            now=clock.now(),
        )
    clock.advance(expected)
    with db.session() as session:
        assert login_with_password(
            session,
            email="owner@example.com",
            password=PASSWORD,
            ip="6.6.6.6",
            settings=auth,
            now=clock.now(),
        )
    with db.session() as session:
        failures = session.scalars(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))).all()
    assert failures == []


def test_unknown_email_fails_like_a_wrong_password(
    db: Database, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session, pytest.raises(AuthenticationRequired, match="wrong email or password"):
        login_with_password(
            session,
            email="ghost@example.com",
            password=PASSWORD,
            ip="1.1.1.1",
            settings=settings.auth,
            now=clock.now(),
        )


# Invitations -----------------------------------------------------------------------------------


def test_invitation_link_creates_a_new_account_once(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session:
        invitation, token = create_invitation(
            session,
            principal=owner,
            email="New@Example.com",
            role=Role.MEMBER,
            settings=settings,
            now=clock.now(),
        )
        assert invitation.token_hash != token
        assert invitation.expires_at == clock.now() + timedelta(days=settings.auth.invitation_days)
    with db.session() as session:
        membership = accept_invitation(
            session,
            token=token,
            now=clock.now(),
            settings=settings.auth,
            password="new-user-password",
            display_name="Newbie",
        )
        assert (membership.workspace_id, membership.role, membership.user.email) == (
            owner.workspace_id,
            Role.MEMBER,
            "new@example.com",
        )
    with db.session() as session, pytest.raises(Conflict, match="already accepted"):
        accept_invitation(
            session, token=token, now=clock.now(), settings=settings.auth, password="new-user-password"
        )
    with db.session() as session:
        assert list_invitations(session, principal=owner, now=clock.now(), pending_only=True) == []


def test_existing_user_accepts_with_their_session_or_password(
    db: Database, owner: Principal, settings: Settings, clock: FakeClock
) -> None:
    with db.session() as session:
        existing = create_user(session, email="known@example.com", password=PASSWORD)
        stranger = create_user(session, email="stranger@example.com", password=PASSWORD)
        _, token = create_invitation(
            session,
            principal=owner,
            email="known@example.com",
            role=Role.VIEWER,
            settings=settings,
            now=clock.now(),
        )
    with (
        db.session() as session,
        pytest.raises(PermissionDenied, match=r"this invitation is for known@example\.com"),
    ):
        accept_invitation(session, token=token, now=clock.now(), settings=settings.auth, user_id=stranger.id)
    with db.session() as session, pytest.raises(AuthenticationRequired):
        accept_invitation(
            session, token=token, now=clock.now(), settings=settings.auth, password="wrong-password-x"
        )
    with db.session() as session:
        accept_invitation(session, token=token, now=clock.now(), settings=settings.auth, user_id=existing.id)
    with db.session() as session:
        assert [(w.id, r) for w, r in list_user_workspaces(session, user_id=existing.id)] == [
            (owner.workspace_id, Role.VIEWER)
        ]


def test_invitation_rules(db: Database, owner: Principal, settings: Settings, clock: FakeClock) -> None:
    admin = Principal(user_id=owner.user_id, workspace_id=owner.workspace_id, role=Role.ADMIN, via="session")
    member = Principal(
        user_id=owner.user_id, workspace_id=owner.workspace_id, role=Role.MEMBER, via="session"
    )
    with db.session() as session:
        with pytest.raises(PermissionDenied):
            create_invitation(
                session,
                principal=member,
                email="a@example.com",
                role=Role.VIEWER,
                settings=settings,
                now=clock.now(),
            )
        with pytest.raises(PermissionDenied, match="cannot invite with the owner role"):
            create_invitation(
                session,
                principal=admin,
                email="a@example.com",
                role=Role.OWNER,
                settings=settings,
                now=clock.now(),
            )
        with pytest.raises(Conflict, match="already a member"):
            create_invitation(
                session,
                principal=owner,
                email="owner@example.com",
                role=Role.VIEWER,
                settings=settings,
                now=clock.now(),
            )
        first, first_token = create_invitation(
            session,
            principal=admin,
            email="a@example.com",
            role=Role.ADMIN,
            settings=settings,
            now=clock.now(),
        )
        with pytest.raises(Conflict, match="pending invitation"):
            create_invitation(
                session,
                principal=admin,
                email="a@example.com",
                role=Role.ADMIN,
                settings=settings,
                now=clock.now(),
            )
        revoke_invitation(session, principal=admin, invitation_id=first.id, now=clock.now())
        _, token = create_invitation(
            session,
            principal=admin,
            email="a@example.com",
            role=Role.ADMIN,
            settings=settings,
            now=clock.now(),
        )
    with db.session() as session, pytest.raises(NotFound, match="revoked"):
        accept_invitation(
            session, token=first_token, now=clock.now(), settings=settings.auth, password=PASSWORD
        )
    clock.advance(timedelta(days=settings.auth.invitation_days))
    with db.session() as session, pytest.raises(Conflict, match="expired"):
        accept_invitation(session, token=token, now=clock.now(), settings=settings.auth, password=PASSWORD)
    with db.session() as session:
        assert session.scalar(select(Invitation.accepted_at).where(Invitation.id == first.id)) is None
