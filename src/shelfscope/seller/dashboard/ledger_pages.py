"""The ledger explorer: every synced row, filtered and paginated, with totals per currency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.seller import exports
from shelfscope.seller.connections import list_connections
from shelfscope.seller.dashboard.labels import connection_label, kind_label, marketplace_label
from shelfscope.seller.dashboard.ledger_query import (
    LedgerFilters,
    ledger_facets,
    ledger_select,
    ledger_totals,
    search_ledger,
)
from shelfscope.seller.dashboard.rendering import render_seller
from shelfscope.web.context import WebContextDep
from shelfscope.web.paging import Pager, page_params

__all__ = ["LEDGER_CSV_PATH", "LEDGER_PATH", "router"]

router = APIRouter(include_in_schema=False)

LEDGER_PATH = "/seller/ledger"
LEDGER_CSV_PATH = "/seller/ledger.csv"
Text = Annotated[str | None, Query(max_length=100)]


def _filters(
    *,
    connection: Text = None,
    source: Text = None,
    marketplace_id: Text = None,
    item: Text = None,
    order_id: Text = None,
    entry_type: Text = None,
    date_from: Text = None,
    date_to: Text = None,
) -> LedgerFilters:
    return LedgerFilters.from_query(
        connection=connection,
        source=source,
        marketplace_id=marketplace_id,
        item=item,
        order_id=order_id,
        entry_type=entry_type,
        date_from=date_from,
        date_to=date_to,
    )


FiltersDep = Annotated[LedgerFilters, Depends(_filters)]


def _options(empty: str, values: list[str], label: Callable[[str], str] = str) -> list[tuple[str, str]]:
    return [("", empty), *((value, label(value)) for value in values)]


@router.get(LEDGER_PATH)
def ledger_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    filters: FiltersDep,
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    page_limit, page_offset = page_params(limit, offset)
    workspace_id, timezone = web.workspace.id, web.timezone
    entries, total = search_ledger(
        session,
        workspace_id=workspace_id,
        filters=filters,
        timezone=timezone,
        limit=page_limit,
        offset=page_offset,
    )
    facets = ledger_facets(session, workspace_id=workspace_id)
    connections = list_connections(session, workspace_id=workspace_id)
    params = filters.query_params()
    return render_seller(
        request,
        "seller/ledger.html",
        web=web,
        tab="ledger",
        entries=entries,
        filters=filters,
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        # Kinds describe the same money more than once (an order, its settlement, its events):
        # a sum is only meaningful within one kind.
        totals=ledger_totals(session, workspace_id=workspace_id, filters=filters, timezone=timezone)
        if filters.source
        else [],
        csv_url=LEDGER_CSV_PATH + (f"?{urlencode(params)}" if params else ""),
        connection_options=[
            ("", "Any connection"),
            *((str(c.id), connection_label(c.region, c.selling_partner_id)) for c in connections),
        ],
        source_options=_options("Any kind", facets.sources, kind_label),
        marketplace_options=_options("Any marketplace", facets.marketplaces, marketplace_label),
        type_options=_options("Any type", facets.entry_types),
        has_connections=bool(connections),
    )


@router.get(LEDGER_CSV_PATH)
def ledger_csv(web: WebContextDep, platform: PlatformDep, filters: FiltersDep) -> StreamingResponse:
    """Exactly the rows the explorer shows with these filters, streamed as CSV."""
    query = ledger_select(workspace_id=web.workspace.id, filters=filters, timezone=web.timezone)
    name = "-".join(["ledger", *(str(day) for day in (filters.date_from, filters.date_to) if day)]) + ".csv"
    return StreamingResponse(
        exports.stream_csv(platform.db, query, exports.LEDGER_COLUMNS),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
