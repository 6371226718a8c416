"""Workspaces: create (the creator becomes owner), list a user's, rename and set the time zone."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from shelfscope.auth.models import Membership, Workspace
from shelfscope.auth.principal import Principal, Role
from shelfscope.errors import InvalidInput, NotFound

__all__ = [
    "create_workspace",
    "find_workspace",
    "get_workspace",
    "list_user_workspaces",
    "update_workspace",
    "user_memberships_query",
    "validate_timezone",
]

MAX_NAME_LENGTH = 120


def validate_timezone(timezone: str) -> str:
    """An IANA zone name such as ``Europe/Berlin``; refuses anything else."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {timezone!r}; use an IANA name such as Europe/Berlin") from exc
    return timezone


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("workspace name must not be empty", field="name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"workspace name is longer than {MAX_NAME_LENGTH} characters", field="name")
    return cleaned


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:48]
    return slug or "workspace"


def _unique_slug(session: Session, name: str) -> str:
    base = _slugify(name)
    taken = set(session.scalars(select(Workspace.slug).where(Workspace.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def create_workspace(session: Session, *, owner_id: int, name: str, timezone: str = "UTC") -> Workspace:
    """A new workspace whose creator is its first owner."""
    workspace = Workspace(
        name=_clean_name(name), slug=_unique_slug(session, name), timezone=validate_timezone(timezone)
    )
    session.add(workspace)
    session.flush()
    session.add(Membership(workspace_id=workspace.id, user_id=owner_id, role=Role.OWNER))
    session.flush()
    return workspace


def user_memberships_query(*, user_id: int) -> Select[Membership]:
    """The memberships of ``user_id`` with their workspaces loaded, oldest first."""
    return (
        select(Membership)
        .options(joinedload(Membership.workspace))
        .where(Membership.user_id == user_id)
        .order_by(Membership.id)
    )


def list_user_workspaces(session: Session, *, user_id: int) -> list[tuple[Workspace, Role]]:
    """The workspaces ``user_id`` belongs to, with their role in each, oldest membership first."""
    memberships = session.scalars(user_memberships_query(user_id=user_id))
    return [(membership.workspace, membership.role) for membership in memberships]


def get_workspace(session: Session, *, principal: Principal, workspace_id: int) -> Workspace:
    """The principal's own workspace; any other id is reported missing."""
    workspace = session.get(Workspace, workspace_id) if workspace_id == principal.workspace_id else None
    if workspace is None:
        raise NotFound(f"workspace {workspace_id} not found")
    return workspace


def update_workspace(
    session: Session,
    *,
    principal: Principal,
    workspace_id: int,
    name: str | None = None,
    timezone: str | None = None,
) -> Workspace:
    """Rename or change the time zone; admins and owners only."""
    workspace = get_workspace(session, principal=principal, workspace_id=workspace_id)
    principal.require(Role.ADMIN)
    if name is not None:
        workspace.name = _clean_name(name)
    if timezone is not None:
        workspace.timezone = validate_timezone(timezone)
    session.flush()
    return workspace


def find_workspace(session: Session, *, ref: str) -> Workspace:
    """A workspace by id or slug, for administration commands; InvalidInput when there is none."""
    cleaned = ref.strip()
    workspace = session.get(Workspace, int(cleaned)) if cleaned.isdigit() and len(cleaned) < 19 else None
    workspace = workspace or session.scalar(select(Workspace).where(Workspace.slug == cleaned.lower()))
    if workspace is None:
        raise InvalidInput(f"no workspace with id or slug {ref!r}", field="workspace")
    return workspace
