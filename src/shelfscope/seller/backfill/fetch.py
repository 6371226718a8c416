"""How each fetch style fills a window: report lifecycle, settlement listing, Finances paging.

Reports: create → poll → getReportDocument just before the download (its URL lives five
minutes) → stream, decompress, decode and parse → ingest. A report still queued or processing
is never waited for in a worker thread: the window keeps its report id, goes back to the plan
with ``next_attempt_at`` one poll interval later, and a later run (the scheduler tick queues
one) polls it again. CANCELLED means "no data"; FATAL is usually throttling or a cooldown, so
it is retried later (30 min, then 4 h by default).
Finances: NextToken pages with the same arguments, back to back; an expired token restarts the
window (keys are deterministic, so nothing doubles); InvalidInput halves the page size, because
Amazon answers it for pages over 10 MB.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shelfscope.errors import InvalidInput, TransientError
from shelfscope.seller.backfill.documents import download_report
from shelfscope.seller.backfill.settlement import event_groups_window, settlement_listing_window
from shelfscope.seller.backfill.windows import Fetch, kind_plan
from shelfscope.seller.backfill.work import WindowWork
from shelfscope.seller.finances import FinanceContext, parse_financial_events
from shelfscope.seller.models import WindowStatus
from shelfscope.seller.ratelimit import BucketWait
from shelfscope.seller.row_identity import OccurrenceCounter
from shelfscope.seller.spapi import ProcessingStatus
from shelfscope.seller.spapi_client import NextTokenExpired, iso

__all__ = ["fetch_window"]

MAX_TOKEN_RESTARTS = 3
PAGE_SIZE = 100
MAX_HALVINGS = 7  # 100 → 1


def fetch_window(work: WindowWork) -> None:
    """Bring ``work.window`` to done, cancelled, fatal_retry or failed (raising on transient trouble)."""
    plan = kind_plan(work.window.kind)
    if plan.fetch in (Fetch.REPORT, Fetch.SNAPSHOT):
        _report_window(work, report_type=plan.report_type or "")
    elif plan.fetch is Fetch.SETTLEMENT_LISTING:
        _finish(work, WindowStatus.DONE, settlement_listing_window(work, report_type=plan.report_type or ""))
    elif plan.fetch is Fetch.EVENT_GROUPS:
        _finish(work, WindowStatus.DONE, event_groups_window(work))
    else:
        _finances_window(work)


def _finish(work: WindowWork, status: WindowStatus, rows: int) -> None:
    work.reconcile()
    work.save(
        status=status.value, rows_ingested=rows, finished_at=work.now(), last_error=None, claimed_until=None
    )


def _report_window(work: WindowWork, *, report_type: str) -> None:
    window, client = work.window, work.client
    report_id = window.report_id
    if report_id is None and window.status == WindowStatus.REQUESTED:
        report_id = _identical_in_progress(work, report_type)  # we died between create and save
    if report_id is None:
        work.save(status=WindowStatus.REQUESTED.value, attempts=window.attempts + 1)
        try:
            report_id = client.create_report(
                report_type=report_type,
                marketplace_ids=work.marketplace_ids,
                start=window.window_start,
                end=window.window_end,
            )
        except BucketWait:
            # The request never went out: the window is as it was, and waits in the plan.
            work.save(status=WindowStatus.PLANNED.value, attempts=window.attempts - 1)
            raise
    work.save(report_id=report_id, status=WindowStatus.PROCESSING.value)
    report = work.client.get_report(report_id)
    if not report.processing_status.is_terminal:
        _poll_later(work)
    elif report.processing_status is ProcessingStatus.CANCELLED:
        _finish(work, WindowStatus.CANCELLED, 0)  # Amazon's "no data to return"
    elif report.processing_status is ProcessingStatus.FATAL:
        _fatal(work)
    else:
        _finish(work, WindowStatus.DONE, download_report(work, report))


def _identical_in_progress(work: WindowWork, report_type: str) -> str | None:
    params = {"reportTypes": report_type, "processingStatuses": "IN_QUEUE,IN_PROGRESS", "pageSize": 100}
    for report in work.client.list_reports(params):
        if (
            report.data_start_time == work.window.window_start
            and report.data_end_time == work.window.window_end
            and sorted(report.marketplace_ids) == sorted(work.marketplace_ids)
        ):
            return report.report_id
    return None


def _poll_later(work: WindowWork) -> None:
    """Persist "still processing": the window is due again after one poll interval."""
    delay = timedelta(seconds=work.runtime.platform.settings.seller.poll_seconds)
    work.save(next_attempt_at=work.now() + delay, claimed_until=None, last_error=None)


def _fatal(work: WindowWork) -> None:
    settings = work.runtime.platform.settings.seller
    attempts = work.window.attempts
    if attempts >= settings.max_attempts:
        work.save(
            status=WindowStatus.FAILED.value,
            last_error="report ended FATAL on every attempt",
            claimed_until=None,
        )
        return
    delays = settings.fatal_retry_delays_seconds or [1800.0]
    delay = delays[min(attempts - 1, len(delays) - 1)] if attempts > 0 else delays[0]
    work.save(
        status=WindowStatus.FATAL_RETRY.value,
        report_id=None,
        next_attempt_at=work.now() + timedelta(seconds=delay),
        last_error="report ended FATAL (often throttling); retrying later",
        claimed_until=None,
    )


def _finances_window(work: WindowWork) -> None:
    window = work.window
    context = FinanceContext(window_start=window.window_start, window_end=window.window_end)
    page_size = PAGE_SIZE
    for _ in range(MAX_TOKEN_RESTARTS + MAX_HALVINGS + 1):
        params: dict[str, Any] = {
            "PostedAfter": iso(window.window_start),
            "PostedBefore": iso(window.window_end),
            "MaxResultsPerPage": page_size,
        }
        try:
            rows = _pages(work, params, context)
        except NextTokenExpired:
            continue  # restart from page one; deterministic keys make the re-read idempotent
        except _PageTooLarge:
            page_size = max(1, page_size // 2)
            continue
        _finish(work, WindowStatus.DONE, rows)
        return
    raise TransientError("Finances paging kept failing (expired NextTokens or oversized pages)")


class _PageTooLarge(Exception):
    pass


def _pages(work: WindowWork, params: dict[str, Any], context: FinanceContext) -> int:
    counter = OccurrenceCounter()
    token: str | None = None
    rows = 0
    while True:
        try:
            body = work.client.list_financial_events({**params, **({"NextToken": token} if token else {})})
        except InvalidInput as exc:
            if params["MaxResultsPerPage"] > 1:
                raise _PageTooLarge from exc
            raise
        page = parse_financial_events(body, context=context, occurrences=counter)
        rows += work.ingest(page.rows).rows_seen
        token = page.next_token
        if token is None:
            return rows
