"""The history of one region while it is being generated: lists each generator appends to."""

from __future__ import annotations

from dataclasses import dataclass, field

from shelfscope.sandbox.spapi.history.model import (
    CustomerReturn,
    LedgerEvent,
    MoneyLine,
    OrderItem,
    PlantedCase,
    Refund,
    Reimbursement,
)

__all__ = ["HistoryParts"]


@dataclass
class HistoryParts:
    """Unsorted records of every kind; :mod:`~.seller` sorts and freezes them."""

    orders: list[OrderItem] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    returns: list[CustomerReturn] = field(default_factory=list)
    reimbursements: list[Reimbursement] = field(default_factory=list)
    ledger: list[LedgerEvent] = field(default_factory=list)
    money: list[MoneyLine] = field(default_factory=list)
    cases: list[PlantedCase] = field(default_factory=list)
