"""Who is acting, in which workspace, with which role: the result of authentication."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from shelfscope.errors import PermissionDenied

__all__ = ["Principal", "Role"]


class Role(enum.StrEnum):
    """Workspace roles, strongest first. Each role can do everything the weaker ones can."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return {"owner": 4, "admin": 3, "member": 2, "viewer": 1}[self.value]

    def allows(self, required: Role) -> bool:
        return self.rank >= required.rank


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user acting in one workspace.

    ``via`` says how they authenticated: ``session`` (dashboard cookie), ``token`` (JWT from
    ``/api/v1/auth/token``), ``api_key`` or ``cli`` (local administration).
    """

    user_id: int | None
    workspace_id: int
    role: Role
    via: str
    api_key_id: int | None = None
    session_id: int | None = None
    ip: str | None = None

    def require(self, role: Role) -> None:
        """Raise :class:`PermissionDenied` unless this principal's role reaches ``role``."""
        if not self.role.allows(role):
            raise PermissionDenied(f"this action needs the {role.value} role; you are {self.role.value}")

    @property
    def can_write(self) -> bool:
        return self.role.allows(Role.MEMBER)
