"""Settlement history: reports for the last ~90 days, Finances event groups before that.

What the ledger's ``settlement`` rows are: for every settlement period (one payout of one
marketplace) that CLOSED inside the synced range, one summary row carrying the payout total and
one row per sum of money in the period. The plan splits periods by their end, once, at planning
(:data:`~shelfscope.seller.backfill.windows.SETTLEMENT_LISTING_SPAN`):

- periods that ended recently come from their V2 flat-file report, listed with getReports
  (Amazon generates these; they cannot be requested) and downloaded; a listing window takes
  the reports CREATED inside it (a period's report appears 2-8 hours after it closes);
- older periods, whose reports getReports no longer lists, come from listFinancialEventGroups
  (the group's ``OriginalTotal`` is the payout) and listFinancialEventsByGroupId (its sums),
  in windows of at most 180 days that end at least two minutes before now.

Either way the sums are the same money as the ``financial_events`` rows of the same days; the
two are paired at ingest (:mod:`shelfscope.seller.ledger_reconcile`) and never counted twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from shelfscope.errors import InvalidInput, TransientError
from shelfscope.seller.backfill.documents import download_report
from shelfscope.seller.backfill.windows import FETCH_LAG, GROUP_START_LEAD
from shelfscope.seller.backfill.work import WindowWork
from shelfscope.seller.finances import (
    FinanceContext,
    FinancialEventGroup,
    parse_financial_event_groups,
    parse_financial_events,
)
from shelfscope.seller.ledger_rows import LedgerRow, SourceKind
from shelfscope.seller.models import BackfillWindow
from shelfscope.seller.row_identity import OccurrenceCounter, identity_hash
from shelfscope.seller.spapi_client import NextTokenExpired, iso

__all__ = ["GROUPS_OPERATION", "GROUP_EVENTS_OPERATION", "event_groups_window", "settlement_listing_window"]

GROUPS_OPERATION = "listFinancialEventGroups"
GROUP_EVENTS_OPERATION = "listFinancialEventsByGroupId"
LISTING_AGE_LIMIT = timedelta(days=89)
MAX_RESTARTS = 3
PAGE_SIZE = 100


def settlement_listing_window(work: WindowWork, *, report_type: str) -> int:
    """Download the settlement reports created inside the window; returns rows read.

    Only periods that ended after the connection's split point (the start of its first listing
    window) are taken here: older ones belong to the event-group windows. A report is created a
    few hours after its period closes, so "created in the window" never loses a period between
    two consecutive windows, and re-reading a report in an overlapping window doubles nothing.
    """
    window = work.window
    cutoff = listing_cutoff(work)
    params = {
        "reportTypes": report_type,
        "processingStatuses": "DONE",
        # getReports refuses createdSince older than 90 days before *now*, which moves on.
        "createdSince": iso(max(window.window_start, work.now() - LISTING_AGE_LIMIT)),
        "createdUntil": iso(min(window.window_end, work.now())),
        "pageSize": 100,
    }
    rows = 0
    for report in list(work.client.list_reports(params)):
        ended = report.data_end_time
        created_inside = window.window_start <= report.created_time < window.window_end
        if created_inside and ended is not None and ended >= cutoff:
            rows += download_report(work, report)
    return rows


def listing_cutoff(work: WindowWork) -> datetime:
    """Where settlement periods stop coming from event groups: the first listing window's start."""
    with work.runtime.platform.db.session() as session:
        first = session.scalar(
            select(func.min(BackfillWindow.window_start)).where(
                BackfillWindow.connection_id == work.connection.id,
                BackfillWindow.kind == SourceKind.SETTLEMENT.value,
            )
        )
    return first if first is not None else work.window.window_start


def event_groups_window(work: WindowWork) -> int:
    """Every closed group whose period ended in the window: its payout row and its sums."""
    rows = 0
    for group in _closed_groups(work):
        rows += work.ingest([_payout_row(group)]).rows_seen
        rows += _group_events(work, group)
    return rows


def _closed_groups(work: WindowWork) -> list[FinancialEventGroup]:
    window = work.window
    params: dict[str, Any] = {
        "FinancialEventGroupStartedAfter": iso(window.window_start - GROUP_START_LEAD),
        "FinancialEventGroupStartedBefore": iso(window.window_end),
        "MaxResultsPerPage": PAGE_SIZE,
    }
    for _ in range(MAX_RESTARTS):
        try:
            groups = list(_group_pages(work, params))
        except NextTokenExpired:
            continue
        return [
            group
            for group in groups
            if group.is_closed
            and group.started_at is not None
            and group.ended_at is not None
            and window.window_start <= group.ended_at < window.window_end
        ]
    raise TransientError("listFinancialEventGroups paging kept failing (expired NextTokens)")


def _group_pages(work: WindowWork, params: dict[str, Any]) -> Iterator[FinancialEventGroup]:
    token: str | None = None
    while True:
        body = work.client.list_financial_event_groups({**params, **({"NextToken": token} if token else {})})
        page = parse_financial_event_groups(body)
        yield from page.groups
        token = page.next_token
        if token is None:
            return


def _payout_row(group: FinancialEventGroup) -> LedgerRow:
    """The group as a settlement summary row: the payout, like a report's first data line."""
    total = group.original_total
    moment = group.fund_transfer_date or group.ended_at
    assert moment is not None  # only closed groups get here
    return LedgerRow(
        source=SourceKind.SETTLEMENT,
        report_type=GROUPS_OPERATION,
        event_time=moment,
        row_hash=identity_hash(SourceKind.SETTLEMENT, {"group": group.group_id}),
        occurrence=0,
        external_id=f"group:{group.group_id}",
        amount=total.amount if total else None,
        currency=total.currency if total else None,
        entry_type="FinancialEventGroup",
        reference_id=group.group_id,
        summary=True,
        raw={
            "FinancialEventGroupId": group.group_id,
            "FinancialEventGroupStart": _text(group.started_at),
            "FinancialEventGroupEnd": _text(group.ended_at),
            "FundTransferDate": _text(group.fund_transfer_date),
            "OriginalTotal": {"amount": str(total.amount), "currency": total.currency} if total else None,
            "TraceId": group.trace_id,
        },
    )


def _group_events(work: WindowWork, group: FinancialEventGroup) -> int:
    context = FinanceContext(
        operation=GROUP_EVENTS_OPERATION,
        window_start=group.started_at,
        window_end=group.ended_at,
        group_id=group.group_id,
    )
    page_size = PAGE_SIZE
    for _ in range(MAX_RESTARTS + 7):
        try:
            return _group_event_pages(work, group, context, page_size)
        except NextTokenExpired:
            continue  # deterministic keys: re-reading from page one doubles nothing
        except InvalidInput:
            if page_size == 1:
                raise
            page_size //= 2  # Amazon answers InvalidInput for pages over 10 MB
    raise TransientError(f"events of group {group.group_id} kept failing (expired NextTokens)")


def _group_event_pages(
    work: WindowWork, group: FinancialEventGroup, context: FinanceContext, page_size: int
) -> int:
    counter = OccurrenceCounter()
    token: str | None = None
    rows = 0
    while True:
        params = {**_group_span(work, group), "MaxResultsPerPage": page_size}
        if token:
            params["NextToken"] = token
        body = work.client.list_financial_events_by_group(group.group_id, params)
        page = parse_financial_events(body, context=context, occurrences=counter)
        rows += work.ingest(_as_settlement(row) for row in page.rows).rows_seen
        token = page.next_token
        if token is None:
            return rows


def _group_span(work: WindowWork, group: FinancialEventGroup) -> dict[str, Any]:
    """The group's own period as PostedAfter/PostedBefore: without them the range runs to now,
    and Amazon answers an empty page for ranges over 180 days."""
    assert group.started_at is not None and group.ended_at is not None
    before = min(group.ended_at, work.now() - FETCH_LAG)
    return {"PostedAfter": iso(group.started_at), "PostedBefore": iso(before)}


def _as_settlement(row: LedgerRow) -> LedgerRow:
    return dataclasses.replace(row, source=SourceKind.SETTLEMENT, report_type=GROUP_EVENTS_OPERATION)


def _text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
