"""Signing in and out, switching workspace, and accepting an invitation link."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from shelfscope.api.deps import ClientIP, PlatformDep, PrincipalDep, SessionDep, enforce_ip_rate_limit
from shelfscope.auth.cookies import SESSION_COOKIE, clear_session_cookie, set_session_cookie
from shelfscope.auth.login import login_with_password
from shelfscope.auth.web_sessions import create_web_session, logout_web_session, switch_workspace
from shelfscope.errors import AuthenticationRequired, PermissionDenied, RateLimited
from shelfscope.platform import Platform
from shelfscope.web.context import WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import user_errors
from shelfscope.web.nav import active_section
from shelfscope.web.public_session import (
    check_public_csrf,
    optional_web_session,
    public_csrf_token,
    set_public_csrf_cookie,
)
from shelfscope.web.templating import redirect, render, safe_next

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]
NextForm = Annotated[str, Form(alias="next")]
NextQuery = Annotated[str, Query(alias="next")]


def _login_page(
    request: Request,
    platform: Platform,
    *,
    next_url: str,
    email: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    token = public_csrf_token(request)
    response = render(
        request,
        "auth/login.html",
        web=None,
        status_code=status,
        csrf_token=token,
        next_url=next_url,
        email=email,
        error=error,
    )
    set_public_csrf_cookie(response, token, secure=platform.settings.auth.cookie_secure)
    return response


@router.get("/login")
def login_form(
    request: Request, session: SessionDep, platform: PlatformDep, next_url: NextQuery = "/"
) -> Response:
    target = safe_next(next_url)
    if optional_web_session(request, session, platform) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, platform, next_url=target)


@router.post("/login", dependencies=[Depends(enforce_ip_rate_limit)])
def login(
    request: Request,
    *,
    session: SessionDep,
    platform: PlatformDep,
    ip: ClientIP,
    email: FormStr = "",
    password: FormStr = "",
    csrf_token: FormStr = "",
    next_url: NextForm = "/",
) -> Response:
    target = safe_next(next_url)
    check_public_csrf(request, csrf_token)
    now = platform.clock.now()
    try:
        user = login_with_password(
            session, email=email, password=password, ip=ip, settings=platform.settings.auth, now=now
        )
        web_session, token = create_web_session(
            session,
            user_id=user.id,
            ip=ip,
            user_agent=request.headers.get("user-agent"),
            settings=platform.settings.auth,
            now=now,
        )
    except RateLimited as exc:
        return _login_page(request, platform, next_url=target, email=email, error=exc.message, status=429)
    except (AuthenticationRequired, PermissionDenied) as exc:
        session.rollback()
        return _login_page(request, platform, next_url=target, email=email, error=exc.message, status=401)
    response = redirect(request, target)
    set_session_cookie(
        response, token=token, expires_at=web_session.expires_at, settings=platform.settings.auth
    )
    return response


@router.post("/logout")
def logout(request: Request, principal: PrincipalDep, session: SessionDep, platform: PlatformDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        logout_web_session(session, token=token, now=platform.clock.now())
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, settings=platform.settings.auth)
    return response


@router.post("/workspace/switch")
def switch(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    workspace_id: Annotated[int, Form()],
    next_url: NextForm = "/",
) -> Response:
    assert web.principal.session_id is not None and web.principal.user_id is not None
    with user_errors(request, session) as outcome:
        switch_workspace(
            session,
            session_id=web.principal.session_id,
            user_id=web.principal.user_id,
            workspace_id=workspace_id,
        )
    if not outcome.ok:
        return redirect(request, safe_next(next_url))
    names = {workspace.id: workspace.name for workspace, _ in web.workspaces}
    flash(request, "info", f"Switched to {names.get(workspace_id, 'the workspace')}")
    # Pages of one workspace (a run's detail) do not exist in another: land on the section instead.
    section = active_section(safe_next(next_url))
    return redirect(request, section.url if section else "/")
