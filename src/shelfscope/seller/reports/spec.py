"""The vocabulary of a report spec: what a flat-file report type declares, nothing it does.

Each report type is one short module that builds a :class:`FlatFileSpec`. The shared reader
(:mod:`shelfscope.seller.reports.flat_file`) owns every policy: header normalisation, tolerance
of new and missing columns, date and decimal parsing, keys and occurrence counting. Column names
in a spec are written as Amazon's documentation spells them; matching ignores case, spaces,
hyphens, underscores and quotes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from shelfscope.seller.ledger_rows import SourceKind

__all__ = [
    "PER_REQUEST",
    "REGION_WIDE",
    "AmountSlot",
    "FlatFileSpec",
    "LedgerFields",
    "MarketplaceRule",
    "MarketplaceScope",
    "NaturalKey",
    "ReportContext",
    "RowHash",
    "SummaryRows",
]


@dataclass(frozen=True, kw_only=True)
class ReportContext:
    """What the caller knows about a document that the file does not say.

    ``marketplace_id`` is the marketplace the report was requested for (for region-wide reports
    any marketplace of the region). ``data_end_time`` dates snapshot reports such as the fee
    preview. ``decimal_comma`` is set only when the document is known to write ``12,50``.
    """

    report_type: str
    marketplace_id: str | None = None
    data_start_time: datetime | None = None
    data_end_time: datetime | None = None
    decimal_comma: bool | None = None


class MarketplaceScope(enum.StrEnum):
    REQUEST = "request"
    """Rows belong to the marketplace the report was requested for."""
    REGION = "region"
    """The report ignores marketplaceIds and covers the whole region (reimbursements, returns)."""


@dataclass(frozen=True)
class MarketplaceRule:
    """Where a row's marketplace comes from: a column when the report has one, else the scope."""

    scope: MarketplaceScope
    country_column: str | None = None
    site_column: str | None = None

    def with_country(self, column: str) -> MarketplaceRule:
        return MarketplaceRule(self.scope, country_column=column)

    def with_site(self, column: str) -> MarketplaceRule:
        return MarketplaceRule(self.scope, site_column=column)


PER_REQUEST = MarketplaceRule(MarketplaceScope.REQUEST)
REGION_WIDE = MarketplaceRule(MarketplaceScope.REGION)


@dataclass(frozen=True, kw_only=True)
class LedgerFields:
    """Which column fills which ledger field. ``event_time`` lists candidates, first non-empty wins."""

    event_time: tuple[str, ...] = ()
    sku: str | None = None
    asin: str | None = None
    fnsku: str | None = None
    order_id: str | None = None
    quantity: str | None = None
    entry_type: str | None = None
    reason: str | None = None
    status: str | None = None
    disposition: str | None = None
    reference_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class AmountSlot:
    """A money column. A spec with several slots yields one ledger row per filled slot.

    The canonical amount type is ``category`` (or the value of ``type_column``) joined with
    ``description`` (or the value of ``description_column``); see
    :func:`shelfscope.seller.reconciliation.amount_type`.
    """

    column: str
    currency: str
    category: str | None = None
    type_column: str | None = None
    description: str | None = None
    description_column: str | None = None


@dataclass(frozen=True)
class NaturalKey:
    """The report has a real key: these columns, joined, are the row's external id."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class RowHash:
    """No usable key: hash these identity columns. Leave out what Amazon updates later."""

    columns: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SummaryRows:
    """Header lines inside the data (settlement files): a filled ``marker`` column marks one.

    The summary becomes a ``summary`` ledger row keyed by ``key``; ``inherit`` columns are copied
    from the latest summary into the detail rows that leave them blank (the currency).
    """

    marker: str
    amount: str
    currency: str
    event_time: tuple[str, ...]
    key: tuple[str, ...]
    inherit: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FlatFileSpec:
    """Everything that differs between two flat-file report types."""

    report_type: str
    source: SourceKind
    required: tuple[str, ...]
    """Columns without which the report cannot be read: missing ones raise ContractChanged."""
    fields: LedgerFields
    key: NaturalKey | RowHash
    marketplace: MarketplaceRule
    optional: tuple[str, ...] = ()
    """Other known text columns, kept typed in ``LedgerRow.values``."""
    dates: tuple[str, ...] = ()
    decimals: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    amounts: tuple[AmountSlot, ...] = ()
    summary: SummaryRows | None = None
    month_first: bool = True
    """How to read ``03/01/2024``: the inventory ledger writes month first in every marketplace."""
    snapshot: bool = False
    """Rows describe the state at ``ReportContext.data_end_time`` (fee preview): that is their
    event time, and the snapshot day is part of their key."""
    reconcile: bool = False
    """Rows are settlement money: give them reconciliation keys."""
    known_columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        named: list[str | None] = [
            *self.required,
            *self.optional,
            *self.dates,
            *self.decimals,
            *self.integers,
            *self.fields.event_time,
            *(value for value in vars(self.fields).values() if isinstance(value, str)),
            *self.key.columns,
            self.marketplace.country_column,
            self.marketplace.site_column,
        ]
        for slot in self.amounts:
            named += [slot.column, slot.currency, slot.type_column, slot.description_column]
        if self.summary is not None:
            summary = self.summary
            named += [summary.marker, summary.amount, summary.currency, *summary.event_time, *summary.key]
        object.__setattr__(self, "known_columns", tuple(dict.fromkeys(n for n in named if n)))
        self._check_types()

    def _check_types(self) -> None:
        """A spec that maps a text column to a date or an amount is a bug: fail at import."""
        times = [*self.fields.event_time, *(self.summary.event_time if self.summary else ())]
        money = [slot.column for slot in self.amounts] + ([self.summary.amount] if self.summary else [])
        wrong = [name for name in times if name not in self.dates]
        wrong += [name for name in money if name not in self.decimals]
        if self.fields.quantity and self.fields.quantity not in self.integers:
            wrong.append(self.fields.quantity)
        if wrong:
            raise ValueError(f"{self.report_type}: columns declared with the wrong type: {wrong}")
