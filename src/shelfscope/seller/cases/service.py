"""Use cases on reimbursement cases: list, read with evidence, change status, totals.

Every query is scoped by workspace: a case id of another workspace is simply not found.
Detection lives in :mod:`.detection`; this module is what the API, the CLI and the dashboard call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shelfscope.clock import utcnow
from shelfscope.errors import InvalidInput, NotFound
from shelfscope.seller.cases.detection import history_entry
from shelfscope.seller.cases.models import CaseEvidence, ReimbursementCase
from shelfscope.seller.cases.policy import CaseKind, CaseStatus
from shelfscope.seller.models import LedgerEntry

__all__ = [
    "MAX_NOTE",
    "CaseDetail",
    "CaseTotal",
    "EvidenceItem",
    "case_totals",
    "cases_query",
    "get_case",
    "list_cases",
    "parse_kind",
    "parse_status",
    "set_case_status",
]

MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    role: str
    entry: LedgerEntry


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """A case and its evidence trail, oldest ledger entry first."""

    case: ReimbursementCase
    evidence: list[EvidenceItem]


@dataclass(frozen=True, slots=True)
class CaseTotal:
    status: str
    kind: str
    currency: str | None
    cases: int
    amount: Decimal


def parse_status(value: CaseStatus | str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError:
        choices = ", ".join(s.value for s in CaseStatus)
        raise InvalidInput(f"status must be one of {choices}, not {value!r}", field="status") from None


def parse_kind(value: CaseKind | str) -> CaseKind:
    try:
        return CaseKind(value)
    except ValueError:
        choices = ", ".join(k.value for k in CaseKind)
        raise InvalidInput(f"kind must be one of {choices}, not {value!r}", field="kind") from None


def cases_query(
    *,
    workspace_id: int,
    status: CaseStatus | str | None = None,
    kind: CaseKind | str | None = None,
    connection_id: int | None = None,
    marketplace_id: str | None = None,
    sku: str | None = None,
) -> Select[ReimbursementCase]:
    """Cases of one workspace, soonest claim deadline first, optionally filtered."""
    query = select(ReimbursementCase).where(ReimbursementCase.workspace_id == workspace_id)
    if status is not None:
        query = query.where(ReimbursementCase.status == parse_status(status).value)
    if kind is not None:
        query = query.where(ReimbursementCase.kind == parse_kind(kind).value)
    if connection_id is not None:
        query = query.where(ReimbursementCase.connection_id == connection_id)
    if marketplace_id is not None:
        query = query.where(ReimbursementCase.marketplace_id == marketplace_id)
    if sku is not None:
        query = query.where(ReimbursementCase.sku == sku)
    return query.order_by(ReimbursementCase.claim_deadline.asc(), ReimbursementCase.id.asc())


def list_cases(
    session: Session,
    *,
    workspace_id: int,
    status: CaseStatus | str | None = None,
    kind: CaseKind | str | None = None,
    connection_id: int | None = None,
    marketplace_id: str | None = None,
    sku: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ReimbursementCase], int]:
    """One page of cases, soonest claim deadline first, and how many match in total."""
    query = cases_query(
        workspace_id=workspace_id,
        status=status,
        kind=kind,
        connection_id=connection_id,
        marketplace_id=marketplace_id,
        sku=sku,
    )
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return list(session.scalars(query.limit(limit).offset(offset))), total


def _owned(session: Session, *, workspace_id: int, case_id: int) -> ReimbursementCase:
    case = session.get(ReimbursementCase, case_id)
    if case is None or case.workspace_id != workspace_id:
        raise NotFound(f"case {case_id} not found")
    return case


def get_case(session: Session, *, workspace_id: int, case_id: int) -> CaseDetail:
    """A case with the ledger entries that prove it."""
    case = _owned(session, workspace_id=workspace_id, case_id=case_id)
    rows = session.execute(
        select(CaseEvidence.role, LedgerEntry)
        .join(LedgerEntry, LedgerEntry.id == CaseEvidence.ledger_entry_id)
        .where(CaseEvidence.case_id == case.id, LedgerEntry.workspace_id == workspace_id)
        .order_by(LedgerEntry.event_time, LedgerEntry.id)
    )
    return CaseDetail(case=case, evidence=[EvidenceItem(role=role, entry=entry) for role, entry in rows])


def set_case_status(
    session: Session,
    *,
    workspace_id: int,
    case_id: int,
    status: CaseStatus | str,
    note: str | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
) -> ReimbursementCase:
    """Move a case to ``status`` (any status may follow any other: people correct mistakes).

    The change and its note join the case's history. Detection never undoes it.
    """
    new_status = parse_status(status)
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"the note is longer than {MAX_NOTE} characters", field="note")
    case = _owned(session, workspace_id=workspace_id, case_id=case_id)
    moment = now or utcnow()
    previous = case.status
    line = text or f"Status changed from {previous} to {new_status.value}"
    case.history = [*case.history, history_entry(at=moment, status=new_status.value, note=line, by=user_id)]
    if new_status.value != previous:
        case.status = new_status.value
        case.status_changed_at = moment
    if text:
        case.status_note = text
    case.updated_at = moment
    session.flush()
    return case


def case_totals(session: Session, *, workspace_id: int, connection_id: int | None = None) -> list[CaseTotal]:
    """Count and amount at stake per (status, kind, currency): the dashboard's summary tiles."""
    query = (
        select(
            ReimbursementCase.status,
            ReimbursementCase.kind,
            ReimbursementCase.currency,
            func.count(),
            func.coalesce(func.sum(ReimbursementCase.amount), 0),
        )
        .where(ReimbursementCase.workspace_id == workspace_id)
        .group_by(ReimbursementCase.status, ReimbursementCase.kind, ReimbursementCase.currency)
        .order_by(ReimbursementCase.status, ReimbursementCase.kind, ReimbursementCase.currency)
    )
    if connection_id is not None:
        query = query.where(ReimbursementCase.connection_id == connection_id)
    return [
        CaseTotal(status=status, kind=kind, currency=currency, cases=int(count), amount=Decimal(str(amount)))
        for status, kind, currency, count, amount in session.execute(query)
    ]
