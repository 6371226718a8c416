"""Seller account sync over the Amazon SP-API (issue 5). This slice: the pure parsing layer.

Report documents (:mod:`~shelfscope.seller.reports`), Finances bodies
(:mod:`~shelfscope.seller.finances`) and the other SP-API/LWA bodies
(:mod:`~shelfscope.seller.spapi`) become typed objects and :class:`LedgerRow` values. Nothing
here does I/O: bytes or text in, domain objects out.
"""

from __future__ import annotations

from shelfscope.seller.decoding import ReportText
from shelfscope.seller.ledger_rows import LedgerRow, SourceKind
from shelfscope.seller.money import Money
from shelfscope.seller.reconciliation import reconciliation_key
from shelfscope.seller.reports import ReportContext, parse_report_document, parse_report_lines
from shelfscope.seller.row_identity import OccurrenceCounter

__all__ = [
    "LedgerRow",
    "Money",
    "OccurrenceCounter",
    "ReportContext",
    "ReportText",
    "SourceKind",
    "parse_report_document",
    "parse_report_lines",
    "reconciliation_key",
]
