"""Reimbursement cases against the SP-API sandbox: the planted cases are found, and no others.

The sandbox plants cases in its seller history (losses never reimbursed, refunds never
returned, reversed reimbursements, SKUs charged a larger tier's fee) and knows them as ground
truth. A backfill fills the ledger, detection runs when the sync completes, and the cases must
be exactly the planted ones that are due, with the same amounts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shelfscope.db import Database
from shelfscope.sandbox.spapi.history.model import CaseKind as PlantedKind
from shelfscope.sandbox.spapi.truth import ground_truth
from shelfscope.seller.backfill.plan import plan_backfill
from shelfscope.seller.backfill.runner import drive_backfill
from shelfscope.seller.cases import (
    CASES_ENTITY,
    CaseKind,
    CaseStatus,
    ReimbursementCase,
    detect_cases,
    get_case,
    set_case_status,
)
from shelfscope.seller.models import BackfillWindow, LedgerEntry, SellerConnection
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, connect, seller_sandbox
from tests.jobs_support import bus_of

MONTHS = 6
KINDS = {
    PlantedKind.LOST_OR_DAMAGED_NOT_REIMBURSED: CaseKind.LOST_OR_DAMAGED,
    PlantedKind.REFUNDED_NOT_RETURNED: CaseKind.REFUND_WITHOUT_RETURN,
    PlantedKind.REIMBURSEMENT_REVERSED: CaseKind.REIMBURSEMENT_REVERSED,
    PlantedKind.FEE_OUT_OF_LINE: CaseKind.FEE_OVERCHARGE,
}
Key = tuple[str, str, datetime | None]


@pytest.fixture
def synced(settings: Settings, sqlite_db: Database) -> Iterator[tuple[SellerSandbox, int]]:
    with seller_sandbox(settings, sqlite_db) as sandbox:
        connection = connect(sandbox)
        with sandbox.platform.db.session() as session:
            stored = session.get(SellerConnection, connection.id)
            assert stored is not None
            plan_backfill(session, stored, now=sandbox.clock.now(), months=MONTHS)

        def wait(delay: timedelta) -> None:
            sandbox.clock.advance(delay)

        summary = drive_backfill(sandbox.runtime, connection_id=connection.id, wait=wait)
        assert summary.errors == [] and summary.open_windows == 0
        yield sandbox, connection.id


def _window(sandbox: SellerSandbox, connection_id: int) -> tuple[datetime, datetime]:
    with sandbox.platform.db.session() as session:
        start, end = session.execute(
            select(func.min(BackfillWindow.window_start), func.max(BackfillWindow.window_end)).where(
                BackfillWindow.connection_id == connection_id, BackfillWindow.kind == "inventory_ledger"
            )
        ).one()
    return start, end


def _key(kind: str, sku: str | None, occurred_at: datetime) -> Key:
    # Fee cases are judged on today's fee preview, whatever day the sandbox planted them.
    return (kind, sku or "", None if kind == CaseKind.FEE_OVERCHARGE else occurred_at)


def _stored(sandbox: SellerSandbox, connection_id: int) -> dict[Key, ReimbursementCase]:
    with sandbox.platform.db.session() as session:
        rows = session.scalars(
            select(ReimbursementCase).where(ReimbursementCase.connection_id == connection_id)
        )
        found = {_key(row.kind, row.sku, row.occurred_at): row for row in rows}
        session.expunge_all()
    return found


def test_planted_cases_are_found_and_no_others(synced: tuple[SellerSandbox, int]) -> None:
    sandbox, connection_id = synced
    assert _stored(sandbox, connection_id), "the sync's completion ran no detection"
    changed = [e for e in bus_of(sandbox.platform).events if e.type == "data_changed"]
    assert any(e.payload["entity"] == CASES_ENTITY for e in changed)
    now = sandbox.clock.now()
    with sandbox.platform.db.session() as session:
        result = detect_cases(session, connection_id=connection_id, now=now)
    start, end = _window(sandbox, connection_id)
    truth = ground_truth(sandbox.world, region="NA", start=start, end=end, as_of=now)
    planted = {_key(KINDS[case.kind].value, case.sku, case.occurred_at): case for case in truth.cases}
    stored = _stored(sandbox, connection_id)
    assert set(stored) == set(planted)
    assert result.found == len(truth.cases) == truth.summary()["cases"]
    assert {case.kind for case in planted.values()} >= {
        PlantedKind.LOST_OR_DAMAGED_NOT_REIMBURSED,
        PlantedKind.FEE_OUT_OF_LINE,
    }
    for key, case in planted.items():
        assert stored[key].amount == case.amount, key
        assert stored[key].currency == case.currency, key
        assert stored[key].marketplace_id == case.marketplace_id, key
        assert stored[key].status == CaseStatus.OPEN
    _assert_evidence_and_deadlines(sandbox, connection_id)


def _assert_evidence_and_deadlines(sandbox: SellerSandbox, connection_id: int) -> None:
    with sandbox.platform.db.session() as session:
        workspace_id = session.get(SellerConnection, connection_id).workspace_id  # type: ignore[union-attr]
        for case in _stored(sandbox, connection_id).values():
            detail = get_case(session, workspace_id=workspace_id, case_id=case.id)
            assert detail.evidence, case.title
            assert case.claim_deadline > case.eligible_at >= case.occurred_at
            roles = {item.role for item in detail.evidence}
            expected = {
                CaseKind.LOST_OR_DAMAGED: "loss",
                CaseKind.REFUND_WITHOUT_RETURN: "refund",
                CaseKind.REIMBURSEMENT_REVERSED: "reversal",
                CaseKind.FEE_OVERCHARGE: "fee_preview",
            }[CaseKind(case.kind)]
            assert expected in roles, (case.title, roles)


def test_detecting_again_duplicates_nothing_and_never_reopens(synced: tuple[SellerSandbox, int]) -> None:
    sandbox, connection_id = synced
    now = sandbox.clock.now()
    with sandbox.platform.db.session() as session:
        first = detect_cases(session, connection_id=connection_id, now=now)
    cases = sorted(_stored(sandbox, connection_id).values(), key=lambda case: (case.kind, case.occurred_at))
    reimbursed = next(case for case in cases if case.kind == CaseKind.LOST_OR_DAMAGED)
    dismissed = next(case for case in cases if case.id != reimbursed.id)
    with sandbox.platform.db.session() as session:
        set_case_status(
            session,
            workspace_id=dismissed.workspace_id,
            case_id=dismissed.id,
            status="dismissed",
            note="found",
        )
        # Amazon pays the other loss late: a reimbursement row for its FNSKU after the 30 days.
        session.add(
            LedgerEntry(
                workspace_id=reimbursed.workspace_id,
                connection_id=connection_id,
                source="reimbursements",
                entry_key="late-payment#0",
                report_type="GET_FBA_REIMBURSEMENTS_DATA",
                event_time=reimbursed.eligible_at + timedelta(days=2),
                sku=reimbursed.sku,
                fnsku=reimbursed.fnsku,
                quantity=1,
                amount=Decimal("12.34"),
                currency=reimbursed.currency,
                entry_type="Lost_Warehouse",
                reference_id="5550001111",
                raw={},
            )
        )
    later = max(now, reimbursed.eligible_at + timedelta(days=3))
    with sandbox.platform.db.session() as session:
        second = detect_cases(session, connection_id=connection_id, now=later)
        third = detect_cases(session, connection_id=connection_id, now=later)
    assert first.created == 0  # the sync's own detection had already stored them
    assert second.created == 0 and second.closed == 1
    assert third.created == third.closed == third.evidence_added == 0
    stored = _stored(sandbox, connection_id)
    assert len(stored) == first.found
    by_id = {case.id: case for case in stored.values()}
    assert by_id[dismissed.id].status == CaseStatus.DISMISSED
    paid = by_id[reimbursed.id]
    assert paid.status == CaseStatus.PAID
    assert paid.resolution is not None and "5550001111" in paid.resolution
    assert [line["note"] for line in paid.history].count(paid.resolution) == 1
