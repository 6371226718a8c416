"""Reimbursement cases: the list with totals at stake, a case with its evidence, its status form.

The cases service (:mod:`shelfscope.seller.cases`) finds and stores cases; these pages only
read it and move a case's status (members and above, CSRF-checked). Totals never add amounts of
different currencies together.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.seller.cases import (
    CaseKind,
    case_totals,
    get_case,
    list_cases,
    policy_for,
    set_case_status,
)
from shelfscope.seller.cases.service import parse_kind, parse_status
from shelfscope.seller.connections import list_connections
from shelfscope.seller.dashboard.labels import connection_label
from shelfscope.seller.dashboard.rendering import render_seller
from shelfscope.seller.dashboard.stakes import STATUSES, stakes_by_status
from shelfscope.web.context import WebContextDep
from shelfscope.web.forms import user_errors
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.templating import redirect

__all__ = ["CASES_CSV_PATH", "CASES_PATH", "router"]

router = APIRouter(include_in_schema=False)

CASES_PATH = "/seller/cases"
CASES_CSV_PATH = "/api/v1/seller/cases.csv"
Text = Annotated[str | None, Query(max_length=40)]


def _connection_id(value: str | None) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput("connection must be a connection id", field="connection")
    return int(value)


@router.get(CASES_PATH)
def cases_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    status: Text = None,
    kind: Text = None,
    connection: Text = None,
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    status_filter = parse_status(status).value if status else None
    kind_filter = parse_kind(kind).value if kind else None
    connection_id = _connection_id(connection)
    page_limit, page_offset = page_params(limit, offset)
    workspace_id = web.workspace.id
    cases, total = list_cases(
        session,
        workspace_id=workspace_id,
        status=status_filter,
        kind=kind_filter,
        connection_id=connection_id,
        limit=page_limit,
        offset=page_offset,
    )
    params = {
        name: str(value)
        for name, value in (
            ("status", status_filter),
            ("kind", kind_filter),
            ("connection_id", connection_id),
        )
        if value is not None
    }
    connections = list_connections(session, workspace_id=workspace_id)
    return render_seller(
        request,
        "seller/cases.html",
        web=web,
        tab="cases",
        cases=cases,
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        stakes=stakes_by_status(case_totals(session, workspace_id=workspace_id, connection_id=connection_id)),
        statuses=STATUSES,
        status_filter=status_filter or "",
        kind_filter=kind_filter or "",
        connection_filter=connection_id or "",
        filtered=bool(params),
        status_options=[("", "Any status"), *((s, s.capitalize()) for s in STATUSES)],
        kind_options=[("", "Any kind"), *((k.value, k.label) for k in CaseKind)],
        connection_options=[
            ("", "Any connection"),
            *((str(c.id), connection_label(c.region, c.selling_partner_id)) for c in connections),
        ],
        kind_labels={k.value: k.label for k in CaseKind},
        csv_url=CASES_CSV_PATH + (f"?{urlencode(params)}" if params else ""),
        has_connections=bool(connections),
    )


@router.get(CASES_PATH + "/{case_id}")
def case_page(request: Request, case_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    detail = get_case(session, workspace_id=web.workspace.id, case_id=case_id)
    kind = CaseKind(detail.case.kind)
    return render_seller(
        request,
        "seller/case.html",
        web=web,
        tab="cases",
        detail=detail,
        case=detail.case,
        kind_label=kind.label,
        policy=policy_for(kind),
        status_options=[(s, s.capitalize()) for s in STATUSES],
    )


@router.post(CASES_PATH + "/{case_id}/status")
def change_status(
    request: Request,
    case_id: IdPath,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    status: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    with user_errors(request, session, success=f"Case #{case_id} is now {status or 'unchanged'}"):
        web.principal.require(Role.MEMBER)
        set_case_status(
            session,
            workspace_id=web.workspace.id,
            case_id=case_id,
            status=status,
            note=note or None,
            user_id=web.principal.user_id,
            now=platform.clock.now(),
        )
    return redirect(request, f"{CASES_PATH}/{case_id}")
