"""The getReports query: filters and page size, or a nextToken sent on its own.

"Either reportTypes or nextToken is required"; a nextToken must be "the only parameter.
Specifying nextToken with any other parameters will cause the request to fail." ``createdSince``
defaults to 90 days ago and may not reach further back (Airbyte: "a max start of 90 days from now
otherwise it will throw a 400 error"). Lists are comma-separated or repeated. Parameters the
operation does not define are ignored, as clients add marketplace parameters to every call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shelfscope.sandbox.spapi.api_errors import ApiFailure
from shelfscope.sandbox.spapi.gateway import ApiCall
from shelfscope.sandbox.spapi.timefmt import parse_time

__all__ = ["ReportsQuery", "parse_reports_query"]

STATUSES = frozenset({"CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE"})
_FILTERS = ("reportTypes", "processingStatuses", "marketplaceIds", "pageSize", "createdSince", "createdUntil")
_HORIZON = timedelta(days=90)
# Clients compute "90 days ago" a moment before the request arrives.
_HORIZON_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class ReportsQuery:
    report_types: tuple[str, ...]
    statuses: tuple[str, ...]
    marketplace_ids: tuple[str, ...]
    page_size: int
    created_since: datetime
    created_until: datetime


def _list(call: ApiCall, name: str, *, most: int) -> tuple[str, ...]:
    values = tuple(
        item.strip() for value in call.query.get(name, []) for item in value.split(",") if item.strip()
    )
    if name in call.query and not 1 <= len(values) <= most:
        raise ApiFailure.invalid_input("Invalid input", f"{name} must hold 1 to {most} values.")
    return values


def _time(call: ApiCall, name: str, default: datetime) -> datetime:
    text = call.one(name)
    if text is None:
        return default
    try:
        return parse_time(text)
    except ValueError:
        raise ApiFailure.invalid_input("Invalid input", f"{name} must be an ISO 8601 date-time.") from None


def _page_size(call: ApiCall) -> int:
    text = call.one("pageSize") or "10"
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise ApiFailure.invalid_input("Invalid input", "pageSize must be between 1 and 100.")
    return int(text)


def _filters(call: ApiCall) -> ReportsQuery:
    report_types = _list(call, "reportTypes", most=10)
    if not report_types:
        raise ApiFailure.invalid_input("Invalid input", "Either reportTypes or nextToken is required.")
    statuses = _list(call, "processingStatuses", most=len(STATUSES))
    if any(status not in STATUSES for status in statuses):
        raise ApiFailure.invalid_input("Invalid input", "Invalid input in processing status")
    since = _time(call, "createdSince", call.now - _HORIZON)
    until = _time(call, "createdUntil", call.now)
    if since < call.now - _HORIZON - _HORIZON_SLACK:
        raise ApiFailure.invalid_input(
            "Invalid input", "createdSince cannot be more than 90 days in the past."
        )
    if since > until:
        raise ApiFailure.invalid_input("Invalid input", "createdSince must be before createdUntil.")
    return ReportsQuery(
        report_types, statuses, _list(call, "marketplaceIds", most=10), _page_size(call), since, until
    )


def parse_reports_query(call: ApiCall) -> tuple[ReportsQuery, int]:
    """The query and the offset of the page asked for."""
    token = call.one("nextToken")
    if token is None:
        return _filters(call), 0
    if any(name in call.query for name in _FILTERS):
        raise ApiFailure.invalid_input("Invalid input", "nextToken must be the only parameter.")
    cursor = call.world.next_tokens.find(token, operation="getReports", owner=call.owner)
    if cursor is None:
        raise ApiFailure.invalid_input("Invalid input", "Invalid nextToken.")
    query = cursor.arguments[0]
    assert isinstance(query, ReportsQuery)
    return query, cursor.offset
