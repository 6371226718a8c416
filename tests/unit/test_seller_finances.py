"""Finances bodies: v0 events flattened into ledger rows, event groups, 2024-06-19 transactions."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shelfscope.errors import ContractChanged, ParseError
from shelfscope.seller import Money, OccurrenceCounter, SourceKind
from shelfscope.seller.finances import (
    EVENT_LISTS,
    FinanceContext,
    parse_balances,
    parse_financial_event_groups,
    parse_financial_events,
    parse_summaries,
    parse_transactions,
)
from tests.conftest import unavailable

WINDOW = FinanceContext(
    window_start=datetime(2024, 3, 1, tzinfo=UTC), window_end=datetime(2024, 3, 31, tzinfo=UTC)
)


@pytest.fixture
def spapi(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi"


def _amount(money: Money | None) -> Decimal:
    assert money is not None
    return money.amount


def _sandbox_response(spapi: Path, name: str) -> Any:
    return json.loads((spapi / "json" / name).read_text())["response"]


def test_every_event_list_of_the_model_has_a_spec(real_fixtures: Path) -> None:
    path = real_fixtures.parent / "reference" / "spapi" / "models" / "financesV0.json"
    if not path.is_file():
        unavailable(f"official models not found next to the fixtures ({path})")
    model = json.loads(path.read_text())
    assert set(model["definitions"]["FinancialEvents"]["properties"]) == set(EVENT_LISTS)


def test_synthetic_first_page_golden(spapi: Path) -> None:
    body = (spapi / "synthetic" / "synthetic_listFinancialEvents_page1_with_NextToken.json").read_bytes()
    page = parse_financial_events(body, context=WINDOW)
    assert page.next_token == "SYNTHETIC-NEXT-TOKEN-PAGE-2"
    assert dict(page.event_counts) == {
        "ShipmentEventList": 1,
        "RefundEventList": 0,
        "ServiceFeeEventList": 1,
        "AdjustmentEventList": 0,
    }
    assert page.unknown_lists == ()
    assert len(page.rows) == 7
    principal = page.rows[0]
    assert principal.source is SourceKind.FINANCIAL_EVENTS
    assert principal.event_time == datetime(2024, 3, 3, 18, 22, 1, tzinfo=UTC)
    assert (principal.order_id, principal.sku, principal.quantity) == ("113-1234567-1234567", "SKU-RED-01", 1)
    assert (principal.amount, principal.currency, principal.amount_type) == (
        Decimal("24.99"),
        "USD",
        "ItemPrice/Principal",
    )
    assert principal.marketplace_id == "ATVPDKIKX0DER"
    assert principal.values["path"] == "ShipmentItemList[0].ItemChargeList[0].ChargeAmount"
    assert [row.amount_type for row in page.rows[1:6]] == [
        "ItemPrice/Tax",
        "ItemFees/FBAPerUnitFulfillmentFee",
        "ItemFees/Commission",
        "ItemWithheldTax/MarketplaceFacilitatorTax-Principal",
        "Promotion",
    ]
    subscription = page.rows[6]
    # ServiceFee events carry no PostedDate: dated by the window end, and flagged.
    assert (subscription.entry_type, subscription.amount, subscription.amount_type) == (
        "ServiceFee",
        Decimal("-39.99"),
        "other-transaction/Subscription",
    )
    assert subscription.event_time == datetime(2024, 3, 31, tzinfo=UTC)
    assert subscription.event_time_inferred is True
    assert subscription.reconciliation_key is None
    assert sum(row.amount or 0 for row in page.rows) == Decimal("-25.11")


def test_synthetic_last_page_golden(spapi: Path) -> None:
    body = (spapi / "synthetic" / "synthetic_listFinancialEvents_page2_last.json").read_bytes()
    page = parse_financial_events(body, context=WINDOW)
    assert page.next_token is None
    assert len(page.rows) == 4
    refund = page.rows[0]
    assert (refund.entry_type, refund.order_id, refund.amount, refund.amount_type) == (
        "Refund",
        "112-1111111-2222222",
        Decimal("-24.99"),
        "ItemPrice/Principal",
    )
    adjustment = page.rows[3]
    # AdjustmentAmount restates the item's TotalAmount: booked once, at item level with its SKU.
    assert (adjustment.entry_type, adjustment.reason, adjustment.amount) == (
        "Adjustment",
        "REVERSAL_REIMBURSEMENT",
        Decimal("12.1"),
    )
    assert (adjustment.sku, adjustment.fnsku, adjustment.asin, adjustment.quantity) == (
        "SKU-RED-01",
        "X00ABCDE12",
        "B0ABCDE123",
        1,
    )
    assert adjustment.amount_type == "other-transaction/REVERSAL_REIMBURSEMENT"
    assert sum(row.amount or 0 for row in page.rows) == Decimal("-10.64")


def test_pages_of_one_window_share_an_occurrence_counter(spapi: Path) -> None:
    body = (spapi / "synthetic" / "synthetic_listFinancialEvents_page1_with_NextToken.json").read_bytes()
    counter = OccurrenceCounter()
    first = parse_financial_events(body, context=WINDOW, occurrences=counter)
    repeated = parse_financial_events(body, context=WINDOW, occurrences=counter)
    assert {row.occurrence for row in first.rows} == {0}
    assert {row.occurrence for row in repeated.rows} == {1}
    again = parse_financial_events(body, context=WINDOW)
    assert [row.entry_key for row in again.rows] == [row.entry_key for row in first.rows]


def test_undated_events_are_keyed_by_their_group_when_fetched_by_group(spapi: Path) -> None:
    body = (spapi / "synthetic" / "synthetic_listFinancialEvents_page1_with_NextToken.json").read_bytes()
    group = FinanceContext(
        group_id="SYNTH-GROUP-0001", window_end=datetime(2024, 3, 15, 7, 12, 45, tzinfo=UTC)
    )
    by_window = parse_financial_events(body, context=WINDOW).rows
    by_group = parse_financial_events(body, context=group).rows
    assert by_group[6].reference_id == "SYNTH-GROUP-0001"
    assert by_group[6].row_hash != by_window[6].row_hash
    assert [row.row_hash for row in by_group[:6]] == [row.row_hash for row in by_window[:6]]


@pytest.mark.parametrize(
    ("file_name", "rows", "lists"),
    [
        (
            "sandbox_financesV0_listFinancialEvents_200_0.json",
            9,
            {
                "PayWithAmazonEventList": 2,
                "ServiceProviderCreditEventList": 1,
                "RentalTransactionEventList": 4,
                "ProductAdsPaymentEventList": 2,
            },
        ),
        (
            "sandbox_financesV0_listFinancialEventsByGroupId_200_0.json",
            34,
            {
                "ChargebackEventList": 25,
                "ImagingServicesFeeEventList": 1,
                "NetworkComminglingTransactionEventList": 2,
                "AffordabilityExpenseReversalEventList": 4,
                "TrialShipmentEventList": 1,
                "TaxWithholdingEventList": 1,
            },
        ),
        (
            "sandbox_financesV0_listFinancialEventsByOrderId_200_0.json",
            10,
            {
                "RetrochargeEventList": 3,
                "RentalTransactionEventList": 4,
                "ProductAdsPaymentEventList": 2,
                "ServiceFeeEventList": 1,
            },
        ),
    ],
)
def test_sandbox_event_pages_flatten_every_list(
    spapi: Path, file_name: str, rows: int, lists: dict[str, int]
) -> None:
    page = parse_financial_events(_sandbox_response(spapi, file_name), context=WINDOW)
    assert page.next_token == "Next token value"
    assert len(page.rows) == rows
    assert Counter(row.values["list"] for row in page.rows) == lists
    # Every sandbox amount is 25.37 USD: totals are exactly rows × 25.37.
    assert sum(row.amount or 0 for row in page.rows) == Decimal("25.37") * rows
    assert {row.currency for row in page.rows} == {"USD"}


def test_totals_and_informational_amounts_are_not_booked(spapi: Path) -> None:
    page = parse_financial_events(
        _sandbox_response(spapi, "sandbox_financesV0_listFinancialEventsByGroupId_200_0.json"), context=WINDOW
    )
    fields = {(row.values["list"], row.values["field"]) for row in page.rows}
    assert ("AffordabilityExpenseReversalEventList", "TotalExpense") not in fields
    assert ("TaxWithholdingEventList", "BaseAmount") not in fields
    assert ("TaxWithholdingEventList", "WithheldAmount") in fields
    by_order = parse_financial_events(
        _sandbox_response(spapi, "sandbox_financesV0_listFinancialEventsByOrderId_200_0.json"), context=WINDOW
    )
    order_fields = {(row.values["list"], row.values["field"]) for row in by_order.rows}
    assert ("ProductAdsPaymentEventList", "transactionValue") not in order_fields
    assert ("RentalTransactionEventList", "RentalInitialValue") not in order_fields
    assert ("RentalTransactionEventList", "RentalReimbursement") in order_fields


def test_event_lists_amazon_adds_later_are_flattened_and_reported() -> None:
    body = {
        "payload": {
            "FinancialEvents": {
                "FutureFeeEventList": [
                    {
                        "PostedDate": "2024-03-05T00:00:00Z",
                        "FeeList": [
                            {
                                "FeeType": "NewFee",
                                "FeeAmount": {"CurrencyCode": "EUR", "CurrencyAmount": Decimal("-1.5")},
                            }
                        ],
                    }
                ]
            }
        }
    }
    page = parse_financial_events(body, context=WINDOW)
    assert page.unknown_lists == ("FutureFeeEventList",)
    (row,) = page.rows
    assert (row.entry_type, row.amount, row.currency, row.amount_type) == (
        "FutureFee",
        Decimal("-1.5"),
        "EUR",
        "other-transaction/NewFee",
    )


def test_malformed_event_bodies_are_refused() -> None:
    with pytest.raises(ContractChanged, match="payload"):
        parse_financial_events(b'{"errors": []}', context=WINDOW)
    with pytest.raises(ParseError, match="not JSON"):
        parse_financial_events(b"<html>", context=WINDOW)
    money_without_currency = {
        "payload": {
            "FinancialEvents": {
                "ServiceFeeEventList": [{"FeeList": [{"FeeType": "X", "FeeAmount": {"CurrencyAmount": 1}}]}]
            }
        }
    }
    with pytest.raises(ParseError, match="no currency code"):
        parse_financial_events(money_without_currency, context=WINDOW)
    undated = FinanceContext()
    with pytest.raises(ParseError, match="no posted date"):
        parse_financial_events(
            json.dumps(
                {
                    "payload": {
                        "FinancialEvents": {
                            "ServiceFeeEventList": [
                                {
                                    "FeeList": [
                                        {
                                            "FeeType": "X",
                                            "FeeAmount": {"CurrencyCode": "USD", "CurrencyAmount": 1},
                                        }
                                    ]
                                }
                            ]
                        }
                    }
                }
            ),
            context=undated,
        )


def test_amounts_are_exact_decimals_never_floats(spapi: Path) -> None:
    body = (spapi / "synthetic" / "synthetic_listFinancialEvents_page2_last.json").read_bytes()
    rows = parse_financial_events(body, context=WINDOW).rows
    assert all(type(row.amount) is Decimal for row in rows)
    assert rows[3].amount == Decimal("12.1")


def test_synthetic_event_groups_golden(spapi: Path) -> None:
    page = parse_financial_event_groups(
        (spapi / "synthetic" / "synthetic_listFinancialEventGroups.json").read_bytes()
    )
    assert page.next_token is None
    closed, still_open = page.groups
    assert (closed.group_id, closed.is_closed, closed.fund_transfer_status) == (
        "SYNTH-GROUP-0001",
        True,
        "Succeeded",
    )
    assert closed.original_total == Money(Decimal("-14.47"), "USD")  # the payout the settlement file totals
    assert closed.started_at == datetime(2024, 3, 1, 7, 12, 45, tzinfo=UTC)
    assert closed.ended_at == datetime(2024, 3, 15, 7, 12, 45, tzinfo=UTC)
    assert closed.fund_transfer_date == datetime(2024, 3, 17, 7, 12, 45, tzinfo=UTC)
    assert (closed.trace_id, closed.account_tail) == ("SYNTHTRACE1", "123")
    assert (still_open.is_closed, still_open.ended_at, still_open.fund_transfer_date) == (False, None, None)
    assert _amount(still_open.original_total) == Decimal("12.34")


def test_sandbox_event_groups_golden(spapi: Path) -> None:
    page = parse_financial_event_groups(
        _sandbox_response(spapi, "sandbox_financesV0_listFinancialEventGroups_200_0.json")
    )
    assert page.next_token == "3493805734095308457308475"
    (group,) = page.groups
    assert (group.group_id, group.processing_status, group.is_closed) == ("1", "PROCESSED", False)
    assert _amount(group.converted_total) == Decimal("39.43")
    assert _amount(group.beginning_balance) == Decimal("55.33")
    assert group.fund_transfer_date == datetime(2020, 2, 7, 14, 38, 42, 128000, tzinfo=UTC)


def test_list_transactions_golden(spapi: Path) -> None:
    page = parse_transactions(_sandbox_response(spapi, "sandbox_finances2024_listTransactions_200_0.json"))
    assert page.next_token == "Next token value"
    (row,) = page.rows
    assert row.source is SourceKind.FINANCIAL_TRANSACTIONS
    assert (row.entry_type, row.order_id, row.amount, row.currency) == (
        "Shipment",
        "8129762527551",
        Decimal(10),
        "USD",
    )
    assert row.reference_id == "4MVaHcsAfaYAlwlaPWrXJxrfUiKfYZ2ooWtY7528FUA"
    assert row.event_time == datetime(2020, 7, 14, 3, 35, 13, 214000, tzinfo=UTC)
    assert row.external_id is None  # the sandbox sends no transactionId
    assert row.marketplace_id is None  # "ATIV93840DER" is not a real marketplace id


def test_transaction_id_is_the_external_id_when_present() -> None:
    body = {
        "payload": {
            "transactions": [
                {
                    "transactionId": "T-1",
                    "postedDate": "2024-03-03T00:00:00Z",
                    "totalAmount": {"currencyCode": "USD", "currencyAmount": 5},
                }
            ]
        }
    }
    (row,) = parse_transactions(body).rows
    assert row.entry_key == "T-1#0"


def test_balances_and_summaries_golden(spapi: Path) -> None:
    for name in (
        "sandbox_finances2024_listBalances_200_0.json",
        "sandbox_finances2024_listBalances_200_1.json",
    ):
        (total,), token = parse_balances(_sandbox_response(spapi, name))
        assert token == "jehgri34yo7jr9e8f984tr9i4o"
        assert (total.kind, _amount(total.amount), total.marketplace_id) == (
            "TOTAL",
            Decimal(15000),
            "AXXXXXXXXXER",
        )
        available, reserved = total.parts
        assert (available.kind, _amount(available.amount)) == ("AVAILABLE", Decimal(8000))
        assert [(part.kind, _amount(part.amount)) for part in reserved.parts] == [
            ("DEFERRED", Decimal(9000)),
            ("ACCOUNT_LEVEL_RESERVE", Decimal(-2000)),
        ]
    (first,), _ = parse_balances(_sandbox_response(spapi, "sandbox_finances2024_listBalances_200_0.json"))
    assert first.as_of == datetime(2025, 1, 12, 1, 30, tzinfo=UTC)  # 10:30 at +09:00
    (summary,), token = parse_summaries(
        _sandbox_response(spapi, "sandbox_finances2024_listSummary_200_0.json")
    )
    assert _amount(summary.amount) == Decimal(8000)
    assert [(part.kind, _amount(part.amount)) for part in summary.parts] == [
        ("Sales", Decimal(8000)),
        ("Expenses", Decimal(-1000)),
    ]
    assert summary.parts[1].parts[0].kind == "FBA fees"
