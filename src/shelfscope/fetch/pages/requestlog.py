"""The request log page: every fetch of the workspace, newest first, filterable and paginated.

Filters arrive as query strings, so a filtered view is a link one can share. A filter value
that makes no sense (a status of 'abc', a date that is not one) is ignored and explained above
the table rather than failing the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import SessionDep
from shelfscope.api.pagination import PageParams, paginate
from shelfscope.errors import InvalidInput
from shelfscope.fetch import proxy_service
from shelfscope.fetch.pages._forms import local_time, optional_int
from shelfscope.fetch.requestlog import log_query
from shelfscope.web.context import WebContextDep
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.templating import render

__all__ = ["REQUESTS_PATH", "router"]

router = APIRouter(include_in_schema=False)

REQUESTS_PATH = "/fetch/requests"
Text = Annotated[str, Query(max_length=255)]
_YES_NO = {"yes": True, "no": False}
T = TypeVar("T")


def _lenient(parse: Callable[[], T | None], problems: list[str]) -> T | None:
    """The parsed filter value, or None with the reason noted when the value makes no sense."""
    try:
        return parse()
    except InvalidInput as exc:
        problems.append(exc.message)
        return None


@router.get(REQUESTS_PATH)
def requests_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    host: Text = "",
    status: Text = "",
    outcome: Text = "",
    blocked: Text = "",
    proxy: Text = "",
    run_id: Text = "",
    since: Text = "",
    until: Text = "",
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    page_limit, page_offset = page_params(limit, offset)
    problems: list[str] = []
    query = log_query(
        workspace_id=web.workspace.id,
        host=host.strip().lower() or None,
        outcome=outcome if outcome in ("succeeded", "failed") else None,
        blocked=_YES_NO.get(blocked),
        proxy_id=proxy.strip() or None,
        run_id=run_id.strip() or None,
        status=_lenient(lambda: optional_int(status, field="status", low=100, high=599), problems),
        since=_lenient(lambda: local_time(since, zone=web.timezone, field="since"), problems),
        until=_lenient(lambda: local_time(until, zone=web.timezone, field="until"), problems),
    )
    rows, total = paginate(session, query, PageParams(limit=page_limit, offset=page_offset))
    proxies = proxy_service.list_proxies(session, workspace_id=web.workspace.id)
    filtered = any(value for value in (host, status, outcome, blocked, proxy, run_id, since, until))
    return render(
        request,
        "fetch/requests.html",
        web=web,
        rows=rows,
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        problems=problems,
        filtered=filtered,
        proxy_names={str(p.id): p.name for p in proxies},
        proxy_options=[("", "Any proxy"), *((str(p.id), p.name) for p in proxies)],
        outcome_options=[("", "Any outcome"), ("succeeded", "Succeeded"), ("failed", "Failed")],
        blocked_options=[("", "Blocked or not"), ("yes", "Blocked"), ("no", "Not blocked")],
        values={
            "host": host,
            "status": status,
            "outcome": outcome,
            "blocked": blocked,
            "proxy": proxy,
            "run_id": run_id,
            "since": since,
            "until": until,
        },
    )
