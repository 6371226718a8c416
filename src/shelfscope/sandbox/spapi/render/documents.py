"""Report documents: the rows of a request in the report's real layout, encoded and gzipped.

A document is rendered once, when its report finishes, from the history as it stood then
(``as_of``): an order still pending at that moment is pending in the file for good, as in a real
download. Bytes are compressed with a zero mtime so the same request yields identical bytes.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shelfscope.marketplaces import amazon_marketplace_by_id
from shelfscope.sandbox.spapi.history import queries
from shelfscope.sandbox.spapi.history.model import SettlementPeriod
from shelfscope.sandbox.spapi.history.seller import SellerHistory
from shelfscope.sandbox.spapi.render import rows
from shelfscope.sandbox.spapi.render.charsets import Charset, charset_for
from shelfscope.sandbox.spapi.render.layouts import layout_for

__all__ = [
    "RENDERABLE",
    "RenderedDocument",
    "ReportRequest",
    "render_report",
    "render_settlement",
    "render_text",
]

SETTLEMENT_TYPE = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"


@dataclass(frozen=True, kw_only=True)
class ReportRequest:
    """What a createReport asked for, and when the report was generated."""

    report_type: str
    region: str
    marketplace_ids: tuple[str, ...]
    start: datetime
    end: datetime
    as_of: datetime
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedDocument:
    """A gzipped document, its charset and how many data rows it holds."""

    body: bytes
    charset: Charset
    rows: int


Row = dict[str, str]
_Selector = Callable[[SellerHistory, ReportRequest], list[Row]]


def _ledger(history: SellerHistory, request: ReportRequest) -> list[Row]:
    events = queries.ledger_events(
        history,
        start=request.start,
        end=request.end,
        as_of=request.as_of,
        event_type=request.options.get("eventType"),
    )
    return [rows.ledger_row(event, as_of=request.as_of) for event in events]


def _reimbursements(history: SellerHistory, request: ReportRequest) -> list[Row]:
    found = queries.reimbursements(history, start=request.start, end=request.end, as_of=request.as_of)
    return [rows.reimbursement_row(paid) for paid in found]


def _returns(history: SellerHistory, request: ReportRequest) -> list[Row]:
    found = queries.returns(history, start=request.start, end=request.end, as_of=request.as_of)
    return [rows.return_row(returned) for returned in found]


def _orders(by_update: bool) -> _Selector:
    select = queries.orders_by_last_update if by_update else queries.orders_by_purchase

    def table(history: SellerHistory, request: ReportRequest) -> list[Row]:
        items = select(
            history,
            start=request.start,
            end=request.end,
            as_of=request.as_of,
            marketplace_ids=request.marketplace_ids,
        )
        return [rows.order_row(item, as_of=request.as_of) for item in items]

    return table


def _fee_preview(history: SellerHistory, request: ReportRequest) -> list[Row]:
    products = queries.fee_preview_products(history, marketplace_ids=request.marketplace_ids)
    return [rows.fee_preview_row(product) for product in products]


_TABLES: dict[str, _Selector] = {
    "GET_LEDGER_DETAIL_VIEW_DATA": _ledger,
    "GET_FBA_REIMBURSEMENTS_DATA": _reimbursements,
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA": _returns,
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL": _orders(by_update=False),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL": _orders(by_update=True),
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA": _fee_preview,
}
RENDERABLE = frozenset(_TABLES)
"""Requestable report types the sandbox renders from its history."""


def _encode(header: tuple[str, ...], table: list[Row], charset: Charset) -> bytes:
    lines = ["\t".join(header)]
    lines += ["\t".join(row.get(column, "") for column in header) for row in table]
    return gzip.compress(("\n".join(lines) + "\n").encode(charset.codec), mtime=0)


def render_report(history: SellerHistory, request: ReportRequest) -> RenderedDocument:
    """The document of a finished on-demand report (zero rows means the report is cancelled)."""
    table = _TABLES[request.report_type](history, request)
    first = amazon_marketplace_by_id(request.marketplace_ids[0]).code
    header = layout_for(request.report_type, region=history.region, marketplace=first)
    charset = charset_for(request.report_type, region=history.region)
    return RenderedDocument(_encode(header, table, charset), charset, len(table))


def render_settlement(history: SellerHistory, period: SettlementPeriod) -> RenderedDocument:
    """A settlement report: the summary line, then one line per sum of money."""
    header = layout_for(SETTLEMENT_TYPE, region=history.region, marketplace=period.marketplace)
    table = [rows.settlement_summary_row(period)]
    table += [rows.settlement_line_row(period, line) for line in period.lines]
    charset = charset_for(SETTLEMENT_TYPE, region=history.region)
    return RenderedDocument(_encode(header, table, charset), charset, len(table))


def render_text(message: str, *, region: str, report_type: str) -> RenderedDocument:
    """A document holding only a message, as Amazon serves for an All Orders range over 30 days."""
    charset = charset_for(report_type, region=region)
    return RenderedDocument(gzip.compress((message + "\n").encode(charset.codec), mtime=0), charset, 0)
