"""Dashboard login sessions: an opaque cookie token (stored hashed) plus a CSRF token per session."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.auth._secrets import new_token, sha256_hex
from shelfscope.auth.authenticate import principal_for_user
from shelfscope.auth.login import choose_workspace
from shelfscope.auth.models import WebSession
from shelfscope.auth.principal import Principal
from shelfscope.errors import AuthenticationRequired, NotFound
from shelfscope.settings import AuthSettings

__all__ = [
    "SESSION_TOKEN_KIND",
    "create_web_session",
    "logout_web_session",
    "resolve_web_session",
    "switch_workspace",
]

SESSION_TOKEN_KIND = "sss"  # noqa: S105 (a label, not a secret)
MAX_USER_AGENT = 300


def create_web_session(
    session: Session,
    *,
    user_id: int,
    workspace_id: int | None = None,
    ip: str | None,
    user_agent: str | None,
    settings: AuthSettings,
    now: datetime,
) -> tuple[WebSession, str]:
    """Start a session after a successful login; returns the row and the cookie value (shown once)."""
    token = new_token(SESSION_TOKEN_KIND)
    web_session = WebSession(
        token_hash=sha256_hex(token),
        user_id=user_id,
        workspace_id=choose_workspace(session, user_id=user_id, workspace_id=workspace_id),
        csrf_token=secrets.token_urlsafe(32),
        ip=ip,
        user_agent=(user_agent or "")[:MAX_USER_AGENT] or None,
        created_at=now,
        expires_at=now + timedelta(days=settings.session_days),
    )
    session.add(web_session)
    session.flush()
    return web_session, token


def _live_session(session: Session, token: str, now: datetime) -> WebSession:
    web_session = session.scalar(select(WebSession).where(WebSession.token_hash == sha256_hex(token)))
    if web_session is None or web_session.revoked_at is not None or web_session.expires_at <= now:
        raise AuthenticationRequired("your session has ended; log in again")
    return web_session


def resolve_web_session(
    session: Session, *, token: str, now: datetime, ip: str | None = None
) -> tuple[WebSession, Principal]:
    """The session a cookie names and the principal acting through it."""
    web_session = _live_session(session, token, now)
    try:
        principal = principal_for_user(
            session,
            user_id=web_session.user_id,
            workspace_id=web_session.workspace_id,
            via="session",
            ip=ip,
            session_id=web_session.id,
        )
    except NotFound as exc:
        # Removed from the workspace the session was in: the session cannot continue there.
        raise AuthenticationRequired("you are no longer a member of this workspace; log in again") from exc
    return web_session, principal


def logout_web_session(session: Session, *, token: str, now: datetime) -> None:
    """End the session; unknown or already ended sessions are ignored (logout is idempotent)."""
    web_session = session.scalar(select(WebSession).where(WebSession.token_hash == sha256_hex(token)))
    if web_session is not None and web_session.revoked_at is None:
        web_session.revoked_at = now
        session.flush()


def switch_workspace(session: Session, *, session_id: int, user_id: int, workspace_id: int) -> WebSession:
    """Move a dashboard session to another workspace the user belongs to."""
    web_session = session.get(WebSession, session_id)
    if web_session is None or web_session.user_id != user_id:
        raise NotFound(f"session {session_id} not found")
    web_session.workspace_id = choose_workspace(session, user_id=user_id, workspace_id=workspace_id)
    session.flush()
    return web_session
