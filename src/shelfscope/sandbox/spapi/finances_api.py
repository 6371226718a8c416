"""Finances v0: listFinancialEventGroups, listFinancialEvents and listFinancialEventsByGroupId.

Windows follow the model's rules: ``PostedAfter`` (or a group start) "must be more than two
minutes before the time of the request", ``PostedBefore`` defaults to two minutes ago and needs
``PostedAfter``, and a window longer than 180 days answers an empty page (not an error).
Events appear only once Amazon has posted them (up to 48 hours late). A ``NextToken`` must come
back with the same arguments and within its lifetime; its pages are computed as of the first
page, so events posted meanwhile neither shift nor duplicate rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.routing import Route

from shelfscope.sandbox.spapi.api_errors import NEXT_TOKEN_EXPIRED, ApiFailure
from shelfscope.sandbox.spapi.finance_events import events_json, group_events, group_json
from shelfscope.sandbox.spapi.gateway import ApiCall, ApiResult, spapi_route
from shelfscope.sandbox.spapi.history import queries
from shelfscope.sandbox.spapi.history.model import MoneyLine, SettlementPeriod
from shelfscope.sandbox.spapi.next_tokens import PageCursor
from shelfscope.sandbox.spapi.timefmt import parse_time

__all__ = ["finances_routes"]

_LATEST = timedelta(minutes=2)
_LONGEST = timedelta(days=180)
_GROUP_RETENTION = timedelta(days=730)
_NO_WINDOW = (
    "Must specify a valid value of atleast one of : "
    "1)AmazonOrderId, 2)FinancialEventGroupId and 3)PostedAfter"
)


@dataclass(frozen=True)
class _Page:
    """Which page to serve: its offset, the window and the moment the listing is as of.

    Page one fixes the window (defaults such as "two minutes ago" included) and the moment;
    later pages reuse both, so the listing does not move under the client.
    """

    offset: int
    window: tuple[Hashable, ...]
    as_of: datetime


def _time(call: ApiCall, name: str) -> datetime | None:
    text = call.one(name)
    if text is None:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise ApiFailure.invalid_input("Invalid input", f"{name} must be an ISO 8601 date-time.") from None


def _page_size(call: ApiCall, default: int) -> int:
    text = call.one("MaxResultsPerPage") or str(default)
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise ApiFailure.invalid_input("Invalid input", "MaxResultsPerPage must be between 1 and 100.")
    return int(text)


def _too_late(name: str) -> ApiFailure:
    return ApiFailure.invalid_input(
        "Invalid input", f"{name} must be more than two minutes before the time of the request."
    )


def _window(
    call: ApiCall, after_name: str, before_name: str, *, required: bool
) -> tuple[datetime | None, datetime | None]:
    """The window as given (``None`` where absent), checked against the model's rules."""
    after, before = _time(call, after_name), _time(call, before_name)
    latest = call.now - _LATEST
    if after is None and (required or before is not None):
        raise ApiFailure.invalid_input(_NO_WINDOW if required else f"{before_name} requires {after_name}.")
    if after is not None and after > latest:
        raise _too_late(after_name)
    if before is not None and before > latest:
        raise _too_late(before_name)
    if after is not None and before is not None and before <= after:
        raise ApiFailure.invalid_input("Invalid input", f"{before_name} must be later than {after_name}.")
    return after, before


def _page(call: ApiCall, operation: str, given: tuple[Hashable, ...], window: tuple[Hashable, ...]) -> _Page:
    """Page one, or the page a NextToken points at (same arguments, not expired)."""
    token = call.one("NextToken")
    if token is None:
        return _Page(0, window, call.now)
    cursor = call.world.next_tokens.find(token, operation=operation, owner=call.owner)
    if cursor is None:
        raise ApiFailure.invalid_input("Invalid input", "Invalid NextToken.")
    ttl = call.world.knobs.next_token_ttl_seconds
    if call.world.next_tokens.expired(cursor, now=call.now, ttl=ttl):
        raise ApiFailure.invalid_input(NEXT_TOKEN_EXPIRED.format(minutes=round(ttl / 60)))
    first_given, first_window, as_of = cursor.arguments
    if first_given != given:
        raise ApiFailure.invalid_input(
            "Invalid input", "NextToken must be used with the arguments of the call that returned it."
        )
    assert isinstance(first_window, tuple) and isinstance(as_of, datetime)
    return _Page(cursor.offset, first_window, as_of)


def _paged(
    call: ApiCall, operation: str, *, given: tuple[Hashable, ...], page: _Page, items: list[Any], size: int
) -> tuple[list[Any], str | None]:
    chosen = items[page.offset : page.offset + size]
    if page.offset + size >= len(items):
        return chosen, None
    cursor = PageCursor(operation, call.owner, (given, page.window, page.as_of), page.offset + size, call.now)
    return chosen, call.world.next_tokens.issue(cursor)


def _window_of(page: _Page) -> tuple[datetime, datetime]:
    first, last = page.window
    assert isinstance(first, datetime) and isinstance(last, datetime)
    return first, last


def _events_page(
    call: ApiCall,
    operation: str,
    given: tuple[Hashable, ...],
    window: tuple[datetime, datetime],
    select: Callable[[datetime, datetime, datetime], list[MoneyLine]],
) -> ApiResult:
    size = _page_size(call, 100)
    given = (*given, size)
    page = _page(call, operation, given, window)
    first, last = _window_of(page)
    lines = [] if last - first > _LONGEST else select(first, last, page.as_of)
    events, token = _paged(call, operation, given=given, page=page, items=group_events(lines), size=size)
    payload: dict[str, Any] = {"FinancialEvents": events_json(events)}
    if token:
        payload["NextToken"] = token
    return ApiResult(body={"payload": payload})


def list_events(call: ApiCall) -> ApiResult:
    after, before = _window(call, "PostedAfter", "PostedBefore", required=True)
    assert after is not None
    history = call.world.history(call.region)

    def select(first: datetime, last: datetime, as_of: datetime) -> list[MoneyLine]:
        # More than 180 days apart: "the response is empty" (handled by the caller).
        return queries.money_lines(history, posted_after=first, posted_before=last, as_of=as_of)

    window = (after, before or call.now - _LATEST)
    return _events_page(call, "listFinancialEvents", (after, before), window, select)


def _group(call: ApiCall) -> SettlementPeriod:
    group_id = call.path["eventGroupId"]
    history = call.world.history(call.region)
    period = next((period for period in history.settlements if period.group_id == group_id), None)
    if period is None or period.start > call.now:
        raise ApiFailure(400, "InvalidInput", "Bad event group ID provided.")
    if period.end < call.now - _GROUP_RETENTION:
        raise ApiFailure.invalid_input(
            "Request was not valid or data requested exceeds data retention period."
        )
    return period


def list_events_by_group(call: ApiCall) -> ApiResult:
    period = _group(call)
    after, before = _window(call, "PostedAfter", "PostedBefore", required=False)

    def select(first: datetime, last: datetime, as_of: datetime) -> list[MoneyLine]:
        return [line for line in period.lines if first <= line.posted_at < last and line.visible_at <= as_of]

    window = (after or period.start, before or call.now - _LATEST)
    return _events_page(
        call, "listFinancialEventsByGroupId", (period.group_id, after, before), window, select
    )


def list_groups(call: ApiCall) -> ApiResult:
    after, before = _window(
        call, "FinancialEventGroupStartedAfter", "FinancialEventGroupStartedBefore", required=False
    )
    size = _page_size(call, 10)
    given = (after, before, size)
    # The model gives no default start; a quarter back is what Seller Central's payments page shows.
    page = _page(
        call,
        "listFinancialEventGroups",
        given,
        (after or call.now - timedelta(days=90), before or call.now - _LATEST),
    )
    first, last = _window_of(page)
    history = call.world.history(call.region)
    periods = [
        period
        for period in history.settlements
        if first <= period.start < last and period.start <= page.as_of and last - first <= _LONGEST
    ]
    periods.sort(key=lambda period: (period.start, period.marketplace))
    chosen, token = _paged(call, "listFinancialEventGroups", given=given, page=page, items=periods, size=size)
    payload: dict[str, Any] = {
        "FinancialEventGroupList": [group_json(period, now=call.now) for period in chosen]
    }
    if token:
        payload["NextToken"] = token
    return ApiResult(body={"payload": payload})


def finances_routes() -> list[Route]:
    return [
        spapi_route(
            "/finances/v0/financialEventGroups", "listFinancialEventGroups", list_groups, method="GET"
        ),
        spapi_route("/finances/v0/financialEvents", "listFinancialEvents", list_events, method="GET"),
        spapi_route(
            "/finances/v0/financialEventGroups/{eventGroupId}/financialEvents",
            "listFinancialEventsByGroupId",
            list_events_by_group,
            method="GET",
        ),
    ]
