"""What rules read and what they return: ledger facts in, findings out, no database.

A rule sees :class:`LedgerFact` values (a ledger entry's columns plus its raw row) grouped in a
:class:`LedgerView`, and yields :class:`Finding` values. Keeping rules pure means each is tested
on a handful of hand-written facts, and the detection service alone deals with storage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from shelfscope.seller.cases.policy import CaseKind
from shelfscope.seller.ledger_rows import SourceKind

__all__ = ["Evidence", "Finding", "LateResolution", "LedgerFact", "LedgerView", "Selection"]


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerFact:
    """One ledger entry as the rules see it."""

    id: int
    source: str
    event_time: datetime
    marketplace_id: str | None = None
    sku: str | None = None
    fnsku: str | None = None
    asin: str | None = None
    order_id: str | None = None
    quantity: int | None = None
    amount: Decimal | None = None
    currency: str | None = None
    entry_type: str | None = None
    amount_type: str | None = None
    reference_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def text(self, *names: str) -> str:
        """The first non-empty raw column among ``names``, stripped ("" if none)."""
        for name in names:
            value = self.raw.get(name)
            if value is not None and str(value).strip():
                return str(value).strip()
        return ""

    def decimal(self, *names: str) -> Decimal | None:
        """The first raw column among ``names`` that reads as a number."""
        for name in names:
            text = self.text(name).replace(",", "")
            if text:
                try:
                    return Decimal(text)
                except InvalidOperation:
                    continue
        return None


@dataclass(frozen=True, slots=True)
class Selection:
    """Ledger rows a rule reads: one source, optionally only some entry or amount types."""

    source: SourceKind
    entry_types: tuple[str, ...] | None = None
    amount_types: tuple[str, ...] | None = None

    def matches(self, fact: LedgerFact) -> bool:
        return (
            fact.source == self.source.value
            and (self.entry_types is None or fact.entry_type in self.entry_types)
            and (self.amount_types is None or fact.amount_type in self.amount_types)
        )


class LedgerView:
    """The facts of one connection that the rules asked for, by source, oldest first."""

    def __init__(
        self, facts: Iterable[LedgerFact], *, coverage: Mapping[str, datetime] | None = None
    ) -> None:
        by_source: dict[str, list[LedgerFact]] = defaultdict(list)
        for fact in sorted(facts, key=lambda f: (f.event_time, f.id)):
            by_source[fact.source].append(fact)
        self._by_source = dict(by_source)
        self._coverage = dict(coverage or {})

    def covered_from(self, *kinds: SourceKind) -> datetime | None:
        """Since when all of ``kinds`` were synced (None: unknown, take everything as covered).

        A rule must not judge an event whose settling rows would predate the synced history:
        a refund from before the first customer-returns window may well have been returned.
        """
        known = [self._coverage[kind.value] for kind in kinds if kind.value in self._coverage]
        return max(known) if known else None

    def only(self, selections: Iterable[Selection]) -> LedgerView:
        """The facts that ``selections`` match: what one rule declared it reads."""
        wanted = tuple(selections)
        return LedgerView(
            (
                fact
                for rows in self._by_source.values()
                for fact in rows
                if any(s.matches(fact) for s in wanted)
            ),
            coverage=self._coverage,
        )

    def source(self, kind: SourceKind) -> list[LedgerFact]:
        return self._by_source.get(kind.value, [])

    def unit_prices(self) -> dict[tuple[str | None, str], tuple[Decimal, str]]:
        """(marketplace, SKU) → (your price, currency) from the fee-preview snapshots, newest wins."""
        prices: dict[tuple[str | None, str], tuple[Decimal, str]] = {}
        for fact in self.source(SourceKind.FEE_PREVIEW):
            price = fact.decimal("your-price", "sales-price")
            if fact.sku and price is not None and price > 0 and fact.currency:
                prices[(fact.marketplace_id, fact.sku)] = (price, fact.currency)
        return prices

    def marketplaces_by_sku(self) -> dict[str, str]:
        """SKU → marketplace, learnt from rows that say it (region-wide reports do not)."""
        found: dict[str, str] = {}
        for rows in self._by_source.values():
            for fact in rows:
                if fact.sku and fact.marketplace_id:
                    found.setdefault(fact.sku, fact.marketplace_id)
        return found


@dataclass(frozen=True, slots=True)
class Evidence:
    """A ledger entry in a case's trail and what it shows: ``loss``, ``refund``, ``reversal``…"""

    entry_id: int
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LateResolution:
    """Something that arrived after the policy window: a reimbursement closes the case as paid;
    a late return or a found unit is noted for the seller to judge."""

    at: datetime
    note: str
    closes: bool
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One case as a rule sees it, keyed by ``key`` within its kind and connection."""

    kind: CaseKind
    key: str
    title: str
    occurred_at: datetime
    evidence: tuple[Evidence, ...]
    amount: Decimal | None = None
    currency: str | None = None
    marketplace_id: str | None = None
    sku: str | None = None
    fnsku: str | None = None
    asin: str | None = None
    order_id: str | None = None
    reference_id: str | None = None
    details: Mapping[str, str] = field(default_factory=dict)
    late: LateResolution | None = None
