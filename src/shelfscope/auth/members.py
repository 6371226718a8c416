"""Workspace membership: who belongs, with which role, and the rules for changing that.

Rules: admins and owners manage members; nobody grants a role above their own or touches a
member whose role is above their own; the last owner can be neither demoted nor removed. Any
member may leave on their own (except the last owner).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session, joinedload

from shelfscope.auth.models import ApiKey, Membership
from shelfscope.auth.principal import Principal, Role
from shelfscope.errors import Conflict, NotFound, PermissionDenied

__all__ = [
    "add_member",
    "change_member_role",
    "find_membership",
    "get_member",
    "list_members",
    "members_query",
    "remove_member",
]


def find_membership(session: Session, *, workspace_id: int, user_id: int) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    )


def add_member(session: Session, *, workspace_id: int, user_id: int, role: Role) -> Membership:
    """Make ``user_id`` a member; Conflict when they already are."""
    if find_membership(session, workspace_id=workspace_id, user_id=user_id) is not None:
        raise Conflict("that user is already a member of this workspace")
    membership = Membership(workspace_id=workspace_id, user_id=user_id, role=role)
    session.add(membership)
    session.flush()
    return membership


def members_query(*, principal: Principal) -> Select[Membership]:
    """The workspace's memberships with their users loaded, oldest first."""
    return (
        select(Membership)
        .options(joinedload(Membership.user))
        .where(Membership.workspace_id == principal.workspace_id)
        .order_by(Membership.id)
    )


def list_members(session: Session, *, principal: Principal) -> list[Membership]:
    return list(session.scalars(members_query(principal=principal)))


def get_member(session: Session, *, principal: Principal, member_id: int) -> Membership:
    membership = session.scalar(
        select(Membership)
        .options(joinedload(Membership.user))
        .where(Membership.id == member_id, Membership.workspace_id == principal.workspace_id)
    )
    if membership is None:
        raise NotFound(f"member {member_id} not found")
    return membership


def _owner_count(session: Session, workspace_id: int) -> int:
    query = select(func.count()).where(Membership.workspace_id == workspace_id, Membership.role == Role.OWNER)
    return session.scalar(query) or 0


def _guard_last_owner(session: Session, membership: Membership) -> None:
    if membership.role == Role.OWNER and _owner_count(session, membership.workspace_id) <= 1:
        raise Conflict(
            "the last owner of a workspace cannot be removed or demoted; make someone else owner first"
        )


def _require_outranks(principal: Principal, membership: Membership, new_role: Role | None = None) -> None:
    principal.require(Role.ADMIN)
    if not principal.role.allows(membership.role):
        raise PermissionDenied(
            f"an {principal.role.value} cannot change a member who is {membership.role.value}"
        )
    if new_role is not None and not principal.role.allows(new_role):
        raise PermissionDenied(f"an {principal.role.value} cannot grant the {new_role.value} role")


def change_member_role(session: Session, *, principal: Principal, member_id: int, role: Role) -> Membership:
    """Give a member another role; API keys they created are capped at the new role."""
    membership = get_member(session, principal=principal, member_id=member_id)
    _require_outranks(principal, membership, role)
    if role == membership.role:
        return membership
    if role != Role.OWNER:
        _guard_last_owner(session, membership)
    membership.role = role
    stronger = [r for r in Role if not role.allows(r)]
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.workspace_id == membership.workspace_id,
            ApiKey.created_by == membership.user_id,
            ApiKey.role.in_(stronger),
        )
        .values(role=role)
    )
    session.flush()
    return membership


def remove_member(session: Session, *, principal: Principal, member_id: int, now: datetime) -> None:
    """Remove a member (or leave, when it is the principal's own membership); revokes their API keys."""
    membership = get_member(session, principal=principal, member_id=member_id)
    if membership.user_id != principal.user_id:
        _require_outranks(principal, membership)
    _guard_last_owner(session, membership)
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.workspace_id == membership.workspace_id,
            ApiKey.created_by == membership.user_id,
            ApiKey.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    session.delete(membership)
    session.flush()
