"""Password login shared by the dashboard and the OAuth2 password flow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shelfscope.auth.models import User
from shelfscope.auth.passwords import dummy_verify, verify_password
from shelfscope.auth.throttle import check_login_allowed, record_login_attempt
from shelfscope.auth.users import MAX_EMAIL_LENGTH, find_user_by_email
from shelfscope.auth.workspaces import list_user_workspaces
from shelfscope.errors import AuthenticationRequired, NotFound, PermissionDenied
from shelfscope.settings import AuthSettings

__all__ = ["choose_workspace", "login_with_password"]

UNKNOWN_IP = "unknown"
MAX_IP_LENGTH = 64


def login_with_password(
    session: Session, *, email: str, password: str, ip: str | None, settings: AuthSettings, now: datetime
) -> User:
    """Check credentials under throttling; the user on success, AuthenticationRequired otherwise.

    A failed attempt is committed before the error is raised: the rollback that follows an error
    must not erase the evidence the throttle counts.
    """
    normalized = email.strip().lower()
    source = (ip or UNKNOWN_IP)[:MAX_IP_LENGTH]
    if len(normalized) > MAX_EMAIL_LENGTH:
        raise AuthenticationRequired("wrong email or password")
    check_login_allowed(session, email=normalized, ip=source, settings=settings, now=now)
    user = find_user_by_email(session, email=normalized)
    if user is None:
        dummy_verify(password)
    ok = user is not None and verify_password(password, user.password_hash) and user.is_active
    record_login_attempt(session, email=normalized, ip=source, succeeded=ok, settings=settings, now=now)
    if not ok or user is None:
        session.commit()
        raise AuthenticationRequired("wrong email or password")
    user.last_login_at = now
    session.flush()
    return user


def choose_workspace(session: Session, *, user_id: int, workspace_id: int | None = None) -> int:
    """The workspace a login starts in: the one asked for (if a member), else the oldest membership."""
    memberships = list_user_workspaces(session, user_id=user_id)
    if not memberships:
        raise PermissionDenied("you are not a member of any workspace; ask an admin for an invitation")
    if workspace_id is None:
        return memberships[0][0].id
    if all(workspace.id != workspace_id for workspace, _ in memberships):
        raise NotFound(f"workspace {workspace_id} not found")
    return workspace_id
