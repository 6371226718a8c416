"""JSON API of reimbursement cases, and the CSV exports of cases and of the ledger.

Viewers read; members and above change a case's status. Another workspace's case ids answer 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Select

from shelfscope.api.deps import MAX_ID, MemberDep, PlatformDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.seller import cases, exports
from shelfscope.seller.cases.export import CASE_COLUMNS
from shelfscope.seller.cases.schemas import CaseDetailOut, CaseOut, CaseStatusChange

__all__ = ["router"]

router = APIRouter(prefix="/seller", tags=["seller cases"])
_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}


@dataclass(frozen=True, slots=True)
class CaseFilters:
    status: cases.CaseStatus | None
    kind: cases.CaseKind | None
    connection_id: int | None
    marketplace_id: str | None
    sku: str | None

    def query(self, workspace_id: int) -> Select[cases.ReimbursementCase]:
        return cases.cases_query(
            workspace_id=workspace_id,
            status=self.status,
            kind=self.kind,
            connection_id=self.connection_id,
            marketplace_id=self.marketplace_id,
            sku=self.sku,
        )


def _case_filters(
    *,
    status: Annotated[cases.CaseStatus | None, Query(description="Only cases in this status.")] = None,
    kind: Annotated[cases.CaseKind | None, Query(description="Only cases of this kind.")] = None,
    connection_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    marketplace_id: Annotated[str | None, Query(max_length=32)] = None,
    sku: Annotated[str | None, Query(max_length=100)] = None,
) -> CaseFilters:
    return CaseFilters(status, kind, connection_id, marketplace_id, sku)


CaseFiltersDep = Annotated[CaseFilters, Depends(_case_filters)]


def _ledger_filters(
    *,
    source: Annotated[str | None, Query(max_length=32, description="Source kind, e.g. orders.")] = None,
    marketplace_id: Annotated[str | None, Query(max_length=32)] = None,
    sku: Annotated[str | None, Query(max_length=100)] = None,
    order_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[datetime | None, Query(description="Event time from (inclusive).")] = None,
    until: Annotated[datetime | None, Query(description="Event time before (exclusive).")] = None,
) -> exports.LedgerFilters:
    return exports.ledger_filters(
        source=source, marketplace_id=marketplace_id, sku=sku, order_id=order_id, since=since, until=until
    )


LedgerFiltersDep = Annotated[exports.LedgerFilters, Depends(_ledger_filters)]


@router.get("/cases", summary="Reimbursement cases, soonest claim deadline first")
def list_cases(
    principal: ViewerDep, session: SessionDep, page: PageParamsDep, filters: CaseFiltersDep
) -> Page[CaseOut]:
    rows, total = paginate(session, filters.query(principal.workspace_id), page)
    items = [CaseOut.model_validate(row) for row in rows]
    return Page[CaseOut](items=items, total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/cases.csv",
    summary="Reimbursement cases as CSV, streamed",
    response_class=StreamingResponse,
    responses=_CSV,
)
def cases_csv(principal: ViewerDep, platform: PlatformDep, filters: CaseFiltersDep) -> StreamingResponse:
    query = filters.query(principal.workspace_id)
    return _csv_response(exports.stream_csv(platform.db, query, CASE_COLUMNS), "reimbursement-cases.csv")


@router.get("/cases/{case_id}", summary="One case with its evidence trail and history")
def get_case(case_id: IdPath, principal: ViewerDep, session: SessionDep) -> CaseDetailOut:
    detail = cases.get_case(session, workspace_id=principal.workspace_id, case_id=case_id)
    return CaseDetailOut.from_detail(detail)


@router.post("/cases/{case_id}/status", summary="Mark a case open, filed, paid or dismissed")
def set_status(
    case_id: IdPath, body: CaseStatusChange, principal: MemberDep, session: SessionDep, platform: PlatformDep
) -> CaseOut:
    case = cases.set_case_status(
        session,
        workspace_id=principal.workspace_id,
        case_id=case_id,
        status=body.status,
        note=body.note,
        user_id=principal.user_id,
        now=platform.clock.now(),
    )
    return CaseOut.model_validate(case)


@router.get(
    "/ledger.csv",
    summary="Ledger entries as CSV, streamed, with the filters of GET /seller/ledger",
    response_class=StreamingResponse,
    responses=_CSV,
)
def ledger_csv(principal: ViewerDep, platform: PlatformDep, filters: LedgerFiltersDep) -> StreamingResponse:
    query = exports.ledger_query(workspace_id=principal.workspace_id, filters=filters)
    filename = exports.csv_filename("ledger", since=filters.since, until=filters.until)
    return _csv_response(exports.stream_csv(platform.db, query, exports.LEDGER_COLUMNS), filename)


def _csv_response(chunks: Iterator[str], filename: str) -> StreamingResponse:
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
