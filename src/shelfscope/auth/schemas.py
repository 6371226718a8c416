"""Request and response bodies of the accounts API. Responses never carry hashes or secrets,
except the one-time ``key`` / ``token`` fields of the create responses that exist to hand them out.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shelfscope.auth.principal import Role

__all__ = [
    "ApiKeyCreate",
    "ApiKeyCreated",
    "ApiKeyOut",
    "AuditEntryOut",
    "InvitationAccept",
    "InvitationAccepted",
    "InvitationCreate",
    "InvitationCreated",
    "InvitationOut",
    "MeOut",
    "MemberOut",
    "MemberUpdate",
    "RefreshRequest",
    "SessionLogin",
    "SessionOut",
    "TokenOut",
    "UserOut",
    "WorkspaceCreate",
    "WorkspaceOut",
    "WorkspaceSwitch",
    "WorkspaceUpdate",
]

_Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)
_Rows = ConfigDict(from_attributes=True)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    workspace_id: int


class RefreshRequest(BaseModel):
    model_config = _Strict
    refresh_token: str = Field(min_length=1, max_length=200)


class SessionLogin(BaseModel):
    model_config = _Strict
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)
    workspace_id: int | None = Field(None, ge=1)


class SessionOut(BaseModel):
    user_id: int
    workspace_id: int
    csrf_token: str = Field(
        description="Send as X-CSRF-Token with every unsafe cookie-authenticated request."
    )
    expires_at: datetime


class WorkspaceSwitch(BaseModel):
    model_config = _Strict
    workspace_id: int = Field(ge=1)


class UserOut(BaseModel):
    model_config = _Rows
    id: int
    email: str
    display_name: str
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime


class WorkspaceOut(BaseModel):
    model_config = _Rows
    id: int
    name: str
    slug: str
    timezone: str
    role: Role | None = Field(None, description="The caller's role in this workspace.")


class WorkspaceCreate(BaseModel):
    model_config = _Strict
    name: str = Field(min_length=1, max_length=120)
    timezone: str = Field("UTC", min_length=1, max_length=64, description="IANA zone, e.g. Europe/Berlin.")


class WorkspaceUpdate(BaseModel):
    model_config = _Strict
    name: str | None = Field(None, min_length=1, max_length=120)
    timezone: str | None = Field(None, min_length=1, max_length=64)


class MeOut(BaseModel):
    user: UserOut | None = Field(description="Null when authenticated with an API key.")
    workspace: WorkspaceOut
    role: Role
    via: str
    api_key_id: int | None = None
    workspaces: list[WorkspaceOut]


class MemberOut(BaseModel):
    id: int = Field(description="Membership id, used in /members/{id}.")
    user_id: int
    email: str
    display_name: str
    role: Role
    created_at: datetime


class MemberUpdate(BaseModel):
    model_config = _Strict
    role: Role


class InvitationCreate(BaseModel):
    model_config = _Strict
    email: str = Field(min_length=3, max_length=254)
    role: Role = Role.MEMBER


class InvitationOut(BaseModel):
    model_config = _Rows
    id: int
    email: str
    role: Role
    invited_by: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class InvitationCreated(InvitationOut):
    token: str = Field(description="Shown only in this response.")
    url: str = Field(description="The link to send to the invitee; shown only in this response.")


class InvitationAccept(BaseModel):
    model_config = _Strict
    token: str = Field(min_length=1, max_length=200)
    password: str | None = Field(
        None, max_length=1024, description="Needed unless logged in as the invited account."
    )
    display_name: str = Field("", max_length=120)


class InvitationAccepted(BaseModel):
    workspace_id: int
    user_id: int
    role: Role
    member_id: int


class ApiKeyCreate(BaseModel):
    model_config = _Strict
    name: str = Field(min_length=1, max_length=120)
    role: Role | None = Field(None, description="At most your own role; defaults to it.")


class ApiKeyOut(BaseModel):
    model_config = _Rows
    id: int
    name: str
    prefix: str = Field(description="The recognisable start of the key: ssk_<prefix>_…")
    role: Role
    created_by: int | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The whole key; shown only in this response, stored only as a hash.")


class AuditEntryOut(BaseModel):
    model_config = _Rows
    id: int
    at: datetime
    action: str
    entity_type: str
    entity_id: str
    changed_fields: list[str]
    actor_user_id: int | None
    actor_api_key_id: int | None
    via: str
    ip: str | None
    user_agent: str | None
