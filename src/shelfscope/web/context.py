"""Who is looking at a dashboard page: the signed-in user, their workspace and what the header needs.

Pages depend on :data:`WebContextDep`. It authenticates through the API's own dependencies
(session cookie, CSRF on unsafe methods, rate limits, audit actor), then loads the rows every
page shows. A missing or ended session raises AuthenticationRequired, which the error handler
turns into a redirect to ``/login?next=…`` for browsers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from shelfscope.alerts.notifications import unread_count
from shelfscope.api.deps import PlatformDep, PrincipalDep, SessionDep
from shelfscope.auth.models import User, WebSession, Workspace
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import get_user
from shelfscope.auth.workspaces import get_workspace, list_user_workspaces
from shelfscope.errors import AuthenticationRequired
from shelfscope.platform import Platform

__all__ = ["WebContext", "WebContextDep", "get_web_context", "load_web_context"]


@dataclass(frozen=True, slots=True)
class WebContext:
    """What every signed-in page renders: user, workspace, role, switcher entries and CSRF token."""

    principal: Principal
    user: User
    workspace: Workspace
    workspaces: list[tuple[Workspace, Role]]
    csrf_token: str
    unread_count: int

    @property
    def role(self) -> Role:
        return self.principal.role

    @property
    def can_write(self) -> bool:
        """Members and above change data; viewers only look."""
        return self.principal.can_write

    @property
    def is_admin(self) -> bool:
        return self.principal.role.allows(Role.ADMIN)

    @property
    def timezone(self) -> str:
        return self.workspace.timezone or "UTC"

    @property
    def display_name(self) -> str:
        return self.user.display_name or self.user.email

    @property
    def initials(self) -> str:
        words = self.display_name.replace("@", " ").replace(".", " ").split()
        return "".join(word[0] for word in words[:2]).upper() or "?"


def load_web_context(session: Session, *, principal: Principal, platform: Platform) -> WebContext:
    """Build the page context for a principal that came from a dashboard session."""
    if principal.via != "session" or principal.session_id is None or principal.user_id is None:
        raise AuthenticationRequired(
            "the dashboard needs a login session; API keys and tokens cannot open pages"
        )
    web_session = session.get(WebSession, principal.session_id)
    if web_session is None:
        raise AuthenticationRequired("your session has ended; log in again")
    return WebContext(
        principal=principal,
        user=get_user(session, user_id=principal.user_id),
        workspace=get_workspace(session, principal=principal, workspace_id=principal.workspace_id),
        workspaces=list_user_workspaces(session, user_id=principal.user_id),
        csrf_token=web_session.csrf_token,
        unread_count=unread_count(session, workspace_id=principal.workspace_id, user_id=principal.user_id),
    )


def get_web_context(principal: PrincipalDep, session: SessionDep, platform: PlatformDep) -> WebContext:
    return load_web_context(session, principal=principal, platform=platform)


WebContextDep = Annotated[WebContext, Depends(get_web_context)]
