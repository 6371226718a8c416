"""Invitations by link: an admin invites an email with a role; whoever holds the link joins.

The link token is returned once and stored hashed. Accepting needs either the invited
account's session, its password, or (for a new address) a password to create the account with.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shelfscope.auth._secrets import new_token, sha256_hex
from shelfscope.auth.login import login_with_password
from shelfscope.auth.members import add_member, find_membership
from shelfscope.auth.models import Invitation, Membership, User
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user, find_user_by_email, get_user, normalize_email
from shelfscope.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shelfscope.settings import AuthSettings, Settings

__all__ = [
    "accept_invitation",
    "create_invitation",
    "get_invitation",
    "invitation_url",
    "invitations_query",
    "list_invitations",
    "revoke_invitation",
]

INVITATION_TOKEN_KIND = "ssi"  # noqa: S105 (a label, not a secret)
ACCEPT_PATH = "/invitations/accept"


def invitation_url(settings: Settings, token: str) -> str:
    """The link to hand to the invitee (the dashboard's accept page)."""
    base = settings.web.public_url or f"http://{settings.web.host}:{settings.web.port}"
    return f"{base.rstrip('/')}{ACCEPT_PATH}?token={token}"


def _pending(invitation: Invitation, now: datetime) -> bool:
    return invitation.accepted_at is None and invitation.revoked_at is None and invitation.expires_at > now


def create_invitation(
    session: Session, *, principal: Principal, email: str, role: Role, settings: Settings, now: datetime
) -> tuple[Invitation, str]:
    """Invite ``email`` with ``role`` (at most the inviter's); returns the row and the link token."""
    principal.require(Role.ADMIN)
    if not principal.role.allows(role):
        raise PermissionDenied(f"an {principal.role.value} cannot invite with the {role.value} role")
    normalized = normalize_email(email)
    existing = find_user_by_email(session, email=normalized)
    if existing and find_membership(session, workspace_id=principal.workspace_id, user_id=existing.id):
        raise Conflict(f"{normalized} is already a member of this workspace")
    for other in _open_for(session, principal.workspace_id, normalized):
        if _pending(other, now):
            raise Conflict(f"{normalized} already has a pending invitation; revoke it to send a new one")
    token = new_token(INVITATION_TOKEN_KIND)
    invitation = Invitation(
        workspace_id=principal.workspace_id,
        email=normalized,
        role=role,
        token_hash=sha256_hex(token),
        invited_by=principal.user_id,
        created_at=now,
        expires_at=now + timedelta(days=settings.auth.invitation_days),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def _open_for(session: Session, workspace_id: int, email: str) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation).where(
                Invitation.workspace_id == workspace_id,
                Invitation.email == email,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
        )
    )


def invitations_query(
    *, principal: Principal, now: datetime, pending_only: bool = False
) -> Select[Invitation]:
    """The workspace's invitations, oldest first; ``pending_only`` keeps those still acceptable."""
    principal.require(Role.ADMIN)
    query = select(Invitation).where(Invitation.workspace_id == principal.workspace_id)
    if pending_only:
        query = query.where(
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > now
        )
    return query.order_by(Invitation.id)


def list_invitations(
    session: Session, *, principal: Principal, now: datetime, pending_only: bool = False
) -> list[Invitation]:
    return list(session.scalars(invitations_query(principal=principal, now=now, pending_only=pending_only)))


def get_invitation(session: Session, *, principal: Principal, invitation_id: int) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.workspace_id == principal.workspace_id
        )
    )
    if invitation is None:
        raise NotFound(f"invitation {invitation_id} not found")
    return invitation


def revoke_invitation(
    session: Session, *, principal: Principal, invitation_id: int, now: datetime
) -> Invitation:
    invitation = get_invitation(session, principal=principal, invitation_id=invitation_id)
    principal.require(Role.ADMIN)
    if invitation.accepted_at is not None:
        raise Conflict("the invitation was already accepted; remove the member instead")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        session.flush()
    return invitation


def _invitee(
    session: Session,
    invitation: Invitation,
    *,
    user_id: int | None,
    password: str | None,
    display_name: str,
    ip: str | None,
    settings: AuthSettings,
    now: datetime,
) -> User:
    if user_id is not None:
        user = get_user(session, user_id=user_id)
        if user.email != invitation.email:
            raise PermissionDenied(f"this invitation is for {invitation.email}; log in with that account")
        return user
    if not password:
        raise InvalidInput("a password is needed to accept the invitation", field="password")
    existing = find_user_by_email(session, email=invitation.email)
    if existing is None:
        return create_user(session, email=invitation.email, password=password, display_name=display_name)
    # The same throttled check as a login: an invitation link must not become a password oracle.
    return login_with_password(
        session, email=invitation.email, password=password, ip=ip, settings=settings, now=now
    )


def accept_invitation(
    session: Session,
    *,
    token: str,
    now: datetime,
    settings: AuthSettings,
    user_id: int | None = None,
    password: str | None = None,
    display_name: str = "",
    ip: str | None = None,
) -> Membership:
    """Join the invitation's workspace as an existing user (``user_id`` or password) or a new one."""
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == sha256_hex(token.strip())))
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("the invitation does not exist or was revoked")
    if invitation.accepted_at is not None:
        raise Conflict("the invitation was already accepted")
    if invitation.expires_at <= now:
        raise Conflict("the invitation has expired; ask for a new one")
    user = _invitee(
        session,
        invitation,
        user_id=user_id,
        password=password,
        display_name=display_name,
        ip=ip,
        settings=settings,
        now=now,
    )
    membership = add_member(
        session, workspace_id=invitation.workspace_id, user_id=user.id, role=invitation.role
    )
    invitation.accepted_at = now
    invitation.accepted_by = user.id
    session.flush()
    return membership
