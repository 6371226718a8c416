"""Routes that grant access to a workspace: invitations, API keys, and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from shelfscope.api.deps import (
    AdminDep,
    ClientIP,
    MemberDep,
    OptionalPrincipalDep,
    PlatformDep,
    SessionDep,
    enforce_ip_rate_limit,
)
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.auth.api_keys import api_keys_query, create_api_key, revoke_api_key
from shelfscope.auth.audit_log import list_audit
from shelfscope.auth.invitations import (
    accept_invitation,
    create_invitation,
    invitation_url,
    invitations_query,
    revoke_invitation,
)
from shelfscope.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    AuditEntryOut,
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
)

__all__ = ["router"]

router = APIRouter()


@router.get("/invitations", response_model=Page[InvitationOut], tags=["invitations"], summary="Invitations")
def invitations(
    *,
    principal: AdminDep,
    session: SessionDep,
    platform: PlatformDep,
    page: PageParamsDep,
    pending: Annotated[bool, Query(description="Only invitations that can still be accepted.")] = False,
) -> Page[InvitationOut]:
    query = invitations_query(principal=principal, now=platform.clock.now(), pending_only=pending)
    rows, total = paginate(session, query, page)
    items = [InvitationOut.model_validate(row) for row in rows]
    return Page[InvitationOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/invitations",
    response_model=InvitationCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["invitations"],
    summary="Invite by link (the token is shown only here)",
)
def invite(
    body: InvitationCreate, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> InvitationCreated:
    invitation, token = create_invitation(
        session,
        principal=principal,
        email=body.email,
        role=body.role,
        settings=platform.settings,
        now=platform.clock.now(),
    )
    out = InvitationOut.model_validate(invitation)
    return InvitationCreated(**out.model_dump(), token=token, url=invitation_url(platform.settings, token))


@router.delete(
    "/invitations/{invitation_id}", response_model=InvitationOut, tags=["invitations"], summary="Revoke"
)
def revoke(
    invitation_id: IdPath, principal: AdminDep, session: SessionDep, platform: PlatformDep
) -> InvitationOut:
    invitation = revoke_invitation(
        session, principal=principal, invitation_id=invitation_id, now=platform.clock.now()
    )
    return InvitationOut.model_validate(invitation)


@router.post(
    "/invitations/accept",
    response_model=InvitationAccepted,
    tags=["invitations"],
    summary="Accept an invitation as the logged-in user, an existing account (password) or a new one",
    dependencies=[Depends(enforce_ip_rate_limit)],
)
def accept(
    body: InvitationAccept,
    principal: OptionalPrincipalDep,
    session: SessionDep,
    platform: PlatformDep,
    ip: ClientIP,
) -> InvitationAccepted:
    membership = accept_invitation(
        session,
        token=body.token,
        now=platform.clock.now(),
        settings=platform.settings.auth,
        user_id=principal.user_id if principal else None,
        password=body.password,
        display_name=body.display_name,
        ip=ip,
    )
    return InvitationAccepted(
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        role=membership.role,
        member_id=membership.id,
    )


@router.get(
    "/api-keys", response_model=Page[ApiKeyOut], tags=["api keys"], summary="API keys of the workspace"
)
def api_keys(principal: MemberDep, session: SessionDep, page: PageParamsDep) -> Page[ApiKeyOut]:
    rows, total = paginate(session, api_keys_query(principal=principal), page)
    items = [ApiKeyOut.model_validate(key) for key in rows]
    return Page[ApiKeyOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.post(
    "/api-keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    tags=["api keys"],
    summary="Create an API key (the key is shown only here)",
)
def new_api_key(
    body: ApiKeyCreate, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> ApiKeyCreated:
    api_key, key = create_api_key(
        session, principal=principal, name=body.name, role=body.role, now=platform.clock.now()
    )
    return ApiKeyCreated(**ApiKeyOut.model_validate(api_key).model_dump(), key=key)


@router.delete(
    "/api-keys/{api_key_id}", response_model=ApiKeyOut, tags=["api keys"], summary="Revoke an API key"
)
def delete_api_key(
    api_key_id: IdPath, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> ApiKeyOut:
    api_key = revoke_api_key(session, principal=principal, api_key_id=api_key_id, now=platform.clock.now())
    return ApiKeyOut.model_validate(api_key)


@router.get("/audit", response_model=Page[AuditEntryOut], tags=["audit"], summary="Audit log (admins)")
def audit(
    *,
    principal: AdminDep,
    session: SessionDep,
    page: PageParamsDep,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    actor_user_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    actor_api_key_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Page[AuditEntryOut]:
    rows, total = list_audit(
        session,
        principal=principal,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_user_id=actor_user_id,
        actor_api_key_id=actor_api_key_id,
        limit=page.limit,
        offset=page.offset,
    )
    items = [AuditEntryOut.model_validate(row) for row in rows]
    return Page[AuditEntryOut](items=items, total=total, limit=page.limit, offset=page.offset)
