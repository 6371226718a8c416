"""Finances 2024-06-19: listTransactions into ledger rows, listBalances and listSummary typed.

listTransactions is where Amazon is moving the v0 events (deprecated in 2025). A transaction
carries a ``transactionId``, the one real key in the whole Finances API, and the total of what
it moved; its breakdowns stay in the raw object. Rows are their own source kind: a transaction
restates a group of v0 event lines, so the two sources are alternatives, never summed together.
Amazon's sandbox transaction has no ``transactionId``; such rows fall back to a row hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shelfscope.errors import ContractChanged, ParseError
from shelfscope.seller.json_body import JsonBody, load_json, optional_datetime, optional_text, require_mapping
from shelfscope.seller.ledger_rows import LedgerRow, SourceKind
from shelfscope.seller.marketplaces import by_id
from shelfscope.seller.money import Money, money_from_json
from shelfscope.seller.row_identity import OccurrenceCounter, identity_hash

__all__ = ["Balance", "TransactionsPage", "parse_balances", "parse_summaries", "parse_transactions"]


@dataclass(frozen=True)
class TransactionsPage:
    rows: tuple[LedgerRow, ...]
    next_token: str | None


def parse_transactions(body: JsonBody, *, occurrences: OccurrenceCounter | None = None) -> TransactionsPage:
    """Ledger rows of a ``ListTransactionsResponse`` body, one per transaction."""
    response = require_mapping(load_json(body), what="listTransactions response")
    payload = require_mapping(response.get("payload"), what="listTransactions payload")
    counter = occurrences if occurrences is not None else OccurrenceCounter()
    rows = tuple(
        _transaction_row(require_mapping(entry, what="a transaction"), counter)
        for entry in _list(payload, "transactions")
    )
    return TransactionsPage(rows, optional_text(payload, "nextToken"))


def _transaction_row(entry: Mapping[str, Any], counter: OccurrenceCounter) -> LedgerRow:
    what = "Transaction"
    posted = optional_datetime(entry, "postedDate", what=what)
    if posted is None:
        raise ParseError("a transaction has no postedDate")
    total = _money(entry, "totalAmount")
    related = _related_identifiers(entry)
    metadata = require_mapping(entry.get("sellingPartnerMetadata") or {}, what="sellingPartnerMetadata")
    marketplace = by_id(optional_text(metadata, "marketplaceId"))
    transaction_id = optional_text(entry, "transactionId")
    identity = {
        "transactionId": transaction_id,
        "type": optional_text(entry, "transactionType"),
        "posted": posted,
        "amount": total.amount if total else None,
        "currency": total.currency if total else None,
        **{f"related.{name}": value for name, value in sorted(related.items())},
    }
    row_hash = identity_hash(SourceKind.FINANCIAL_TRANSACTIONS, identity)
    return LedgerRow(
        source=SourceKind.FINANCIAL_TRANSACTIONS,
        report_type="listTransactions",
        event_time=posted,
        row_hash=row_hash,
        occurrence=counter.next_index(transaction_id or row_hash),
        external_id=transaction_id,
        marketplace_id=marketplace.marketplace_id if marketplace else None,
        order_id=related.get("ORDER_ID"),
        amount=total.amount if total else None,
        currency=total.currency if total else None,
        entry_type=optional_text(entry, "transactionType"),
        status=optional_text(entry, "transactionStatus"),
        reason=optional_text(entry, "description"),
        reference_id=related.get("FINANCIAL_EVENT_GROUP_ID"),
        values=dict(related),
        raw=entry,
    )


def _related_identifiers(entry: Mapping[str, Any]) -> dict[str, str]:
    found = {}
    for item in _list(entry, "relatedIdentifiers"):
        pair = require_mapping(item, what="a related identifier")
        name, value = (
            optional_text(pair, "relatedIdentifierName"),
            optional_text(pair, "relatedIdentifierValue"),
        )
        if name and value:
            found[name] = value
    return found


@dataclass(frozen=True)
class Balance:
    """A balance or summary breakdown: its type, amount, and the finer balances it is made of."""

    kind: str
    amount: Money | None
    parts: tuple[Balance, ...]
    marketplace_id: str | None = None
    as_of: datetime | None = None


def parse_balances(body: JsonBody) -> tuple[tuple[Balance, ...], str | None]:
    """The balance trees of a listBalances body and its nextToken."""
    response = require_mapping(load_json(body), what="listBalances response")
    balances = tuple(
        _balance(require_mapping(b, what="a balance"), "balanceType", "amount", "balances")
        for b in _list(response, "balances")
    )
    return balances, optional_text(response, "nextToken")


def parse_summaries(body: JsonBody) -> tuple[tuple[Balance, ...], str | None]:
    """listSummary: each period's net proceeds as a tree of breakdowns, and the nextToken."""
    response = require_mapping(load_json(body), what="listSummary response")
    summaries = []
    for entry in _list(response, "summaries"):
        summary = require_mapping(entry, what="a summary")
        parts = tuple(
            _balance(require_mapping(b, what="a breakdown"), "breakdownType", "breakdownAmount", "breakdowns")
            for b in _list(summary, "breakdowns")
        )
        summaries.append(
            Balance(
                "netProceeds",
                _money(summary, "netProceeds"),
                parts,
                marketplace_id=_partner_marketplace(summary),
                as_of=optional_datetime(summary, "periodEnd", what="Summary"),
            )
        )
    return tuple(summaries), optional_text(response, "nextToken")


def _balance(node: Mapping[str, Any], kind_key: str, amount_key: str, parts_key: str) -> Balance:
    parts = tuple(
        _balance(require_mapping(p, what=parts_key), kind_key, amount_key, parts_key)
        for p in _list(node, parts_key)
    )
    return Balance(
        optional_text(node, kind_key) or "",
        _money(node, amount_key),
        parts,
        marketplace_id=_partner_marketplace(node),
        as_of=optional_datetime(node, "lastUpdatedTime", what="Balance")
        or optional_datetime(node, "asOfDate", what="Balance"),
    )


def _partner_marketplace(node: Mapping[str, Any]) -> str | None:
    metadata = node.get("partnerMetadata")
    if not isinstance(metadata, Mapping):
        return None
    # The sandbox uses placeholder ids (AXXXXXXXXXER): kept as given, they are not looked up.
    return optional_text(metadata, "marketplaceId")


def _money(node: Mapping[str, Any], key: str) -> Money | None:
    value = node.get(key)
    if value is None:
        return None
    return money_from_json(require_mapping(value, what=key), where=key)


def _list(node: Mapping[str, Any], key: str) -> list[Any]:
    value = node.get(key) or []
    if not isinstance(value, list):
        raise ContractChanged(f"{key!r} is not a list")
    return value
