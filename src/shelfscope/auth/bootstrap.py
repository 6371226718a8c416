"""First run: make sure someone can log in. ``shelfscope serve`` calls :func:`ensure_owner`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shelfscope.auth.audit import AuditActor, actor_context
from shelfscope.auth.users import count_users, create_user
from shelfscope.auth.workspaces import create_workspace

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = [
    "DEFAULT_OWNER_EMAIL",
    "DEFAULT_WORKSPACE_NAME",
    "OwnerCreated",
    "bootstrap_owner",
    "ensure_owner",
    "has_users",
]

DEFAULT_OWNER_EMAIL = "owner@shelfscope.local"
DEFAULT_WORKSPACE_NAME = "Default"


@dataclass(frozen=True, slots=True)
class OwnerCreated:
    """The first account. ``password`` is the login to show once; ``generated`` says we made it up."""

    email: str
    password: str
    workspace_id: int
    generated: bool


def has_users(platform: Platform) -> bool:
    with platform.db.session() as session:
        return count_users(session) > 0


def bootstrap_owner(
    session: Session,
    *,
    email: str | None = None,
    password: str | None = None,
    workspace_name: str = DEFAULT_WORKSPACE_NAME,
) -> OwnerCreated | None:
    """When no user exists, create the owner and a first workspace; otherwise return None.

    Without ``password`` one is generated and returned once; it is stored only as a hash.
    """
    if count_users(session) > 0:
        return None
    generated = not password
    login = password or secrets.token_urlsafe(12)
    user = create_user(session, email=email or DEFAULT_OWNER_EMAIL, password=login, display_name="Owner")
    workspace = create_workspace(session, owner_id=user.id, name=workspace_name)
    return OwnerCreated(email=user.email, password=login, workspace_id=workspace.id, generated=generated)


def ensure_owner(
    platform: Platform,
    *,
    email: str | None = None,
    password: str | None = None,
    workspace_name: str = DEFAULT_WORKSPACE_NAME,
) -> OwnerCreated | None:
    """:func:`bootstrap_owner` in its own transaction, attributed to the CLI in the audit log."""
    with actor_context(AuditActor(via="cli")), platform.db.session() as session:
        return bootstrap_owner(session, email=email, password=password, workspace_name=workspace_name)
