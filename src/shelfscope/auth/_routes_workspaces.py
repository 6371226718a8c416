"""Routes about the caller, their workspaces and the members of the current workspace."""

from __future__ import annotations

from fastapi import APIRouter, status

from shelfscope.api.deps import AdminDep, PlatformDep, PrincipalDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParams, PageParamsDep, paginate
from shelfscope.auth.members import change_member_role, members_query, remove_member
from shelfscope.auth.models import Membership, Workspace
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.schemas import (
    MemberOut,
    MemberUpdate,
    MeOut,
    UserOut,
    WorkspaceCreate,
    WorkspaceOut,
    WorkspaceUpdate,
)
from shelfscope.auth.users import get_user
from shelfscope.auth.workspaces import (
    create_workspace,
    get_workspace,
    list_user_workspaces,
    update_workspace,
    user_memberships_query,
)
from shelfscope.errors import PermissionDenied

__all__ = ["router"]

router = APIRouter(tags=["workspaces"])


def _workspace_out(workspace: Workspace, role: Role | None) -> WorkspaceOut:
    return WorkspaceOut(
        id=workspace.id, name=workspace.name, slug=workspace.slug, timezone=workspace.timezone, role=role
    )


def _member_out(membership: Membership) -> MemberOut:
    return MemberOut(
        id=membership.id,
        user_id=membership.user_id,
        email=membership.user.email,
        display_name=membership.user.display_name,
        role=membership.role,
        created_at=membership.created_at,
    )


def _my_workspaces(session: SessionDep, principal: Principal) -> list[WorkspaceOut]:
    if principal.user_id is None:
        workspace = get_workspace(session, principal=principal, workspace_id=principal.workspace_id)
        return [_workspace_out(workspace, principal.role)]
    return [_workspace_out(w, role) for w, role in list_user_workspaces(session, user_id=principal.user_id)]


@router.get("/me", response_model=MeOut, summary="The caller, their workspaces and current role")
def me(principal: PrincipalDep, session: SessionDep) -> MeOut:
    user = get_user(session, user_id=principal.user_id) if principal.user_id is not None else None
    workspace = get_workspace(session, principal=principal, workspace_id=principal.workspace_id)
    return MeOut(
        user=UserOut.model_validate(user) if user else None,
        workspace=_workspace_out(workspace, principal.role),
        role=principal.role,
        via=principal.via,
        api_key_id=principal.api_key_id,
        workspaces=_my_workspaces(session, principal),
    )


def _api_key_workspaces(session: SessionDep, principal: Principal, page: PageParams) -> Page[WorkspaceOut]:
    """An API key belongs to exactly one workspace, so its list is that one, sliced like any other."""
    everything = _my_workspaces(session, principal)
    items = everything[page.offset : page.offset + page.limit]
    return Page[WorkspaceOut](items=items, total=len(everything), limit=page.limit, offset=page.offset)


@router.get("/workspaces", response_model=Page[WorkspaceOut], summary="Workspaces the caller belongs to")
def workspaces(principal: PrincipalDep, session: SessionDep, page: PageParamsDep) -> Page[WorkspaceOut]:
    if principal.user_id is None:
        return _api_key_workspaces(session, principal, page)
    rows, total = paginate(session, user_memberships_query(user_id=principal.user_id), page)
    items = [_workspace_out(membership.workspace, membership.role) for membership in rows]
    return Page[WorkspaceOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/workspaces",
    response_model=WorkspaceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a workspace",
)
def new_workspace(body: WorkspaceCreate, principal: PrincipalDep, session: SessionDep) -> WorkspaceOut:
    if principal.user_id is None:
        raise PermissionDenied("API keys cannot create workspaces; log in as a user")
    workspace = create_workspace(session, owner_id=principal.user_id, name=body.name, timezone=body.timezone)
    return _workspace_out(workspace, Role.OWNER)


@router.get("/workspaces/{workspace_id}", response_model=WorkspaceOut, summary="The current workspace")
def workspace(workspace_id: IdPath, principal: ViewerDep, session: SessionDep) -> WorkspaceOut:
    found = get_workspace(session, principal=principal, workspace_id=workspace_id)
    return _workspace_out(found, principal.role)


@router.patch("/workspaces/{workspace_id}", response_model=WorkspaceOut, summary="Rename or set time zone")
def edit_workspace(
    workspace_id: IdPath, body: WorkspaceUpdate, principal: PrincipalDep, session: SessionDep
) -> WorkspaceOut:
    updated = update_workspace(
        session, principal=principal, workspace_id=workspace_id, name=body.name, timezone=body.timezone
    )
    return _workspace_out(updated, principal.role)


@router.get("/members", response_model=Page[MemberOut], summary="Members of the current workspace")
def members(principal: ViewerDep, session: SessionDep, page: PageParamsDep) -> Page[MemberOut]:
    rows, total = paginate(session, members_query(principal=principal), page)
    items = [_member_out(m) for m in rows]
    return Page[MemberOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.patch("/members/{member_id}", response_model=MemberOut, summary="Change a member's role")
def edit_member(member_id: IdPath, body: MemberUpdate, principal: AdminDep, session: SessionDep) -> MemberOut:
    return _member_out(change_member_role(session, principal=principal, member_id=member_id, role=body.role))


@router.delete(
    "/members/{member_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member (or leave)"
)
def delete_member(
    member_id: IdPath, principal: PrincipalDep, session: SessionDep, platform: PlatformDep
) -> None:
    remove_member(session, principal=principal, member_id=member_id, now=platform.clock.now())
