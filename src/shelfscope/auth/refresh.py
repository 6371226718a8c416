"""The OAuth2 password flow: access JWT plus a rotating refresh token.

Each refresh spends its token and issues a child in the same family. Presenting a spent token
again means it was copied, so the whole family is revoked: the thief and the victim both have
to log in again, and the stolen chain is dead.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shelfscope.auth._secrets import new_token, sha256_hex
from shelfscope.auth.authenticate import principal_for_user
from shelfscope.auth.login import choose_workspace, login_with_password
from shelfscope.auth.models import RefreshToken
from shelfscope.auth.tokens import issue_access_token
from shelfscope.errors import AuthenticationRequired, NotFound
from shelfscope.logs import get_logger
from shelfscope.settings import Settings

__all__ = ["TokenPair", "issue_token_pair", "password_grant", "refresh_token_pair", "revoke_refresh_family"]

log = get_logger(__name__)
REFRESH_TOKEN_KIND = "srt"  # noqa: S105 (a label, not a secret)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str
    workspace_id: int


def issue_token_pair(
    session: Session,
    *,
    user_id: int,
    workspace_id: int,
    settings: Settings,
    now: datetime,
    parent: RefreshToken | None = None,
) -> TokenPair:
    """An access token for the user's current role plus a refresh token (a new family unless ``parent``)."""
    principal = principal_for_user(session, user_id=user_id, workspace_id=workspace_id, via="token")
    access, expires_in = issue_access_token(
        settings=settings, user_id=user_id, workspace_id=workspace_id, role=principal.role, now=now
    )
    refresh = new_token(REFRESH_TOKEN_KIND)
    session.add(
        RefreshToken(
            family_id=parent.family_id if parent else uuid.uuid4().hex,
            token_hash=sha256_hex(refresh),
            user_id=user_id,
            workspace_id=workspace_id,
            parent_id=parent.id if parent else None,
            created_at=now,
            expires_at=now + timedelta(days=settings.auth.refresh_token_days),
        )
    )
    session.flush()
    return TokenPair(
        access_token=access, expires_in=expires_in, refresh_token=refresh, workspace_id=workspace_id
    )


def password_grant(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str | None,
    settings: Settings,
    now: datetime,
    workspace_id: int | None = None,
) -> TokenPair:
    """``POST /auth/token``: check the password (throttled) and start a token family."""
    user = login_with_password(
        session, email=email, password=password, ip=ip, settings=settings.auth, now=now
    )
    chosen = choose_workspace(session, user_id=user.id, workspace_id=workspace_id)
    return issue_token_pair(session, user_id=user.id, workspace_id=chosen, settings=settings, now=now)


def _find(session: Session, refresh_token: str) -> RefreshToken:
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == sha256_hex(refresh_token.strip()))
    )
    if row is None:
        raise AuthenticationRequired("the refresh token is not valid")
    return row


def _revoke_family(session: Session, family_id: str, now: datetime) -> int:
    result = session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def refresh_token_pair(
    session: Session, *, refresh_token: str, settings: Settings, now: datetime
) -> TokenPair:
    """Spend ``refresh_token`` for a new pair; reuse of a spent token revokes its whole family.

    The revocation is committed before the error is raised, so the rollback that follows an
    error cannot undo it.
    """
    row = _find(session, refresh_token)
    if row.revoked_at is not None or row.expires_at <= now:
        raise AuthenticationRequired("the refresh token has expired or was revoked; log in again")
    # Spend atomically: of two concurrent refreshes with one token, exactly one wins.
    spent = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if int(getattr(spent, "rowcount", 0) or 0) != 1:
        revoked = _revoke_family(session, row.family_id, now)
        session.commit()
        log.warning("refresh_token_reused", family_id=row.family_id, user_id=row.user_id, revoked=revoked)
        raise AuthenticationRequired(
            "the refresh token was already used; every session of this login is revoked"
        )
    try:
        return issue_token_pair(
            session,
            user_id=row.user_id,
            workspace_id=row.workspace_id,
            settings=settings,
            now=now,
            parent=row,
        )
    except NotFound as exc:
        raise AuthenticationRequired("you are no longer a member of this workspace; log in again") from exc


def revoke_refresh_family(session: Session, *, refresh_token: str, now: datetime) -> None:
    """Logout of an API client: every token of the login dies. Unknown tokens are ignored."""
    row = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == sha256_hex(refresh_token.strip()))
    )
    if row is not None:
        _revoke_family(session, row.family_id, now)
        session.flush()
