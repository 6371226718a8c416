"""What the Reports API knows about each report type: one declarative line per type.

``max_days`` is the longest window Amazon serves (All Orders: 30 days; longer requests finish
DONE with a document that only says "Date range exceeded"). ``retention_days`` is how long the
document stays downloadable ("Order reports are retained for 30 days", 90 days otherwise).
Delays are sandbox seconds: how long a report waits IN_QUEUE and how long it is IN_PROGRESS.
Settlement reports cannot be requested; each has the numeric id Amazon's refusal names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ALL_ORDERS_RANGE_EXCEEDED", "REPORT_KINDS", "ReportKind", "kind_of"]

ALL_ORDERS_RANGE_EXCEEDED = "Date range exceeded. Report can be requested only upto 30 days"


@dataclass(frozen=True, kw_only=True)
class ReportKind:
    report_type: str
    requestable: bool = True
    region_wide: bool = False
    """The report ignores marketplaceIds and covers the whole region."""
    max_days: int | None = None
    retention_days: int = 90
    queue_seconds: tuple[float, float] = (5.0, 60.0)
    processing_seconds: tuple[float, float] = (30.0, 180.0)
    refusal_id: str | None = None
    """The number in "Request for report type … is not allowed at this time"."""


REPORT_KINDS = {
    kind.report_type: kind
    for kind in (
        ReportKind(
            report_type="GET_LEDGER_DETAIL_VIEW_DATA", region_wide=True, processing_seconds=(60.0, 600.0)
        ),
        ReportKind(
            report_type="GET_FBA_REIMBURSEMENTS_DATA", region_wide=True, processing_seconds=(30.0, 300.0)
        ),
        ReportKind(
            report_type="GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
            region_wide=True,
            processing_seconds=(30.0, 300.0),
        ),
        ReportKind(
            report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL", max_days=30, retention_days=30
        ),
        ReportKind(
            report_type="GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL", max_days=30, retention_days=30
        ),
        ReportKind(report_type="GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA", processing_seconds=(30.0, 120.0)),
        ReportKind(
            report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", requestable=False, refusal_id="1118"
        ),
        ReportKind(
            report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", requestable=False, refusal_id="1117"
        ),
        ReportKind(report_type="GET_V2_SETTLEMENT_REPORT_DATA_XML", requestable=False),
    )
}

_UNMODELLED = ReportKind(report_type="*")


def kind_of(report_type: str) -> ReportKind:
    """The kind of a type; a type the sandbox does not model is requestable and has no data."""
    return REPORT_KINDS.get(report_type, _UNMODELLED)
