"""Reports API 2021-06-30 bodies: createReport, getReport(s) and getReportDocument, typed.

These feed the create → poll → download lifecycle. A report is terminal in DONE, CANCELLED
("no data", not an error) or FATAL (often throttling: retry later). ``DONE_NO_DATA`` was an MWS
status and is not accepted here. A FATAL report may carry a document that explains it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shelfscope.errors import ContractChanged
from shelfscope.seller.json_body import (
    JsonBody,
    load_json,
    optional_datetime,
    optional_text,
    require_mapping,
    required_text,
)

__all__ = [
    "ProcessingStatus",
    "Report",
    "ReportDocument",
    "ReportsPage",
    "parse_create_report",
    "parse_report",
    "parse_report_document_info",
    "parse_reports_page",
]


class ProcessingStatus(enum.StrEnum):
    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"
    FATAL = "FATAL"

    @property
    def is_terminal(self) -> bool:
        return self in (ProcessingStatus.DONE, ProcessingStatus.CANCELLED, ProcessingStatus.FATAL)


@dataclass(frozen=True, kw_only=True)
class Report:
    report_id: str
    report_type: str
    processing_status: ProcessingStatus
    created_time: datetime
    marketplace_ids: tuple[str, ...] = ()
    data_start_time: datetime | None = None
    data_end_time: datetime | None = None
    processing_start_time: datetime | None = None
    processing_end_time: datetime | None = None
    report_document_id: str | None = None
    report_schedule_id: str | None = None


@dataclass(frozen=True)
class ReportsPage:
    reports: tuple[Report, ...]
    next_token: str | None


@dataclass(frozen=True, kw_only=True)
class ReportDocument:
    """Where to download a document. The URL is presigned for five minutes: fetch it right
    away, without auth headers. It is left out of ``repr`` so it never lands in a log."""

    report_document_id: str
    url: str = field(repr=False)
    compression_algorithm: str | None = None


def parse_create_report(body: JsonBody) -> str:
    """The ``reportId`` of a createReport 202 response."""
    response = require_mapping(load_json(body), what="createReport response")
    return required_text(response, "reportId", what="createReport response")


def parse_report(body: JsonBody) -> Report:
    """A getReport body (also one entry of getReports)."""
    return _report(require_mapping(load_json(body), what="Report"))


def parse_reports_page(body: JsonBody) -> ReportsPage:
    """A getReports body. Its token is the lower-camel ``nextToken``; reading ``NextToken``
    instead silently stops after page one (Airbyte learned this the hard way)."""
    response = require_mapping(load_json(body), what="getReports response")
    entries = response.get("reports")
    if not isinstance(entries, list):
        raise ContractChanged("getReports response has no 'reports' list")
    reports = tuple(_report(require_mapping(entry, what="Report")) for entry in entries)
    return ReportsPage(reports, optional_text(response, "nextToken"))


def parse_report_document_info(body: JsonBody) -> ReportDocument:
    """A getReportDocument body. ``compression_algorithm`` is ``GZIP`` or absent (plain)."""
    response = require_mapping(load_json(body), what="ReportDocument")
    algorithm = optional_text(response, "compressionAlgorithm")
    if algorithm not in (None, "GZIP"):
        raise ContractChanged(f"unknown compressionAlgorithm {algorithm!r}")
    return ReportDocument(
        report_document_id=required_text(response, "reportDocumentId", what="ReportDocument"),
        url=required_text(response, "url", what="ReportDocument"),
        compression_algorithm=algorithm,
    )


def _report(entry: Mapping[str, Any]) -> Report:
    what = "Report"
    status_text = required_text(entry, "processingStatus", what=what)
    try:
        status = ProcessingStatus(status_text)
    except ValueError:
        raise ContractChanged(f"unknown report processingStatus {status_text!r}") from None
    created = optional_datetime(entry, "createdTime", what=what)
    if created is None:
        raise ContractChanged("Report has no 'createdTime'")
    marketplaces = entry.get("marketplaceIds") or []
    if not isinstance(marketplaces, list) or not all(isinstance(m, str) for m in marketplaces):
        raise ContractChanged("Report.marketplaceIds is not a list of strings")
    return Report(
        report_id=required_text(entry, "reportId", what=what),
        report_type=required_text(entry, "reportType", what=what),
        processing_status=status,
        created_time=created,
        marketplace_ids=tuple(marketplaces),
        data_start_time=optional_datetime(entry, "dataStartTime", what=what),
        data_end_time=optional_datetime(entry, "dataEndTime", what=what),
        processing_start_time=optional_datetime(entry, "processingStartTime", what=what),
        processing_end_time=optional_datetime(entry, "processingEndTime", what=what),
        report_document_id=optional_text(entry, "reportDocumentId"),
        report_schedule_id=optional_text(entry, "reportScheduleId"),
    )
