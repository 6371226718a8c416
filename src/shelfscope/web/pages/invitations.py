"""The invitation link: a signed-in user accepts with one click, anyone else with a password.

A new address creates its account (name and password); an address that already has an account
proves it with that account's password (throttled like a login). Either way the browser ends up
signed in, in the workspace it was invited to.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from shelfscope.api.deps import ClientIP, PlatformDep, SessionDep, enforce_ip_rate_limit
from shelfscope.auth._secrets import constant_time_equal
from shelfscope.auth.cookies import set_session_cookie
from shelfscope.auth.invitations import accept_invitation
from shelfscope.auth.users import get_user
from shelfscope.auth.web_sessions import create_web_session, switch_workspace
from shelfscope.auth.workspaces import list_user_workspaces
from shelfscope.errors import ConfigError, NotFound, PermissionDenied, RateLimited
from shelfscope.platform import Platform
from shelfscope.web.flash import flash
from shelfscope.web.public_session import (
    check_public_csrf,
    optional_web_session,
    public_csrf_token,
    set_public_csrf_cookie,
)
from shelfscope.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]
MAX_TOKEN_LENGTH = 200


def _invite_page(
    request: Request,
    session: SessionDep,
    platform: Platform,
    *,
    token: str,
    error: str | None = None,
    display_name: str = "",
    status: int = 200,
) -> Response:
    signed_in = optional_web_session(request, session, platform)
    user = get_user(session, user_id=signed_in[1].user_id) if signed_in and signed_in[1].user_id else None
    csrf = signed_in[0].csrf_token if signed_in else public_csrf_token(request)
    response = render(
        request,
        "auth/invite.html",
        web=None,
        status_code=status,
        csrf_token=csrf,
        token=token,
        user=user,
        error=error,
        display_name=display_name,
    )
    if not signed_in:
        set_public_csrf_cookie(response, csrf, secure=platform.settings.auth.cookie_secure)
    return response


@router.get("/invitations/accept")
def invitation_link(token: Annotated[str, Query(max_length=MAX_TOKEN_LENGTH)] = "") -> Response:
    """The link format the accounts API hands out; the page itself lives at /invite/<token>."""
    if not token:
        raise NotFound("the invitation link is incomplete; copy the whole link")
    return RedirectResponse(f"/invite/{token}", status_code=307)


@router.get("/invite/{token}")
def invite_page(request: Request, token: str, session: SessionDep, platform: PlatformDep) -> Response:
    return _invite_page(request, session, platform, token=token[:MAX_TOKEN_LENGTH])


@router.post("/invite/{token}", dependencies=[Depends(enforce_ip_rate_limit)])
def accept(
    request: Request,
    *,
    token: str,
    session: SessionDep,
    platform: PlatformDep,
    ip: ClientIP,
    csrf_token: FormStr = "",
    display_name: FormStr = "",
    password: FormStr = "",
) -> Response:
    now = platform.clock.now()
    signed_in = optional_web_session(request, session, platform)
    if signed_in is not None:
        if not csrf_token or not constant_time_equal(csrf_token, signed_in[0].csrf_token):
            raise PermissionDenied("missing or wrong CSRF token; reload the page and try again")
    else:
        check_public_csrf(request, csrf_token)
    try:
        membership = accept_invitation(
            session,
            token=token[:MAX_TOKEN_LENGTH],
            now=now,
            settings=platform.settings.auth,
            user_id=signed_in[1].user_id if signed_in else None,
            password=password or None,
            display_name=display_name,
            ip=ip,
        )
    except (ConfigError, RateLimited, NotFound) as exc:
        session.rollback()
        status = 429 if isinstance(exc, RateLimited) else exc.http_status
        message = exc.message[:1].upper() + exc.message[1:]
        return _invite_page(
            request, session, platform, token=token, error=message, display_name=display_name, status=status
        )
    names = {ws.id: ws.name for ws, _ in list_user_workspaces(session, user_id=membership.user_id)}
    flash(request, "success", f"Welcome to {names.get(membership.workspace_id, 'the workspace')}")
    if signed_in is not None:
        switch_workspace(
            session,
            session_id=signed_in[0].id,
            user_id=membership.user_id,
            workspace_id=membership.workspace_id,
        )
        return redirect(request, "/")
    web_session, session_token = create_web_session(
        session,
        user_id=membership.user_id,
        workspace_id=membership.workspace_id,
        ip=ip,
        user_agent=request.headers.get("user-agent"),
        settings=platform.settings.auth,
        now=now,
    )
    response = redirect(request, "/")
    set_session_cookie(
        response, token=session_token, expires_at=web_session.expires_at, settings=platform.settings.auth
    )
    return response
