"""Settings: the workspace (name, time zone), its members and their invitations."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import available_timezones

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.invitations import create_invitation, list_invitations, revoke_invitation
from shelfscope.auth.members import change_member_role, list_members, remove_member
from shelfscope.auth.principal import Role
from shelfscope.auth.web_sessions import switch_workspace
from shelfscope.auth.workspaces import update_workspace
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform
from shelfscope.web.context import WebContext, WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import user_errors
from shelfscope.web.reveal import clear_reveal, reveal_once, take_reveal
from shelfscope.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

MEMBERS_PATH = "/settings/members"
FormStr = Annotated[str, Form()]
TIMEZONE_OPTIONS = [(zone, zone.replace("_", " ")) for zone in sorted(available_timezones())]


@router.get("/settings")
def settings_index() -> Response:
    return RedirectResponse("/settings/workspace", status_code=303)


@router.get("/settings/workspace")
def workspace_page(request: Request, web: WebContextDep) -> Response:
    return render(
        request, "settings/workspace.html", web=web, timezone_options=TIMEZONE_OPTIONS, tab="workspace"
    )


@router.post("/settings/workspace")
def save_workspace(
    request: Request, web: WebContextDep, session: SessionDep, name: FormStr = "", timezone: FormStr = ""
) -> Response:
    with user_errors(request, session, success="Workspace settings saved"):
        update_workspace(
            session,
            principal=web.principal,
            workspace_id=web.workspace.id,
            name=name,
            timezone=timezone or None,
        )
    return redirect(request, "/settings/workspace")


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}", field="role") from None


def _grantable(web: WebContext) -> list[Role]:
    """Roles this member may hand out: their own and weaker ones."""
    return [role for role in Role if web.role.allows(role)]


def _invite_link(request: Request, platform: Platform, token: str) -> str:
    base = platform.settings.web.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/invite/{token}"


def _members_page(
    request: Request,
    web: WebContext,
    session: SessionDep,
    platform: Platform,
    *,
    invite_link: str | None = None,
) -> Response:
    invitations = (
        list_invitations(session, principal=web.principal, now=platform.clock.now()) if web.is_admin else []
    )
    return render(
        request,
        "settings/members.html",
        web=web,
        tab="members",
        members=list_members(session, principal=web.principal),
        invitations=sorted(invitations, key=lambda invitation: invitation.created_at, reverse=True),
        grantable=_grantable(web),
        role_options=[(role.value, role.value.capitalize()) for role in _grantable(web)],
        invite_link=invite_link,
    )


@router.get(MEMBERS_PATH)
def members_page(
    request: Request, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    revealed = take_reveal(request, platform, kind="invitation")
    response = _members_page(
        request, web, session, platform, invite_link=revealed.value if revealed else None
    )
    clear_reveal(request, response)
    return response


@router.post("/settings/members/invite")
def invite(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    email: FormStr = "",
    role: FormStr = "member",
) -> Response:
    with user_errors(request, session) as outcome:
        _, token = create_invitation(
            session,
            principal=web.principal,
            email=email,
            role=_role(role),
            settings=platform.settings,
            now=platform.clock.now(),
        )
    if not outcome.ok:
        return redirect(request, MEMBERS_PATH)
    flash(request, "success", f"Invitation for {email.strip()} created; send them the link below")
    # The token is stored only as a hash: the next page shows the link once, then it is gone.
    response = redirect(request, MEMBERS_PATH)
    link = _invite_link(request, platform, token)
    reveal_once(response, platform, path=MEMBERS_PATH, kind="invitation", value=link)
    return response


@router.post("/settings/members/{member_id}/role")
def change_role(
    request: Request, member_id: IdPath, web: WebContextDep, session: SessionDep, role: FormStr = ""
) -> Response:
    with user_errors(request, session) as outcome:
        membership = change_member_role(
            session, principal=web.principal, member_id=member_id, role=_role(role)
        )
    if outcome.ok:
        flash(request, "success", f"{membership.user.email} is now {membership.role.value}")
    return redirect(request, MEMBERS_PATH)


@router.post("/settings/members/{member_id}/remove")
def remove(
    request: Request, member_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    leaving = next((m for m in list_members(session, principal=web.principal) if m.id == member_id), None)
    is_self = leaving is not None and leaving.user_id == web.principal.user_id
    with user_errors(request, session) as outcome:
        remove_member(session, principal=web.principal, member_id=member_id, now=platform.clock.now())
    if not outcome.ok:
        return redirect(request, MEMBERS_PATH)
    if not is_self:
        flash(request, "success", f"Removed {leaving.user.email if leaving else 'the member'}")
        return redirect(request, MEMBERS_PATH)
    # Leaving: carry the session to another workspace, or end it when there is none.
    others = [ws for ws, _ in web.workspaces if ws.id != web.workspace.id]
    assert web.principal.session_id is not None and web.principal.user_id is not None
    if others:
        switch_workspace(
            session,
            session_id=web.principal.session_id,
            user_id=web.principal.user_id,
            workspace_id=others[0].id,
        )
        flash(request, "info", f"You left {web.workspace.name}")
        return redirect(request, "/")
    return redirect(request, "/login")


@router.post("/settings/invitations/{invitation_id}/revoke")
def revoke(
    request: Request, invitation_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    with user_errors(request, session, success="Invitation revoked"):
        revoke_invitation(
            session, principal=web.principal, invitation_id=invitation_id, now=platform.clock.now()
        )
    return redirect(request, MEMBERS_PATH)
