"""API keys: ``ssk_<prefix>_<secret>``, shown once, stored as a SHA-256 hash, scoped to a workspace.

The prefix is stored in clear so a key can be found with one indexed lookup and recognised in
the key list; only the hash of the whole key proves possession.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from shelfscope.auth._secrets import constant_time_equal, sha256_hex
from shelfscope.auth.models import ApiKey
from shelfscope.auth.principal import Principal, Role
from shelfscope.errors import AuthenticationRequired, InvalidInput, NotFound, PermissionDenied

__all__ = [
    "API_KEY_PREFIX",
    "api_keys_query",
    "authenticate_api_key",
    "create_api_key",
    "get_api_key",
    "list_api_keys",
    "looks_like_api_key",
    "revoke_api_key",
]

API_KEY_PREFIX = "ssk"
# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_NAME_LENGTH = 120


def looks_like_api_key(credential: str) -> bool:
    return credential.startswith(f"{API_KEY_PREFIX}_")


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def create_api_key(
    session: Session, *, principal: Principal, name: str, role: Role | None = None, now: datetime
) -> tuple[ApiKey, str]:
    """A new key for the principal's workspace; returns the row and the key, which is never shown again."""
    principal.require(Role.MEMBER)
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"API key name must be 1 to {MAX_NAME_LENGTH} characters", field="name")
    granted = role or principal.role
    if not principal.role.allows(granted):
        raise PermissionDenied(f"an {principal.role.value} cannot create a key with the {granted.value} role")
    prefix, key = _new_key()
    api_key = ApiKey(
        workspace_id=principal.workspace_id,
        name=cleaned,
        prefix=prefix,
        key_hash=sha256_hex(key),
        role=granted,
        created_by=principal.user_id,
        created_at=now,
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def api_keys_query(*, principal: Principal, include_revoked: bool = True) -> Select[ApiKey]:
    """The workspace's keys, oldest first; members and above."""
    principal.require(Role.MEMBER)
    query = select(ApiKey).where(ApiKey.workspace_id == principal.workspace_id).order_by(ApiKey.id)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return query


def list_api_keys(session: Session, *, principal: Principal, include_revoked: bool = True) -> list[ApiKey]:
    return list(session.scalars(api_keys_query(principal=principal, include_revoked=include_revoked)))


def get_api_key(session: Session, *, principal: Principal, api_key_id: int) -> ApiKey:
    api_key = session.scalar(
        select(ApiKey).where(ApiKey.id == api_key_id, ApiKey.workspace_id == principal.workspace_id)
    )
    if api_key is None:
        raise NotFound(f"API key {api_key_id} not found")
    return api_key


def revoke_api_key(session: Session, *, principal: Principal, api_key_id: int, now: datetime) -> ApiKey:
    """Revoke a key: its creator may, and so may admins and owners. Revoking twice is harmless."""
    api_key = get_api_key(session, principal=principal, api_key_id=api_key_id)
    own = principal.user_id is not None and api_key.created_by == principal.user_id
    if not own:
        principal.require(Role.ADMIN)
    if api_key.revoked_at is None:
        api_key.revoked_at = now
        session.flush()
    return api_key


def _parse(key: str) -> str:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX or not parts[1] or not parts[2]:
        raise AuthenticationRequired("the API key is malformed")
    return parts[1]


def authenticate_api_key(session: Session, *, key: str, now: datetime, ip: str | None = None) -> Principal:
    """The principal a presented key stands for; AuthenticationRequired for unknown or revoked keys."""
    api_key = session.scalar(select(ApiKey).where(ApiKey.prefix == _parse(key)))
    if api_key is None or not constant_time_equal(api_key.key_hash, sha256_hex(key)):
        raise AuthenticationRequired("the API key is not valid")
    if api_key.revoked_at is not None:
        raise AuthenticationRequired("the API key has been revoked")
    _touch(session, api_key, now)
    return Principal(
        user_id=None,
        workspace_id=api_key.workspace_id,
        role=api_key.role,
        via="api_key",
        api_key_id=api_key.id,
        ip=ip,
    )


def _touch(session: Session, api_key: ApiKey, now: datetime) -> None:
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    # A conditional UPDATE, so concurrent requests of one key write at most once per minute.
    session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == api_key.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_RESOLUTION),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(api_key, "last_used_at", now)
