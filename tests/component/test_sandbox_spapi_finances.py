"""Finances v0 in the sandbox: windows, NextToken paging and expiry, late events, event groups."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from shelfscope.sandbox.spapi import ground_truth
from shelfscope.sandbox.spapi.contract import ModelContract
from shelfscope.seller import OccurrenceCounter
from shelfscope.seller.finances import FinanceContext, parse_financial_events
from shelfscope.seller.reports import ReportContext, parse_report_document
from tests.component.test_sandbox_spapi_helpers import (
    REPORTS,
    START,
    Connection,
    Sandbox,
    assert_matches,
    models,
    sandbox,
    seller,
)

__all__ = ["models", "sandbox", "seller"]

EVENTS = "/finances/v0/financialEvents"
GROUPS = "/finances/v0/financialEventGroups"
NOW_MINUS_3_MIN = START - timedelta(minutes=3)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _all_pages(
    seller: Connection,
    path: str,
    params: dict[str, str],
    models: dict[str, ModelContract],
    *,
    context: FinanceContext,
) -> tuple[list[Any], int]:
    """Every page of a listing, fetched back to back with the same arguments; rows and pages."""
    rows: list[Any] = []
    counter = OccurrenceCounter()
    pages, token = 0, None
    while True:
        response = seller.get(path, **params, **({"NextToken": token} if token else {}))
        assert response.status_code == 200, response.text
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.5"
        assert_matches(models["finances"], "ListFinancialEventsResponse", response.json())
        page = parse_financial_events(response.content, context=context, occurrences=counter)
        rows += page.rows
        pages += 1
        token = page.next_token
        if token is None:
            return rows, pages


def test_financial_events_page_with_next_token_to_the_ground_truth(
    sandbox: Sandbox, seller: Connection, models: dict[str, ModelContract]
) -> None:
    after, before = START - timedelta(days=60), NOW_MINUS_3_MIN
    params = {"PostedAfter": _iso(after), "PostedBefore": _iso(before), "MaxResultsPerPage": "50"}
    context = FinanceContext(window_start=after, window_end=before)
    rows, pages = _all_pages(seller, EVENTS, params, models, context=context)
    truth = ground_truth(sandbox.world, region="NA", start=after, end=before).rows["financial_events"]
    assert pages > 5
    assert len(rows) == truth.rows
    totals: dict[str, Decimal] = {}
    for row in rows:
        totals[row.currency] = totals.get(row.currency, Decimal(0)) + row.amount
    assert totals == truth.amounts
    assert {row.entry_type for row in rows} == {"Shipment", "Refund", "Adjustment", "ServiceFee"}
    undated = [row for row in rows if row.entry_type == "ServiceFee"]
    assert undated and all(row.event_time_inferred for row in undated)  # Amazon sends them without PostedDate


def test_a_next_token_expires_after_25_minutes(sandbox: Sandbox, seller: Connection) -> None:
    params = {"PostedAfter": _iso(START - timedelta(days=30)), "MaxResultsPerPage": "10"}
    token = seller.get(EVENTS, **params).json()["payload"]["NextToken"]
    sandbox.advance(24 * 60)
    assert seller.get(EVENTS, **params, NextToken=token).status_code == 200
    sandbox.advance(60)
    expired = seller.get(EVENTS, **params, NextToken=token)
    assert expired.status_code == 400
    assert expired.json() == {
        "errors": [
            {
                "code": "InvalidInput",
                "message": "Token is not valid, token duration is 25 minutes.",
                "details": "",
            }
        ]
    }


def test_a_next_token_only_works_with_the_arguments_that_produced_it(seller: Connection) -> None:
    params = {"PostedAfter": _iso(START - timedelta(days=30)), "MaxResultsPerPage": "10"}
    token = seller.get(EVENTS, **params).json()["payload"]["NextToken"]
    changed = seller.get(EVENTS, **{**params, "MaxResultsPerPage": "20"}, NextToken=token)
    assert changed.status_code == 400
    assert changed.json()["errors"][0]["code"] == "InvalidInput"


def test_posted_dates_must_end_more_than_two_minutes_ago(seller: Connection) -> None:
    too_recent = seller.get(
        EVENTS, PostedAfter=_iso(START - timedelta(days=1)), PostedBefore=_iso(START - timedelta(minutes=1))
    )
    assert too_recent.status_code == 400
    assert "two minutes" in too_recent.json()["errors"][0]["details"]
    assert seller.get(EVENTS, PostedBefore=_iso(START - timedelta(days=1))).status_code == 400
    nothing = seller.get(EVENTS)
    assert nothing.status_code == 400
    assert nothing.json()["errors"][0]["message"].startswith("Must specify a valid value of atleast one of")


def test_a_window_over_180_days_answers_an_empty_page(seller: Connection) -> None:
    response = seller.get(
        EVENTS, PostedAfter=_iso(START - timedelta(days=200)), PostedBefore=_iso(NOW_MINUS_3_MIN)
    )
    assert response.status_code == 200
    payload = response.json()["payload"]
    assert "NextToken" not in payload
    assert not any(payload["FinancialEvents"].values())
    assert len(payload["FinancialEvents"]) == 34


def test_events_of_the_last_48_hours_appear_late(sandbox: Sandbox, seller: Connection) -> None:
    after, before = START - timedelta(days=2), NOW_MINUS_3_MIN
    params = {"PostedAfter": _iso(after), "PostedBefore": _iso(before)}
    context = FinanceContext(window_start=after, window_end=before)
    early = parse_financial_events(seller.get(EVENTS, **params).content, context=context).rows
    sandbox.advance(48 * 3600)
    seller.refresh()
    late = parse_financial_events(seller.get(EVENTS, **params).content, context=context).rows
    assert len(late) > len(early)
    truth = ground_truth(sandbox.world, region="NA", start=after, end=before).rows["financial_events"]
    assert len(late) == truth.rows


def test_event_groups_follow_settlements_and_their_events_are_the_settlement_money(
    sandbox: Sandbox, seller: Connection, models: dict[str, ModelContract]
) -> None:
    params = {"FinancialEventGroupStartedAfter": _iso(START - timedelta(days=60)), "MaxResultsPerPage": "3"}
    groups: list[dict[str, Any]] = []
    token = None
    while True:
        response = seller.get(GROUPS, **params, **({"NextToken": token} if token else {}))
        assert_matches(models["finances"], "ListFinancialEventGroupsResponse", response.json())
        groups += response.json()["payload"]["FinancialEventGroupList"]
        token = response.json()["payload"].get("NextToken")
        if token is None:
            break
    periods = [
        p for p in sandbox.world.history("NA").settlements if START - timedelta(days=60) <= p.start <= START
    ]
    assert {group["FinancialEventGroupId"] for group in groups} == {period.group_id for period in periods}
    assert {group["ProcessingStatus"] for group in groups} == {"Open", "Closed"}
    assert all(
        "FinancialEventGroupEnd" not in group for group in groups if group["ProcessingStatus"] == "Open"
    )

    closed = max(
        (period for period in periods if period.deposit_at < START and period.marketplace == "US"),
        key=lambda p: p.end,
    )
    group = next(group for group in groups if group["FinancialEventGroupId"] == closed.group_id)
    assert group["FundTransferStatus"] == "Succeeded"
    assert Decimal(str(group["OriginalTotal"]["CurrencyAmount"])) == closed.total

    context = FinanceContext(
        operation="listFinancialEventsByGroupId", group_id=closed.group_id, window_end=closed.end
    )
    finance_rows, _pages = _all_pages(
        seller,
        f"{GROUPS}/{closed.group_id}/financialEvents",
        {"MaxResultsPerPage": "100"},
        models,
        context=context,
    )
    settlement_rows = _settlement_rows(seller, closed.settlement_id, closed.marketplace_id)
    assert len(finance_rows) == len(settlement_rows) == len(closed.lines)
    assert (
        sum(row.amount for row in finance_rows) == sum(row.amount for row in settlement_rows) == closed.total
    )
    order_money = ("Shipment", "Refund")
    assert Counter(
        row.reconciliation_key for row in finance_rows if row.entry_type in order_money
    ) == Counter(row.reconciliation_key for row in settlement_rows if row.entry_type in ("Order", "Refund"))


def _settlement_rows(seller: Connection, settlement_id: str, marketplace_id: str) -> list[Any]:
    reports = seller.get(
        f"{REPORTS}/reports", reportTypes="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", pageSize=100
    ).json()["reports"]
    for report in reports:
        _info, document = seller.download(report["reportDocumentId"])
        context = ReportContext(report_type=report["reportType"], marketplace_id=marketplace_id)
        rows = list(
            parse_report_document(
                document.content,
                context=context,
                compression_algorithm="GZIP",
                content_type=document.headers["content-type"],
            )
        )
        if rows[0].reference_id == settlement_id:
            return [row for row in rows if not row.summary]
    raise AssertionError(f"settlement {settlement_id} is not listed")


def test_an_unknown_event_group_is_a_bad_group_id(seller: Connection) -> None:
    response = seller.get(f"{GROUPS}/NOSUCHGROUP/financialEvents")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Bad event group ID provided."
