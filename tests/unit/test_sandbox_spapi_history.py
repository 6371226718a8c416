"""The sandbox seller's history: deterministic, consistent with itself, cases planted unambiguously."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from shelfscope.sandbox.spapi.history import fees
from shelfscope.sandbox.spapi.history.catalog import REGION_MARKETPLACES
from shelfscope.sandbox.spapi.history.model import CaseKind
from shelfscope.sandbox.spapi.history.seller import SellerHistory, build_history
from shelfscope.sandbox.spapi.render import layouts

ANCHOR = datetime(2026, 3, 1, 12, tzinfo=UTC)


@cache
def history(region: str, seed: int = 3) -> SellerHistory:
    return build_history(seed=seed, region=region, anchor=ANCHOR)


def test_the_same_seed_and_anchor_build_the_same_history_and_another_seed_does_not() -> None:
    again = build_history(seed=3, region="FE", anchor=ANCHOR + timedelta(hours=5))  # same day
    assert [item.order_id for item in again.orders] == [item.order_id for item in history("FE").orders]
    assert [event.reference_id for event in again.ledger] == [
        event.reference_id for event in history("FE").ledger
    ]
    other = history("FE", seed=4)
    assert [item.order_id for item in other.orders][:20] != [item.order_id for item in history("FE").orders][
        :20
    ]


@pytest.mark.parametrize("region", ["NA", "EU", "FE"])
def test_history_covers_more_than_eighteen_months_back_and_months_ahead(region: str) -> None:
    found = history(region)
    assert found.anchor - found.start >= timedelta(days=548)
    assert found.orders[0].purchased_at < found.anchor - timedelta(days=548)
    assert found.orders[-1].purchased_at > found.anchor + timedelta(days=90)
    assert {item.product.marketplace for item in found.orders} == set(REGION_MARKETPLACES[region])


@pytest.mark.parametrize(("region", "codec"), [("FE", "cp932"), ("EU", "cp1252")])
def test_text_fits_the_charset_its_region_documents_use(region: str, codec: str) -> None:
    found = history(region)
    texts = [product.title for product in found.products()]
    texts += [returned.customer_comments for returned in found.returns]
    if region == "FE":
        texts += [f"{item.ship_city} {item.ship_state}" for item in found.orders]
    encoded = [text.encode(codec) for text in texts]
    assert any(not raw.isascii() for raw in encoded)


def test_layouts_are_the_real_headers(real_fixtures: Path) -> None:
    folder = real_fixtures / "spapi" / "headers"
    pairs = {
        "GET_LEDGER_DETAIL_VIEW_DATA__airbyte_schema15_spaces": layouts.LEDGER_DETAIL_SPACED,
        "GET_LEDGER_DETAIL_VIEW_DATA__official14_nospaces": layouts.LEDGER_DETAIL_OFFICIAL,
        "GET_FBA_REIMBURSEMENTS_DATA__official18": layouts.REIMBURSEMENTS,
        "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA__official13": layouts.CUSTOMER_RETURNS,
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__official32": layouts.ORDERS_BY_ORDER_DATE,
        "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL__official31": layouts.ORDERS_BY_LAST_UPDATE,
        "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_US25": layouts.FEES_US,
        "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_CA22": layouts.FEES_CA,
        "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_UK29": layouts.FEES_UK,
        "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__official_EU29": layouts.FEES_EU,
        "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2__official23": layouts.SETTLEMENT_OFFICIAL,
        "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2__observed24_with_promotion-id": layouts.SETTLEMENT_WITH_PROMOTION,
    }
    for name, layout in pairs.items():
        assert (
            tuple((folder / f"{name}.tsv").read_text(encoding="utf-8").rstrip("\n").split("\t")) == layout
        ), name


@pytest.mark.parametrize("region", ["NA", "EU", "FE"])
def test_planted_losses_have_no_reimbursement_within_30_days_and_other_losses_are_settled(
    region: str,
) -> None:
    found = history(region)
    planted = {
        dict(case.ids)["reference_id"]
        for case in found.cases
        if case.kind is CaseKind.LOST_OR_DAMAGED_NOT_REIMBURSED
    }
    assert planted
    losses = [
        event for event in found.ledger if event.event_type == "Adjustments" and event.reason in ("M", "E")
    ]
    found_again = {event.reference_id for event in found.ledger if event.reason == "F"}
    for loss in losses:
        reason = "Lost_Warehouse" if loss.reason == "M" else "Damaged_Warehouse"
        paid = [
            row
            for row in found.reimbursements.between(loss.at, loss.at + timedelta(days=30))
            if row.product.fnsku == loss.product.fnsku and row.reason == reason
        ]
        if loss.reference_id in planted:
            assert not paid and loss.reference_id not in found_again and loss.resolved_at is None
        else:
            assert len(paid) == 1 or loss.reference_id in found_again


@pytest.mark.parametrize("region", ["NA", "EU", "FE"])
def test_planted_refunds_never_came_back_and_were_never_reimbursed(region: str) -> None:
    found = history(region)
    planted = {
        dict(case.ids)["order_id"] for case in found.cases if case.kind is CaseKind.REFUNDED_NOT_RETURNED
    }
    assert planted
    returned = {row.order_id for row in found.returns}
    reimbursed = {row.order_id for row in found.reimbursements if row.reason == "CustomerReturn"}
    assert not planted & (returned | reimbursed)
    refunded = {line.order_id for line in found.money if line.transaction_type == "Refund"}
    assert refunded - planted <= returned | reimbursed


@pytest.mark.parametrize("region", ["NA", "EU", "FE"])
def test_reversal_cases_point_at_a_reimbursement_taken_back_later(region: str) -> None:
    found = history(region)
    by_id = {row.reimbursement_id: row for row in found.reimbursements}
    cases = [case for case in found.cases if case.kind is CaseKind.REIMBURSEMENT_REVERSED]
    assert cases
    for case in cases:
        ids = dict(case.ids)
        reversal, original = by_id[ids["reimbursement_id"]], by_id[ids["original_reimbursement_id"]]
        assert reversal.reason == "Reimbursement_Reversal" and original.reason == "Lost_Warehouse"
        assert reversal.amount_total == -original.amount_total < 0
        assert reversal.approved_at > original.approved_at


def test_fee_cases_are_skus_charged_a_larger_tier_than_their_dimensions() -> None:
    cases = [case for case in history("NA").cases if case.kind is CaseKind.FEE_OUT_OF_LINE]
    products = {product.sku: product for product in history("NA").products()}
    assert len(cases) == 2
    for case in cases:
        product = products[case.sku]
        dims = fees.Dimensions(
            product.longest_side, product.median_side, product.shortest_side, product.weight
        )
        assert fees.us_size_tier(dims) == product.size_tier == fees.SMALL_STANDARD
        assert product.reported_tier == fees.LARGE_STANDARD
        assert case.amount == product.fulfillment_fee - product.expected_fee > 0
    honest = [p for p in products.values() if p.sku not in {case.sku for case in cases}]
    assert all(p.reported_tier == p.size_tier and p.fulfillment_fee == p.expected_fee for p in honest)


@pytest.mark.parametrize("region", ["NA", "EU", "FE"])
def test_every_money_line_of_a_settled_span_is_in_exactly_one_settlement(region: str) -> None:
    found = history(region)
    for code in REGION_MARKETPLACES[region]:
        periods = [period for period in found.settlements if period.marketplace == code]
        first, last = periods[0].start, periods[-1].end
        expected = Counter(id(line) for line in found.money.between(first, last) if line.marketplace == code)
        settled = Counter(id(line) for period in periods for line in period.lines)
        assert settled == expected
        assert all(period.end - period.start == timedelta(days=14) for period in periods)


def test_a_shipped_order_pays_price_minus_commission_and_fulfilment_fee() -> None:
    found = history("NA")
    item = next(
        item
        for item in found.orders
        if item.product.marketplace == "US" and item.shipped_at and not item.promotion
    )
    lines = [line for line in found.money if line.event_key == f"ship:{item.order_id}:{item.shipment_id}"]
    mine = [line for line in lines if line.order_item_code == item.order_item_id]
    by_type = {f"{line.amount_type}/{line.amount_description}": line.amount for line in mine}
    assert by_type["ItemPrice/Principal"] == item.principal
    assert (
        by_type["ItemPrice/Tax"]
        == -by_type["ItemWithheldTax/MarketplaceFacilitatorTax-Principal"]
        == item.item_tax
    )
    assert by_type["ItemFees/FBAPerUnitFulfillmentFee"] == -item.product.fulfillment_fee * item.quantity
    assert by_type["ItemFees/Commission"] < 0
