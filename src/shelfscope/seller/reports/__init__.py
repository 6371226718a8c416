"""Flat-file report documents into ledger rows: one declarative spec per report type.

``parse_report_document`` is the whole pipeline for a downloaded document (GZIP, charset, header
matching, typing, keys); ``parse_report_lines`` starts from text. Both stream: rows come out
while the document is read, so a million-row report never sits in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from shelfscope.errors import InvalidInput
from shelfscope.seller.decoding import Document, ReportText
from shelfscope.seller.ledger_rows import LedgerRow
from shelfscope.seller.reports import (
    all_orders,
    customer_returns,
    fee_preview,
    ledger_detail,
    ledger_summary,
    reimbursements,
    settlement_v1,
    settlement_v2,
)
from shelfscope.seller.reports.flat_file import read_flat_file, read_header
from shelfscope.seller.reports.headers import HeaderLayout, normalise_header
from shelfscope.seller.reports.spec import FlatFileSpec, ReportContext

__all__ = [
    "SPECS",
    "FlatFileSpec",
    "HeaderLayout",
    "ReportContext",
    "describe_header",
    "normalise_header",
    "parse_report_document",
    "parse_report_lines",
    "spec_for",
]

SPECS: dict[str, FlatFileSpec] = {
    spec.report_type: spec
    for spec in (
        ledger_detail.SPEC,
        ledger_summary.SPEC,
        reimbursements.SPEC,
        customer_returns.SPEC,
        all_orders.BY_ORDER_DATE,
        all_orders.BY_LAST_UPDATE,
        fee_preview.SPEC,
        settlement_v2.SPEC,
        settlement_v1.SPEC,
    )
}


def spec_for(report_type: str) -> FlatFileSpec:
    """The spec of a report type; ``InvalidInput`` for a type shelfscope does not ingest."""
    try:
        return SPECS[report_type]
    except KeyError:
        raise InvalidInput(f"no parser for report type {report_type!r}", field="report_type") from None


def parse_report_lines(lines: Iterable[str], *, context: ReportContext) -> Iterator[LedgerRow]:
    """Ledger rows from the text lines of a document of ``context.report_type``."""
    return read_flat_file(spec_for(context.report_type), lines, context=context)


def parse_report_document(
    document: Document,
    *,
    context: ReportContext,
    compression_algorithm: str | None = None,
    content_type: str | None = None,
) -> Iterator[LedgerRow]:
    """Ledger rows from a downloaded document: bytes, a binary file, or an iterable of chunks.

    ``compression_algorithm`` comes from getReportDocument, ``content_type`` from the download's
    response headers; the JP fallback charset follows ``context.marketplace_id``.
    """
    text = ReportText(
        document,
        compression_algorithm=compression_algorithm,
        content_type=content_type,
        marketplace_id=context.marketplace_id,
    )
    return parse_report_lines(text, context=context)


def describe_header(header_line: str, *, report_type: str) -> HeaderLayout:
    """How a header line matches the spec: known, unknown and missing optional columns."""
    return read_header(spec_for(report_type), [header_line])
