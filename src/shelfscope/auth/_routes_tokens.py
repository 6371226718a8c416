"""Routes that sign in and out: OAuth2 password flow, refresh, and the dashboard session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from shelfscope.api.deps import (
    ClientIP,
    PlatformDep,
    PrincipalDep,
    SessionDep,
    enforce_ip_rate_limit,
)
from shelfscope.auth.cookies import SESSION_COOKIE, clear_session_cookie, set_session_cookie
from shelfscope.auth.login import login_with_password
from shelfscope.auth.refresh import password_grant, refresh_token_pair, revoke_refresh_family
from shelfscope.auth.schemas import RefreshRequest, SessionLogin, SessionOut, TokenOut, WorkspaceSwitch
from shelfscope.auth.web_sessions import create_web_session, logout_web_session, switch_workspace
from shelfscope.errors import InvalidInput

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"], dependencies=[Depends(enforce_ip_rate_limit)])

MAX_ID = 2**63 - 1


@router.post("/token", response_model=TokenOut, summary="OAuth2 password flow: access and refresh token")
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    platform: PlatformDep,
    ip: ClientIP,
    workspace_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> TokenOut:
    pair = password_grant(
        session,
        email=form.username,
        password=form.password,
        ip=ip,
        settings=platform.settings,
        now=platform.clock.now(),
        workspace_id=workspace_id,
    )
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        workspace_id=pair.workspace_id,
    )


@router.post("/refresh", response_model=TokenOut, summary="Spend a refresh token for a new pair")
def refresh(body: RefreshRequest, session: SessionDep, platform: PlatformDep) -> TokenOut:
    pair = refresh_token_pair(
        session, refresh_token=body.refresh_token, settings=platform.settings, now=platform.clock.now()
    )
    return TokenOut(
        access_token=pair.access_token,
        expires_in=pair.expires_in,
        refresh_token=pair.refresh_token,
        workspace_id=pair.workspace_id,
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a refresh token's family")
def logout(body: RefreshRequest, session: SessionDep, platform: PlatformDep) -> None:
    revoke_refresh_family(session, refresh_token=body.refresh_token, now=platform.clock.now())


@router.post("/session", response_model=SessionOut, summary="Dashboard login: sets the session cookie")
def login_session(
    *,
    body: SessionLogin,
    request: Request,
    response: Response,
    session: SessionDep,
    platform: PlatformDep,
    ip: ClientIP,
) -> SessionOut:
    now = platform.clock.now()
    user = login_with_password(
        session, email=body.email, password=body.password, ip=ip, settings=platform.settings.auth, now=now
    )
    web_session, token = create_web_session(
        session,
        user_id=user.id,
        workspace_id=body.workspace_id,
        ip=ip,
        user_agent=request.headers.get("user-agent"),
        settings=platform.settings.auth,
        now=now,
    )
    set_session_cookie(response, token=token, settings=platform.settings.auth)
    return SessionOut(
        user_id=user.id,
        workspace_id=web_session.workspace_id,
        csrf_token=web_session.csrf_token,
        expires_at=web_session.expires_at,
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, summary="Dashboard logout")
def logout_session(request: Request, response: Response, session: SessionDep, platform: PlatformDep) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        logout_web_session(session, token=token, now=platform.clock.now())
    clear_session_cookie(response, settings=platform.settings.auth)


@router.post(
    "/session/workspace", response_model=SessionOut, summary="Switch the dashboard session's workspace"
)
def switch_session_workspace(
    body: WorkspaceSwitch, principal: PrincipalDep, session: SessionDep
) -> SessionOut:
    if principal.session_id is None or principal.user_id is None:
        raise InvalidInput("only a dashboard session switches workspace; API clients send X-Workspace-Id")
    web_session = switch_workspace(
        session, session_id=principal.session_id, user_id=principal.user_id, workspace_id=body.workspace_id
    )
    return SessionOut(
        user_id=principal.user_id,
        workspace_id=web_session.workspace_id,
        csrf_token=web_session.csrf_token,
        expires_at=web_session.expires_at,
    )
