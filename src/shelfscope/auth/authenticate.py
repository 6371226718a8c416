"""Turn presented credentials (JWT access token, API key) into a :class:`Principal`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.auth.api_keys import authenticate_api_key, looks_like_api_key
from shelfscope.auth.models import Membership, User
from shelfscope.auth.principal import Principal
from shelfscope.auth.tokens import decode_access_token
from shelfscope.errors import AuthenticationRequired, NotFound
from shelfscope.settings import Settings

__all__ = ["authenticate_bearer", "principal_for_user"]


def principal_for_user(
    session: Session,
    *,
    user_id: int,
    workspace_id: int,
    via: str,
    ip: str | None = None,
    session_id: int | None = None,
) -> Principal:
    """The user acting in ``workspace_id`` with their *current* role (membership is re-checked)."""
    row = session.execute(
        select(User.is_active, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.workspace_id == workspace_id)
    ).first()
    if row is None:
        active = session.scalar(select(User.is_active).where(User.id == user_id))
        if not active:
            raise AuthenticationRequired("the account no longer exists or is disabled")
        raise NotFound(f"workspace {workspace_id} not found")
    is_active, role = row
    if not is_active:
        raise AuthenticationRequired("the account is disabled")
    return Principal(
        user_id=user_id, workspace_id=workspace_id, role=role, via=via, session_id=session_id, ip=ip
    )


def authenticate_bearer(
    session: Session,
    *,
    credential: str,
    settings: Settings,
    now: datetime,
    ip: str | None = None,
    workspace_id: int | None = None,
) -> Principal:
    """An ``Authorization: Bearer`` value: an API key (``ssk_…``) or a JWT access token.

    ``workspace_id`` (from ``X-Workspace-Id``) lets a token's user act in another workspace they
    belong to; an API key is bound to its own workspace and anything else is reported missing.
    """
    credential = credential.strip()
    if not credential:
        raise AuthenticationRequired("the bearer credential is empty")
    if looks_like_api_key(credential):
        principal = authenticate_api_key(session, key=credential, now=now, ip=ip)
        if workspace_id is not None and workspace_id != principal.workspace_id:
            raise NotFound(f"workspace {workspace_id} not found")
        return principal
    claims = decode_access_token(credential, settings=settings, now=now)
    return principal_for_user(
        session, user_id=claims.user_id, workspace_id=workspace_id or claims.workspace_id, via="token", ip=ip
    )
