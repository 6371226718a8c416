"""Read the ledger the way the explorer filters it: by kind, marketplace, item, order, type and dates.

Dates are whole days in the workspace's time zone (what the seller means by "March 3"); they
become a half-open UTC range on ``event_time``. One SKU/ASIN/FNSKU box matches any of the
three, because sellers paste whichever identifier they have at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from shelfscope.errors import InvalidInput
from shelfscope.seller.models import LedgerEntry

__all__ = [
    "CurrencyTotal",
    "LedgerFacets",
    "LedgerFilters",
    "ledger_facets",
    "ledger_select",
    "ledger_totals",
    "search_ledger",
]

FACET_LIMIT = 200


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} must be a date like 2026-03-31, got {value[:40]!r}", field=name) from None


def _text(value: str | None, limit: int = 100) -> str | None:
    cleaned = (value or "").strip()
    return cleaned[:limit] or None


@dataclass(frozen=True)
class LedgerFilters:
    """What the explorer's filter bar holds; empty fields filter nothing."""

    connection_id: int | None = None
    source: str | None = None
    marketplace_id: str | None = None
    item: str | None = None
    order_id: str | None = None
    entry_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_query(
        cls,
        *,
        connection: str | None = None,
        source: str | None = None,
        marketplace_id: str | None = None,
        item: str | None = None,
        order_id: str | None = None,
        entry_type: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> LedgerFilters:
        """Filters from query-string values; a malformed value is :class:`InvalidInput`."""
        connection_id = None
        if connection:
            if not connection.isdigit():
                raise InvalidInput("connection must be a connection id", field="connection")
            connection_id = int(connection)
        start, end = _day(date_from, "date_from"), _day(date_to, "date_to")
        if start and end and end < start:
            raise InvalidInput("the date range ends before it starts", field="date_to")
        return cls(
            connection_id=connection_id,
            source=_text(source, 32),
            marketplace_id=_text(marketplace_id, 32),
            item=_text(item),
            order_id=_text(order_id, 64),
            entry_type=_text(entry_type),
            date_from=start,
            date_to=end,
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))

    def query_params(self) -> dict[str, str]:
        """The filters as the page's query string spells them (for links and the CSV export)."""
        values: dict[str, Any] = {
            "connection": self.connection_id,
            "source": self.source,
            "marketplace_id": self.marketplace_id,
            "item": self.item,
            "order_id": self.order_id,
            "entry_type": self.entry_type,
            "date_from": self.date_from,
            "date_to": self.date_to,
        }
        return {name: str(value) for name, value in values.items() if value is not None}

    def where(self, query: Select[Any], *, timezone: str) -> Select[Any]:
        for column, value in (
            (LedgerEntry.connection_id, self.connection_id),
            (LedgerEntry.source, self.source),
            (LedgerEntry.marketplace_id, self.marketplace_id),
            (LedgerEntry.order_id, self.order_id),
            (LedgerEntry.entry_type, self.entry_type),
        ):
            if value is not None:
                query = query.where(column == value)
        if self.item:
            query = query.where(
                or_(
                    LedgerEntry.sku == self.item,
                    LedgerEntry.asin == self.item,
                    LedgerEntry.fnsku == self.item,
                )
            )
        zone = ZoneInfo(timezone)
        if self.date_from:
            query = query.where(LedgerEntry.event_time >= datetime.combine(self.date_from, time(), zone))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time(), zone)
            query = query.where(LedgerEntry.event_time < end)
        return query


def _scoped(workspace_id: int, filters: LedgerFilters, timezone: str) -> Select[Any]:
    query = select(LedgerEntry).where(LedgerEntry.workspace_id == workspace_id)
    return filters.where(query, timezone=timezone)


def ledger_select(*, workspace_id: int, filters: LedgerFilters, timezone: str) -> Select[Any]:
    """The matching entries, newest first: what the explorer pages through and its CSV exports."""
    query = _scoped(workspace_id, filters, timezone)
    return query.order_by(LedgerEntry.event_time.desc(), LedgerEntry.id.desc())


def search_ledger(
    session: Session, *, workspace_id: int, filters: LedgerFilters, timezone: str, limit: int, offset: int
) -> tuple[list[LedgerEntry], int]:
    """One page of matching entries, newest first, and how many match."""
    query = _scoped(workspace_id, filters, timezone)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = ledger_select(workspace_id=workspace_id, filters=filters, timezone=timezone)
    return list(session.scalars(page.limit(limit).offset(offset))), int(total)


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    amount: Decimal
    entries: int


def ledger_totals(
    session: Session, *, workspace_id: int, filters: LedgerFilters, timezone: str
) -> list[CurrencyTotal]:
    """The sum of the matching amounts per currency (amounts in different currencies never mix).

    Summary rows (report totals that repeat detail rows) are left out so nothing counts twice.
    """
    matching = _scoped(workspace_id, filters, timezone).where(
        LedgerEntry.amount.is_not(None), LedgerEntry.summary.is_(False)
    )
    sub = matching.subquery()
    query = select(sub.c.currency, func.sum(sub.c.amount), func.count()).group_by(sub.c.currency)
    return sorted(
        (
            CurrencyTotal(currency=currency or "", amount=Decimal(str(amount or 0)), entries=int(count))
            for currency, amount, count in session.execute(query)
        ),
        key=lambda total: total.currency,
    )


@dataclass(frozen=True)
class LedgerFacets:
    """The values the filter selects offer: what the workspace's ledger actually holds."""

    sources: list[str]
    marketplaces: list[str]
    entry_types: list[str]


def _distinct(session: Session, column: Any, workspace_id: int) -> list[str]:
    query = (
        select(column)
        .where(LedgerEntry.workspace_id == workspace_id, column.is_not(None))
        .distinct()
        .order_by(column)
        .limit(FACET_LIMIT)
    )
    return [str(value) for value in session.scalars(query)]


def ledger_facets(session: Session, *, workspace_id: int) -> LedgerFacets:
    return LedgerFacets(
        sources=_distinct(session, LedgerEntry.source, workspace_id),
        marketplaces=_distinct(session, LedgerEntry.marketplace_id, workspace_id),
        entry_types=_distinct(session, LedgerEntry.entry_type, workspace_id),
    )
