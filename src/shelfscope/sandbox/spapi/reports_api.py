"""Reports API 2021-06-30: createReport, getReports, getReport, cancelReport, getReportDocument.

getReports lists what was created in the last 90 days ("Reports are retained for a maximum of
90 days"), newest first, including the settlement reports Amazon generated on its own; its
``nextToken`` must be sent as the only parameter. Documents are fetched from a presigned URL
without auth headers (see :mod:`~.document_store`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from starlette.routing import Route

from shelfscope.sandbox.spapi.api_errors import ApiFailure
from shelfscope.sandbox.spapi.gateway import ApiCall, ApiResult, spapi_route
from shelfscope.sandbox.spapi.history import queries
from shelfscope.sandbox.spapi.next_tokens import PageCursor
from shelfscope.sandbox.spapi.report_lifecycle import create_report, observe, register_settlement, report_json
from shelfscope.sandbox.spapi.report_requests import parse_create_report
from shelfscope.sandbox.spapi.report_store import IN_QUEUE, ReportRecord
from shelfscope.sandbox.spapi.reports_query import ReportsQuery, parse_reports_query

__all__ = ["reports_routes"]

RETENTION = timedelta(days=90)
_BASE = "/reports/2021-06-30"


def _sync_settlements(call: ApiCall) -> None:
    """Give every settlement listable now a report record (Amazon creates them unasked)."""
    history = call.world.history(call.region)
    listed = queries.listed_settlements(history, start=call.now - RETENTION, end=call.now, as_of=call.now)
    for period in listed:
        if call.world.reports.claim_settlement(call.selling_partner_id, call.region, period.settlement_id):
            register_settlement(call.world, period, owner=call.owner)


def _record(call: ApiCall) -> ReportRecord:
    report_id = call.path["reportId"]
    if not report_id.isdigit():
        raise ApiFailure.invalid_input("Invalid input", f"Invalid reportId: {report_id}")
    record = call.world.reports.get(call.selling_partner_id, call.region, report_id)
    if record is None or record.created_at <= call.now - RETENTION:
        raise ApiFailure.not_found(f"Report {report_id} not found.")
    return record


def create(call: ApiCall) -> ApiResult:
    participating = call.world.history(call.region).marketplace_ids
    spec = parse_create_report(call.body, now=call.now, participating=participating)
    record = create_report(call.world, spec, owner=call.owner, now=call.now)
    return ApiResult(status=202, body={"reportId": record.report_id})


def get_report(call: ApiCall) -> ApiResult:
    record = _record(call)
    return ApiResult(body=report_json(record, observe(call.world, record, now=call.now)))


def cancel(call: ApiCall) -> ApiResult:
    record = _record(call)
    if observe(call.world, record, now=call.now) != IN_QUEUE:
        raise ApiFailure.invalid_input(
            "Invalid input",
            f"Report {record.report_id} cannot be cancelled: only IN_QUEUE reports can be cancelled.",
        )
    record.cancelled_at = call.now
    call.world.reports.release(record, now=call.now)
    return ApiResult(status=200)


def _matches(record: ReportRecord, status: str, query: ReportsQuery, now: datetime) -> bool:
    return (
        record.report_type in query.report_types
        and (not query.statuses or status in query.statuses)
        and (not query.marketplace_ids or bool(set(record.marketplace_ids) & set(query.marketplace_ids)))
        and query.created_since <= record.created_at <= query.created_until
        and now - RETENTION < record.created_at <= now
    )


def get_reports(call: ApiCall) -> ApiResult:
    query, offset = parse_reports_query(call)
    _sync_settlements(call)
    found = []
    for record in call.world.reports.all(call.selling_partner_id, call.region):
        status = observe(call.world, record, now=call.now) if record.created_at <= call.now else ""
        if _matches(record, status, query, call.now):
            found.append((record, status))
    found.sort(key=lambda pair: (pair[0].created_at, int(pair[0].report_id)), reverse=True)
    page = found[offset : offset + query.page_size]
    body: dict[str, object] = {"reports": [report_json(record, status) for record, status in page]}
    if offset + query.page_size < len(found):
        cursor = PageCursor("getReports", call.owner, (query,), offset + query.page_size, call.now)
        body["nextToken"] = call.world.next_tokens.issue(cursor)
    return ApiResult(body=body)


def get_document(call: ApiCall) -> ApiResult:
    document_id = call.path["reportDocumentId"]
    if not document_id.startswith("amzn1.spdoc."):
        raise ApiFailure.invalid_input("Invalid input", f"Invalid reportDocumentId: {document_id}")
    document = call.world.documents.get(call.selling_partner_id, call.region, document_id)
    if document is None or document.expires_at <= call.now:
        raise ApiFailure.not_found(f"Report document {document_id} not found.")
    gzip_header = (call.one("enableContentEncodingUrlHeader") or "").lower() == "true"
    ttl = call.world.knobs.document_url_ttl_seconds
    signed = call.world.documents.presign(document, now=call.now, ttl=ttl, gzip_encoding=gzip_header)
    url = f"{call.base_url}/spapi/s3/{document.key}?{urlencode(signed)}"
    return ApiResult(body={"reportDocumentId": document_id, "url": url, "compressionAlgorithm": "GZIP"})


def reports_routes() -> list[Route]:
    return [
        spapi_route(f"{_BASE}/reports", "createReport", create, method="POST"),
        spapi_route(f"{_BASE}/reports", "getReports", get_reports, method="GET"),
        spapi_route(f"{_BASE}/reports/{{reportId}}", "getReport", get_report, method="GET"),
        spapi_route(f"{_BASE}/reports/{{reportId}}", "cancelReport", cancel, method="DELETE"),
        spapi_route(
            f"{_BASE}/documents/{{reportDocumentId}}", "getReportDocument", get_document, method="GET"
        ),
    ]
