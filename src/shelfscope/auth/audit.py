"""Audit trail of every mutation, recorded by a flush listener so business code never calls it.

Models opt in by inheriting :class:`Auditable`. Whoever is acting is read from
``session.info["audit_actor"]`` (set by the API dependencies for the request's session) or,
failing that, from a context variable set with :func:`actor_context` (CLI, jobs). Only the
*names* of changed columns are stored, never values, so secrets and hashes cannot leak into
the log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from shelfscope.auth.principal import Principal
from shelfscope.clock import utcnow

__all__ = [
    "AUDIT_ACTOR_KEY",
    "AuditActor",
    "Auditable",
    "actor_context",
    "bind_actor",
    "current_actor",
    "record_statement_change",
]

AUDIT_ACTOR_KEY = "audit_actor"

# Columns whose change alone is bookkeeping, not a user-visible mutation.
_ALWAYS_IGNORED = frozenset({"created_at", "updated_at"})


@dataclass(frozen=True, slots=True)
class AuditActor:
    """Who performs mutations, and from where. ``via``: session, token, api_key, cli or system."""

    via: str
    user_id: int | None = None
    api_key_id: int | None = None
    workspace_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def from_principal(cls, principal: Principal, *, user_agent: str | None = None) -> AuditActor:
        return cls(
            via=principal.via,
            user_id=principal.user_id,
            api_key_id=principal.api_key_id,
            workspace_id=principal.workspace_id,
            ip=principal.ip,
            user_agent=user_agent[:300] if user_agent else None,
        )


SYSTEM_ACTOR = AuditActor(via="system")
_actor: ContextVar[AuditActor | None] = ContextVar("shelfscope_audit_actor", default=None)


@contextmanager
def actor_context(actor: Principal | AuditActor, *, user_agent: str | None = None) -> Iterator[AuditActor]:
    """Attribute every audited mutation inside the block to ``actor``."""
    resolved = (
        actor if isinstance(actor, AuditActor) else AuditActor.from_principal(actor, user_agent=user_agent)
    )
    token = _actor.set(resolved)
    try:
        yield resolved
    finally:
        _actor.reset(token)


def bind_actor(actor: AuditActor) -> None:
    """Attribute mutations to ``actor`` for the rest of the current context (one request's task)."""
    _actor.set(actor)


def current_actor(session: Session | None = None) -> AuditActor:
    """The actor bound to ``session``, else the context's, else the anonymous system actor."""
    if session is not None:
        bound = session.info.get(AUDIT_ACTOR_KEY)
        if isinstance(bound, AuditActor):
            return bound
    return _actor.get() or SYSTEM_ACTOR


class Auditable:
    """Mixin: every insert, update and delete of the model writes an ``audit_log`` row.

    ``__audit_ignore__`` names columns whose change alone is not worth a row (``last_used_at``).
    ``__audit_workspace_attr__`` names the attribute holding the workspace id.
    """

    __audit_ignore__: ClassVar[frozenset[str]] = frozenset()
    # Which attribute names the row's workspace; rows without one are filed under the actor's.
    __audit_workspace_attr__: ClassVar[str] = "workspace_id"
    # False for rows the system rewrites all the time (runs): only people's changes are logged.
    __audit_system__: ClassVar[bool] = True


def _entity_type(obj: Auditable) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def _column_keys(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(type(obj)).column_attrs]


def _changed_fields(obj: Any, action: str) -> list[str]:
    ignored = _ALWAYS_IGNORED | type(obj).__audit_ignore__
    state = inspect(obj)
    keys = [key for key in _column_keys(obj) if key not in ignored]
    if action == "delete":
        return []
    if action == "create":
        return sorted(key for key in keys if getattr(obj, key, None) is not None)
    return sorted(key for key in keys if state.attrs[key].history.has_changes())


def _workspace_of(obj: Auditable, actor: AuditActor) -> int | None:
    workspace_id = getattr(obj, type(obj).__audit_workspace_attr__, None)
    return workspace_id if isinstance(workspace_id, int) else actor.workspace_id


def _entries(session: Session) -> Iterable[tuple[str, Any]]:
    for obj in session.new:
        yield "create", obj
    for obj in session.dirty:
        yield "update", obj
    for obj in session.deleted:
        yield "delete", obj


def _record_mutations(session: Session, _flush_context: UOWTransaction) -> None:
    """After a flush (ids assigned, history still present), write one row per audited change."""
    actor = current_actor(session)
    rows: list[dict[str, Any]] = []
    for action, obj in _entries(session):
        if not isinstance(obj, Auditable) or not _logged_for(obj, actor):
            continue
        fields = _changed_fields(obj, action)
        if action == "update" and not fields:
            continue
        rows.append(_row(obj, actor, action=action, fields=fields))
    _write(session, rows)


def _logged_for(obj: Auditable, actor: AuditActor) -> bool:
    return type(obj).__audit_system__ or actor.via != "system"


def _row(obj: Auditable, actor: AuditActor, *, action: str, fields: list[str]) -> dict[str, Any]:
    identity = inspect(type(obj)).primary_key_from_instance(obj)
    return {
        "workspace_id": _workspace_of(obj, actor),
        "actor_user_id": actor.user_id,
        "actor_api_key_id": actor.api_key_id,
        "via": actor.via,
        "action": action,
        "entity_type": _entity_type(obj),
        "entity_id": ",".join(str(part) for part in identity),
        "changed_fields": fields,
        "ip": actor.ip,
        "user_agent": actor.user_agent,
        "at": utcnow(),
    }


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        from shelfscope.auth.models import AuditLog

        session.connection().execute(insert(AuditLog), rows)


def record_statement_change(session: Session, obj: Auditable, *, action: str, fields: Iterable[str]) -> None:
    """Log a change made by a SQL statement (compare-and-set) that the unit of work never sees.

    The flush listener covers ORM changes; atomic ``UPDATE … WHERE status = …`` writes bypass it,
    so the storage primitive that issues them reports here.
    """
    actor = current_actor(session)
    if _logged_for(obj, actor):
        _write(session, [_row(obj, actor, action=action, fields=sorted(fields))])


event.listen(Session, "after_flush", _record_mutations)
