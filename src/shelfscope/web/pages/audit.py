"""The audit log (admins): every mutation in the workspace, filterable and paginated."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import SessionDep
from shelfscope.auth.api_keys import list_api_keys
from shelfscope.auth.audit import Auditable
from shelfscope.auth.audit_log import list_audit
from shelfscope.auth.members import list_members
from shelfscope.auth.principal import Role
from shelfscope.db import Base
from shelfscope.web.context import WebContextDep
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def audited_entity_types() -> list[str]:
    """Entity names as the audit log records them (``ApiKey`` → ``api_key``), for the filter."""
    names = {
        re.sub(r"(?<!^)(?=[A-Z])", "_", mapper.class_.__name__).lower()
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, Auditable)
    }
    return sorted(names)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/settings/audit")
def audit_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    web.principal.require(Role.ADMIN)
    page_limit, page_offset = page_params(limit, offset)
    # actor is "user:<id>" or "key:<id>", so one select covers people and API keys.
    kind, _, raw_id = (actor or "").partition(":")
    entries, total = list_audit(
        session,
        principal=web.principal,
        entity_type=entity_type or None,
        entity_id=(entity_id or "").strip() or None,
        actor_user_id=_int_or_none(raw_id) if kind == "user" else None,
        actor_api_key_id=_int_or_none(raw_id) if kind == "key" else None,
        limit=page_limit,
        offset=page_offset,
    )
    users = {m.user_id: m.user.email for m in list_members(session, principal=web.principal)}
    keys = {k.id: k.name for k in list_api_keys(session, principal=web.principal)}
    actor_options = [
        ("", "Anyone"),
        *((f"user:{uid}", email) for uid, email in sorted(users.items(), key=lambda item: item[1])),
        *((f"key:{kid}", f"API key: {name}") for kid, name in keys.items()),
    ]
    return render(
        request,
        "settings/audit.html",
        web=web,
        tab="audit",
        entries=entries,
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        users=users,
        keys=keys,
        type_options=[
            ("", "Any entity"),
            *((name, name.replace("_", " ")) for name in audited_entity_types()),
        ],
        actor_options=actor_options,
        filters={"entity_type": entity_type or "", "entity_id": entity_id or "", "actor": actor or ""},
    )
