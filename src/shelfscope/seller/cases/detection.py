"""Run every case rule over one connection's ledger and keep the cases table in step.

Detection is idempotent: a finding is stored under (connection, kind, key), so running it again
adds only new evidence. It never reopens a paid or dismissed case. A finding whose reimbursement
arrived after the policy wait closes its open or filed case as paid, with a note saying so;
other late news (a returned or found unit) is noted without changing the status.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from shelfscope.db import upsert
from shelfscope.errors import NotFound
from shelfscope.seller.cases.facts import Finding, LedgerFact, LedgerView, Selection
from shelfscope.seller.cases.models import CaseEvidence, ReimbursementCase
from shelfscope.seller.cases.policy import CaseStatus, policy_for
from shelfscope.seller.cases.rules import RULES, Rule
from shelfscope.seller.models import BackfillWindow, LedgerEntry, SellerConnection, WindowStatus

__all__ = ["DetectionResult", "detect_cases", "history_entry", "load_ledger"]

_READ_BATCH = 1000


@dataclass
class DetectionResult:
    """What one detection pass saw and changed."""

    connection_id: int
    found: int = 0
    """Cases the rules see now (new and already known, whatever their status)."""
    created: int = 0
    closed: int = 0
    """Open or filed cases closed as paid because a reimbursement arrived late."""
    evidence_added: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    changed_case_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "connection_id": self.connection_id,
            "found": self.found,
            "created": self.created,
            "closed": self.closed,
            "evidence_added": self.evidence_added,
            "by_kind": dict(sorted(self.by_kind.items())),
        }


def history_entry(*, at: datetime, status: str, note: str, by: int | None = None) -> dict[str, Any]:
    """One line of a case's trail (JSON-safe)."""
    return {"at": at.isoformat(), "status": status, "note": note, "by": by}


def _condition(selection: Selection) -> ColumnElement[bool]:
    clauses = [LedgerEntry.source == selection.source.value]
    if selection.entry_types is not None:
        clauses.append(LedgerEntry.entry_type.in_(selection.entry_types))
    if selection.amount_types is not None:
        clauses.append(LedgerEntry.amount_type.in_(selection.amount_types))
    return and_(*clauses)


def _facts(session: Session, *, connection_id: int, rules: tuple[Rule, ...]) -> Iterator[LedgerFact]:
    selections = [selection for rule in rules for selection in rule.reads]
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.connection_id == connection_id, or_(*(_condition(s) for s in selections)))
        .execution_options(yield_per=_READ_BATCH)
    )
    for entry in session.scalars(query):
        yield LedgerFact(
            id=entry.id,
            source=entry.source,
            event_time=entry.event_time,
            marketplace_id=entry.marketplace_id,
            sku=entry.sku,
            fnsku=entry.fnsku,
            asin=entry.asin,
            order_id=entry.order_id,
            quantity=entry.quantity,
            amount=entry.amount,
            currency=entry.currency,
            entry_type=entry.entry_type,
            amount_type=entry.amount_type,
            reference_id=entry.reference_id,
            raw=entry.raw or {},
        )


def load_ledger(session: Session, *, connection_id: int, rules: tuple[Rule, ...] = RULES) -> LedgerView:
    """The ledger rows of one connection that ``rules`` read, and nothing else."""
    coverage = session.execute(
        select(BackfillWindow.kind, func.min(BackfillWindow.window_start))
        .where(
            BackfillWindow.connection_id == connection_id, BackfillWindow.status == WindowStatus.DONE.value
        )
        .group_by(BackfillWindow.kind)
    )
    return LedgerView(
        _facts(session, connection_id=connection_id, rules=rules),
        coverage={row[0]: row[1] for row in coverage},
    )


def detect_cases(session: Session, *, connection_id: int, now: datetime) -> DetectionResult:
    """Find the cases due at ``now`` in the connection's ledger and store what is new."""
    connection = session.get(SellerConnection, connection_id)
    if connection is None:
        raise NotFound(f"seller connection {connection_id} not found")
    workspace_id = connection.workspace_id
    ledger = load_ledger(session, connection_id=connection_id)
    known = {
        (case.kind, case.case_key): case
        for case in session.scalars(
            select(ReimbursementCase).where(ReimbursementCase.connection_id == connection_id)
        )
    }
    linked: dict[int, set[int]] = defaultdict(set)
    for case_id, entry_id in session.execute(
        select(CaseEvidence.case_id, CaseEvidence.ledger_entry_id)
        .join(ReimbursementCase, ReimbursementCase.id == CaseEvidence.case_id)
        .where(ReimbursementCase.connection_id == connection_id)
    ):
        linked[case_id].add(entry_id)
    result = DetectionResult(connection_id=connection_id)
    kinds: Counter[str] = Counter()
    for rule in RULES:
        for finding in rule.find(ledger.only(rule.reads), now):
            kinds[finding.kind.value] += 1
            case = known.get((finding.kind.value, finding.key))
            if case is None:
                case = _create(
                    session, finding, workspace_id=workspace_id, connection_id=connection_id, now=now
                )
                known[(case.kind, case.case_key)] = case
                result.created += 1
                result.changed_case_ids.append(case.id)
            elif _apply_late(case, finding, now=now):
                result.closed += 1
                result.changed_case_ids.append(case.id)
            result.evidence_added += _link(session, case, finding, have=linked[case.id], now=now)
    result.found = sum(kinds.values())
    result.by_kind = dict(kinds)
    session.flush()
    return result


def _create(
    session: Session, finding: Finding, *, workspace_id: int, connection_id: int, now: datetime
) -> ReimbursementCase:
    policy = policy_for(finding.kind)
    case = ReimbursementCase(
        workspace_id=workspace_id,
        connection_id=connection_id,
        kind=finding.kind.value,
        case_key=finding.key[:255],
        status=CaseStatus.OPEN.value,
        title=finding.title[:255],
        marketplace_id=finding.marketplace_id,
        sku=finding.sku,
        fnsku=finding.fnsku,
        asin=finding.asin,
        order_id=finding.order_id,
        reference_id=finding.reference_id,
        occurred_at=finding.occurred_at,
        eligible_at=policy.eligible_at(finding.occurred_at),
        claim_deadline=policy.claim_deadline(finding.occurred_at),
        amount=finding.amount,
        currency=finding.currency,
        details=dict(finding.details),
        history=[history_entry(at=now, status=CaseStatus.OPEN.value, note=f"Detected: {policy.label}")],
        detected_at=now,
        status_changed_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    _apply_late(case, finding, now=now)
    return case


def _apply_late(case: ReimbursementCase, finding: Finding, *, now: datetime) -> bool:
    """Record late news once; True when it closed the case as paid."""
    late = finding.late
    if late is None or any(line.get("note") == late.note for line in case.history):
        return False
    closes = late.closes and not CaseStatus(case.status).is_final
    status = CaseStatus.PAID.value if closes else case.status
    case.history = [*case.history, history_entry(at=now, status=status, note=late.note)]
    if closes:
        case.status = status
        case.resolution = late.note
        case.status_changed_at = now
    case.updated_at = now
    return closes


def _link(
    session: Session, case: ReimbursementCase, finding: Finding, *, have: set[int], now: datetime
) -> int:
    """Add the finding's evidence the case does not have yet; returns how many rows were new."""
    evidence = list(finding.evidence) + (list(finding.late.evidence) if finding.late else [])
    new = [item for item in {item.entry_id: item for item in evidence}.values() if item.entry_id not in have]
    rows = [
        {"case_id": case.id, "ledger_entry_id": item.entry_id, "role": item.role, "added_at": now}
        for item in new
    ]
    upsert(session, CaseEvidence, rows, key=("case_id", "ledger_entry_id"), update=())
    have.update(item.entry_id for item in new)
    return len(new)
