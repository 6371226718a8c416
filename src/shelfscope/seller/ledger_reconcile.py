"""Settlement lines and financial events of the same money, paired in the ledger at ingest.

Both a settlement (its V2 report, or for periods older than ~90 days its Finances event group)
and listFinancialEvents describe every sum Amazon moved, so the ledger holds each sum twice,
under two sources. They are paired on the reconciliation key
(:mod:`shelfscope.seller.reconciliation`) as a multiset: per key, the n-th unpaired settlement
line takes the n-th unpaired event row, oldest first. A paired settlement line points at its
event row (``reconciled_entry_id``); money is then counted from the events plus the settlement
lines nothing paired (:func:`money_totals`), never from both.

Amazon sends ServiceFee events (storage, subscription) without a PostedDate, so they have no
key (selling-partner-api-docs#1131). They are paired by :func:`reconcile_undated` instead: same
fee (``Storage Fee`` and ``FBAStorageFee`` are one fee), amount and currency, the settlement
line falling inside the Finances window the event was read in (for a line rebuilt from an event
group, itself undated, the group's 14-day period overlapping that window).

Pairing runs after every window that inserted rows, whichever side arrived first, so the order
in which windows complete does not matter, and re-running it changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from shelfscope.seller.ledger_rows import SourceKind
from shelfscope.seller.models import BackfillWindow, LedgerEntry

__all__ = [
    "ReconciliationStatus",
    "fee_name",
    "money_totals",
    "reconcile",
    "reconcile_undated",
    "reconciliation_status",
]

_CENTS_OF_CENTS = Decimal("0.0001")  # the ledger's Numeric(18, 4)
_CHUNK = 400  # keys per query: well under SQLite's bound-parameter limit


def _chunks(keys: Iterable[str]) -> Iterable[list[str]]:
    iterator = iter(sorted(set(keys)))
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def reconcile(session: Session, *, connection_id: int, keys: Iterable[str]) -> int:
    """Pair unpaired settlement lines with unpaired event rows sharing one of ``keys``; returns pairs made."""
    paired = 0
    for chunk in _chunks(keys):
        lines = _unpaired_lines(session, connection_id, chunk)
        if not lines:
            continue
        events = _unpaired_events(session, connection_id, chunk)
        updates: list[dict[str, int]] = []
        for key, line_ids in lines.items():
            updates.extend(
                {"id": line_id, "reconciled_entry_id": event_id}
                for line_id, event_id in zip(line_ids, events.get(key, []), strict=False)
            )
        if updates:
            session.execute(update(LedgerEntry), updates)
            paired += len(updates)
    return paired


def _unpaired_lines(session: Session, connection_id: int, keys: list[str]) -> dict[str, list[int]]:
    query = (
        select(LedgerEntry.reconciliation_key, LedgerEntry.id)
        .where(
            LedgerEntry.connection_id == connection_id,
            LedgerEntry.source == SourceKind.SETTLEMENT.value,
            LedgerEntry.summary.is_(False),
            LedgerEntry.reconciled_entry_id.is_(None),
            LedgerEntry.reconciliation_key.in_(keys),
        )
        .order_by(LedgerEntry.id)
    )
    return _ids_by_key(session, query)


def _unpaired_events(session: Session, connection_id: int, keys: list[str]) -> dict[str, list[int]]:
    taken = select(LedgerEntry.reconciled_entry_id).where(
        LedgerEntry.connection_id == connection_id,
        LedgerEntry.source == SourceKind.SETTLEMENT.value,
        LedgerEntry.reconciliation_key.in_(keys),
        LedgerEntry.reconciled_entry_id.is_not(None),
    )
    query = (
        select(LedgerEntry.reconciliation_key, LedgerEntry.id)
        .where(
            LedgerEntry.connection_id == connection_id,
            LedgerEntry.source == SourceKind.FINANCIAL_EVENTS.value,
            LedgerEntry.reconciliation_key.in_(keys),
            LedgerEntry.id.not_in(taken),
        )
        .order_by(LedgerEntry.id)
    )
    return _ids_by_key(session, query)


def _ids_by_key(session: Session, query: Select[str | None, int]) -> dict[str, list[int]]:
    """Entry ids of ``(reconciliation key, id)`` rows grouped by key, in id order."""
    found: dict[str, list[int]] = defaultdict(list)
    for key, entry_id in session.execute(query):
        if key is not None:
            found[key].append(entry_id)
    return found


_PERIOD = timedelta(days=15)  # a settlement period (14 days) and a day of slack


def fee_name(amount_type: str | None) -> str:
    """``other-transaction/Storage Fee`` and ``other-transaction/FBAStorageFee`` → ``storage``."""
    name = (amount_type or "").rpartition("/")[2].lower().replace(" ", "").replace("_", "")
    return name.removeprefix("fba").removesuffix("fee")


def reconcile_undated(session: Session, *, connection_id: int) -> int:
    """Pair undated financial events (ServiceFee) with their settlement lines; returns pairs made."""
    events = _undated_events(session, connection_id)
    if not events:
        return 0
    amounts = {amount for _id, _fee, amount, _currency, _window in events}
    lines = session.execute(
        select(
            LedgerEntry.id,
            LedgerEntry.amount_type,
            LedgerEntry.amount,
            LedgerEntry.currency,
            LedgerEntry.event_time,
            LedgerEntry.reconciliation_key,
        )
        .where(
            LedgerEntry.connection_id == connection_id,
            LedgerEntry.source == SourceKind.SETTLEMENT.value,
            LedgerEntry.summary.is_(False),
            LedgerEntry.reconciled_entry_id.is_(None),
            LedgerEntry.amount.in_(amounts),
        )
        .order_by(LedgerEntry.event_time, LedgerEntry.id)
    ).all()
    updates: list[dict[str, int]] = []
    free = list(events)
    for line_id, line_type, amount, currency, posted, key in lines:
        for candidate in free:
            event_id, fee, event_amount, event_currency, (start, end) = candidate
            dated = key is not None
            inside = start <= posted < end if dated else start < posted and posted - _PERIOD < end
            if (fee, event_amount, event_currency) == (fee_name(line_type), amount, currency) and inside:
                updates.append({"id": line_id, "reconciled_entry_id": event_id})
                free.remove(candidate)
                break
    if updates:
        session.execute(update(LedgerEntry), updates)
    return len(updates)


_Undated = tuple[int, str, Decimal, str, tuple[datetime, datetime]]


def _undated_events(session: Session, connection_id: int) -> list[_Undated]:
    taken = select(LedgerEntry.reconciled_entry_id).where(
        LedgerEntry.connection_id == connection_id,
        LedgerEntry.source == SourceKind.SETTLEMENT.value,
        LedgerEntry.reconciled_entry_id.is_not(None),
    )
    rows = session.execute(
        select(
            LedgerEntry.id,
            LedgerEntry.amount_type,
            LedgerEntry.amount,
            LedgerEntry.currency,
            BackfillWindow.window_start,
            BackfillWindow.window_end,
        )
        .join(BackfillWindow, BackfillWindow.id == LedgerEntry.window_id)
        .where(
            LedgerEntry.connection_id == connection_id,
            LedgerEntry.source == SourceKind.FINANCIAL_EVENTS.value,
            LedgerEntry.reconciliation_key.is_(None),
            LedgerEntry.amount.is_not(None),
            LedgerEntry.id.not_in(taken),
        )
        .order_by(BackfillWindow.window_start, LedgerEntry.id)
    ).all()
    return [
        (entry_id, fee_name(amount_type), amount, currency, (start, end))
        for entry_id, amount_type, amount, currency, start, end in rows
        if amount is not None and currency is not None
    ]


@dataclass(frozen=True)
class ReconciliationStatus:
    settlement_lines: int
    reconciled: int

    @property
    def unreconciled(self) -> int:
        return self.settlement_lines - self.reconciled

    def as_json(self) -> dict[str, int]:
        return {
            "settlement_lines": self.settlement_lines,
            "reconciled": self.reconciled,
            "unreconciled": self.unreconciled,
        }


def reconciliation_status(session: Session, *, connection_id: int) -> ReconciliationStatus:
    """Settlement detail lines of a connection, and how many are paired with an event."""
    lines, reconciled = session.execute(
        select(func.count(), func.count(LedgerEntry.reconciled_entry_id)).where(
            LedgerEntry.connection_id == connection_id,
            LedgerEntry.source == SourceKind.SETTLEMENT.value,
            LedgerEntry.summary.is_(False),
        )
    ).one()
    return ReconciliationStatus(int(lines or 0), int(reconciled or 0))


def money_totals(session: Session, *, connection_id: int) -> dict[str, Decimal]:
    """Money per currency, each sum once: every financial event, plus unpaired settlement lines."""
    events = (LedgerEntry.source == SourceKind.FINANCIAL_EVENTS.value) | (
        (LedgerEntry.source == SourceKind.SETTLEMENT.value)
        & LedgerEntry.summary.is_(False)
        & LedgerEntry.reconciled_entry_id.is_(None)
    )
    query = (
        select(LedgerEntry.currency, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.connection_id == connection_id, LedgerEntry.amount.is_not(None), events)
        .group_by(LedgerEntry.currency)
    )
    return {
        str(currency): Decimal(str(total)).quantize(_CENTS_OF_CENTS)
        for currency, total in session.execute(query)
        if currency and total is not None
    }
