"""The cases CSV: one row per case with its amount at stake, deadline and status.

Streamed like the ledger export (:func:`shelfscope.seller.exports.stream_csv`).
"""

from __future__ import annotations

from shelfscope.seller.cases.models import ReimbursementCase
from shelfscope.seller.exports import CsvColumn

__all__ = ["CASE_COLUMNS"]

_FIELDS = (
    "id", "connection_id", "kind", "status", "title", "marketplace_id", "sku", "fnsku", "asin",
    "order_id", "reference_id", "occurred_at", "eligible_at", "claim_deadline", "amount", "currency",
    "detected_at", "status_changed_at",
)  # fmt: skip


def _field(name: str) -> CsvColumn:
    return CsvColumn(name, lambda case: getattr(case, name))


def _note(case: ReimbursementCase) -> str:
    """How the case ended without the seller, else the seller's last note."""
    return case.resolution or case.status_note or ""


CASE_COLUMNS: tuple[CsvColumn, ...] = (
    *(_field(name) for name in _FIELDS),
    CsvColumn("note", _note),
    _field("details"),
)
