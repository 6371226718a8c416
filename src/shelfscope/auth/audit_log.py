"""Reading the audit trail (writing happens in :mod:`shelfscope.auth.audit`)."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shelfscope.auth.models import AuditLog
from shelfscope.auth.principal import Principal, Role

__all__ = ["list_audit"]


def _filtered(
    principal: Principal,
    entity_type: str | None,
    entity_id: str | None,
    actor_user_id: int | None,
    actor_api_key_id: int | None,
) -> Select[AuditLog]:
    query = select(AuditLog).where(AuditLog.workspace_id == principal.workspace_id)
    if entity_type:
        query = query.where(AuditLog.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditLog.entity_id == entity_id)
    if actor_user_id is not None:
        query = query.where(AuditLog.actor_user_id == actor_user_id)
    if actor_api_key_id is not None:
        query = query.where(AuditLog.actor_api_key_id == actor_api_key_id)
    return query


def list_audit(
    session: Session,
    *,
    principal: Principal,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_user_id: int | None = None,
    actor_api_key_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditLog], int]:
    """One page of the workspace's audit log, newest first, and the total; admins and owners only."""
    principal.require(Role.ADMIN)
    query = _filtered(principal, entity_type, entity_id, actor_user_id, actor_api_key_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit).offset(offset))
    return list(rows), total
