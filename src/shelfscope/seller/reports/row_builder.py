"""Typed report records into ledger rows: keys, occurrences, marketplaces, money, summaries.

One builder serves one document, because occurrence indexes and the settlement currency carried
down from the summary line are per-document state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from shelfscope.errors import InvalidInput, ParseError
from shelfscope.seller.ledger_rows import LedgerRow, Value
from shelfscope.seller.marketplaces import by_country, by_site
from shelfscope.seller.reconciliation import amount_type, reconciliation_key
from shelfscope.seller.reports.spec import (
    AmountSlot,
    FlatFileSpec,
    MarketplaceScope,
    NaturalKey,
    ReportContext,
)
from shelfscope.seller.row_identity import OccurrenceCounter, identity_hash, natural_key

__all__ = ["RowBuilder"]


class RowBuilder:
    """Turns each typed record of one document into its ledger rows."""

    def __init__(self, spec: FlatFileSpec, *, context: ReportContext) -> None:
        self._spec = spec
        self._context = context
        self._occurrences = OccurrenceCounter()
        self._inherited: dict[str, Value] = {}
        self._snapshot_time = self._snapshot(spec, context)

    @staticmethod
    def _snapshot(spec: FlatFileSpec, context: ReportContext) -> datetime | None:
        if not spec.snapshot:
            return None
        if context.data_end_time is None or context.data_end_time.utcoffset() is None:
            raise InvalidInput(
                f"{spec.report_type} is a snapshot: ReportContext.data_end_time (aware) is required",
                field="data_end_time",
            )
        return context.data_end_time.astimezone(UTC)

    def rows(
        self, record: dict[str, Value], *, raw: Mapping[str, str], line_number: int
    ) -> Iterator[LedgerRow]:
        summary = self._spec.summary
        if summary is not None and record.get(summary.marker) is not None:
            self._inherited = {name: record.get(name) for name in summary.inherit}
            yield self._summary_row(record, raw=raw, line_number=line_number)
            return
        for name, value in self._inherited.items():
            if record.get(name) is None:
                record[name] = value
        event_time = self._snapshot_time or self._first_time(
            record, self._spec.fields.event_time, line_number
        )
        filled: list[AmountSlot | None] = [
            slot for slot in self._spec.amounts if record.get(slot.column) is not None
        ]
        for slot in filled or [None]:
            yield self._detail_row(record, slot, event_time=event_time, raw=raw, line_number=line_number)

    def _detail_row(
        self,
        record: dict[str, Value],
        slot: AmountSlot | None,
        *,
        event_time: datetime,
        raw: Mapping[str, str],
        line_number: int,
    ) -> LedgerRow:
        spec, columns = self._spec, self._spec.fields
        order_id = _text(record, columns.order_id)
        amount, currency, money_type = self._money(record, slot, line_number)
        external_id, row_hash, occurrence = self._identity(record, slot)
        recon = None
        if spec.reconcile:
            recon = reconciliation_key(
                order_id=order_id,
                posted_at=event_time,
                amount_type=money_type,
                amount=amount,
                currency=currency,
            )
        quantity = record.get(spec.fields.quantity) if spec.fields.quantity else None
        return LedgerRow(
            source=spec.source,
            report_type=spec.report_type,
            event_time=event_time,
            row_hash=row_hash,
            occurrence=occurrence,
            external_id=external_id,
            marketplace_id=self._marketplace(record),
            quantity=quantity if isinstance(quantity, int) else None,
            amount=amount,
            currency=currency,
            amount_type=money_type,
            reconciliation_key=recon,
            line_number=line_number,
            sku=_text(record, columns.sku),
            asin=_text(record, columns.asin),
            fnsku=_text(record, columns.fnsku),
            order_id=order_id,
            entry_type=_text(record, columns.entry_type),
            reason=_text(record, columns.reason),
            status=_text(record, columns.status),
            disposition=_text(record, columns.disposition),
            reference_id=_text(record, columns.reference_id),
            values=record,
            raw=raw,
        )

    def _summary_row(
        self, record: dict[str, Value], *, raw: Mapping[str, str], line_number: int
    ) -> LedgerRow:
        spec, summary = self._spec, self._spec.summary
        assert summary is not None
        amount = _decimal(record, summary.amount)
        currency = _text(record, summary.currency)
        if currency is None:
            raise ParseError(f"{spec.report_type}: line {line_number}: summary total without a currency")
        external_id = natural_key(("summary", *(record.get(name) for name in summary.key)))
        row_hash = identity_hash(
            spec.source, {name: record.get(name) for name in summary.key} | {"@summary": 1}
        )
        return LedgerRow(
            source=spec.source,
            report_type=spec.report_type,
            event_time=self._first_time(record, summary.event_time, line_number),
            row_hash=row_hash,
            occurrence=self._occurrences.next_index(external_id or row_hash),
            external_id=external_id,
            marketplace_id=self._marketplace(record),
            amount=amount,
            currency=currency.upper(),
            amount_type=summary.amount,
            reference_id=_text(record, spec.fields.reference_id),
            summary=True,
            line_number=line_number,
            values=record,
            raw=raw,
        )

    def _identity(self, record: dict[str, Value], slot: AmountSlot | None) -> tuple[str | None, str, int]:
        spec = self._spec
        identity = {name: record.get(name) for name in spec.key.columns}
        if self._snapshot_time is not None:
            identity["@snapshot-day"] = self._snapshot_time.date()
        if len(spec.amounts) > 1:
            identity["@amount"] = slot.column if slot else None
        row_hash = identity_hash(spec.source, identity)
        external_id = natural_key(tuple(identity.values())) if isinstance(spec.key, NaturalKey) else None
        return external_id, row_hash, self._occurrences.next_index(external_id or row_hash)

    def _money(
        self, record: dict[str, Value], slot: AmountSlot | None, line_number: int
    ) -> tuple[Decimal | None, str | None, str | None]:
        if slot is None:
            return None, None, None
        amount = _decimal(record, slot.column)
        currency = _text(record, slot.currency)
        if amount is not None and currency is None:
            raise ParseError(
                f"{self._spec.report_type}: line {line_number}: {slot.column!r} has an amount but no currency"
            )
        category = slot.category or _text(record, slot.type_column)
        description = slot.description or _text(record, slot.description_column)
        return amount, currency.upper() if currency else None, amount_type(category, description)

    def _marketplace(self, record: Mapping[str, Value]) -> str | None:
        rule = self._spec.marketplace
        found = None
        if rule.country_column:
            found = by_country(_text(record, rule.country_column))
        elif rule.site_column:
            found = by_site(_text(record, rule.site_column))
        if found is not None:
            return found.marketplace_id
        return self._context.marketplace_id if rule.scope is MarketplaceScope.REQUEST else None

    def _first_time(
        self, record: Mapping[str, Value], columns: tuple[str, ...], line_number: int
    ) -> datetime:
        for name in columns:
            value = record.get(name)
            if isinstance(value, datetime):
                return value
        raise ParseError(
            f"{self._spec.report_type}: line {line_number}: no event time (all of {', '.join(columns)} empty)"
        )


def _text(record: Mapping[str, Value], name: str | None) -> str | None:
    value = record.get(name) if name else None
    return value if isinstance(value, str) else None


def _decimal(record: Mapping[str, Value], name: str) -> Decimal | None:
    value = record.get(name)
    return value if isinstance(value, Decimal) else None
