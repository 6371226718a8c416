"""Each case rule on small hand-written ledgers, including the near misses around its window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from shelfscope.seller.cases.facts import Finding, LedgerFact, LedgerView
from shelfscope.seller.cases.policy import CaseKind, CaseStatus, policy_for
from shelfscope.seller.cases.rules import RULES, rule_for
from shelfscope.seller.ledger_rows import SourceKind

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
_ids = count(1)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def fact(source: SourceKind, at: datetime, **fields: Any) -> LedgerFact:
    return LedgerFact(id=next(_ids), source=source.value, event_time=at, **fields)


def adjustment(at: datetime, reason: str, quantity: int, *, reference: str = "R1", fnsku: str = "X00LAMP",
               disposition: str = "SELLABLE") -> LedgerFact:  # fmt: skip
    return fact(
        SourceKind.INVENTORY_LEDGER, at, marketplace_id=US, sku="US-LAMP", fnsku=fnsku, quantity=quantity,
        entry_type="Adjustments", reference_id=reference,
        raw={"Reason": reason, "Disposition": disposition, "Fulfillment Center": "MDW2"},
    )  # fmt: skip


def reimbursement(at: datetime, *, reason: str = "Lost_Warehouse", quantity: int = 1, amount: str = "25.00",
                  order_id: str | None = None, sku: str = "US-LAMP", fnsku: str = "X00LAMP",
                  reference: str = "9000000001", raw: dict[str, str] | None = None) -> LedgerFact:  # fmt: skip
    return fact(
        SourceKind.REIMBURSEMENTS, at, sku=sku, fnsku=fnsku, order_id=order_id, quantity=quantity,
        amount=Decimal(amount), currency="USD", entry_type=reason, reference_id=reference, raw=raw or {},
    )  # fmt: skip


def fee_preview(sku: str, *, sides: tuple[str, str, str], weight: str, tier: str | None, fee: str,
                marketplace: str = US, price: str = "19.99") -> LedgerFact:  # fmt: skip
    us = marketplace == US
    raw = {
        "your-price": price, "longest-side": sides[0], "median-side": sides[1], "shortest-side": sides[2],
        "unit-of-dimension": "inches" if us else "cm", "item-package-weight": weight,
        "unit-of-weight": "pounds" if us else "kg",
    }  # fmt: skip
    if tier is not None:
        raw["product-size-tier"] = tier
    if us:
        raw["expected-fulfillment-fee-per-unit"] = fee
    else:
        raw["estimated-pick-pack-fee-per-unit"] = fee
    return fact(SourceKind.FEE_PREVIEW, day(100), marketplace_id=marketplace, sku=sku, fnsku=f"X0{sku}",
                currency="USD" if us else "CAD", raw=raw)  # fmt: skip


def run(kind: CaseKind, facts: list[LedgerFact], now: datetime) -> list[Finding]:
    rule = rule_for(kind)
    return list(rule.find(LedgerView(facts).only(rule.reads), now))


PRICE = fee_preview("US-LAMP", sides=("17.72", "5.91", "3.94"), weight="1.98", tier="Large standard-size",
                    fee="5.37", price="39.99")  # fmt: skip


# Lost or damaged --------------------------------------------------------------------------------


def test_a_loss_reimbursed_on_day_29_is_no_case() -> None:
    facts = [adjustment(day(0), "M", -1), reimbursement(day(29)), PRICE]
    assert run(CaseKind.LOST_OR_DAMAGED, facts, now=day(60)) == []


def test_a_loss_reimbursed_on_day_31_is_a_case_closed_by_the_late_payment() -> None:
    loss, paid = adjustment(day(0), "M", -1), reimbursement(day(31), reference="9000000031")
    (finding,) = run(CaseKind.LOST_OR_DAMAGED, [loss, paid, PRICE], now=day(60))
    assert finding.occurred_at == day(0)
    assert finding.amount == Decimal("39.99") and finding.currency == "USD"
    assert finding.late is not None and finding.late.closes
    assert "9000000031" in finding.late.note
    assert [e.entry_id for e in finding.late.evidence] == [paid.id]


def test_an_unreimbursed_loss_becomes_a_case_only_after_30_days() -> None:
    facts = [adjustment(day(0), "M", -1), PRICE]
    assert run(CaseKind.LOST_OR_DAMAGED, facts, now=day(29.9)) == []
    (finding,) = run(CaseKind.LOST_OR_DAMAGED, facts, now=day(30))
    assert finding.late is None
    assert finding.reference_id == "R1"


def test_a_unit_found_within_the_wait_settles_the_loss() -> None:
    facts = [adjustment(day(0), "M", -1), adjustment(day(6), "F", 1), PRICE]
    assert run(CaseKind.LOST_OR_DAMAGED, facts, now=day(90)) == []


def test_damage_keeps_the_move_into_warehouse_damaged_as_evidence() -> None:
    damaged = adjustment(day(0), "E", -1, reference="R7")
    moved = adjustment(day(0), "6", 1, reference="R7", disposition="WAREHOUSE_DAMAGED")
    (finding,) = run(CaseKind.LOST_OR_DAMAGED, [damaged, moved, PRICE], now=day(45))
    assert {(e.entry_id, e.role) for e in finding.evidence} == {
        (damaged.id, "loss"),
        (moved.id, "damaged_stock"),
    }
    assert finding.details["reason"] == "E"


def test_one_reimbursement_settles_one_loss_only() -> None:
    first, second = adjustment(day(0), "M", -1, reference="R1"), adjustment(day(5), "M", -1, reference="R2")
    facts = [first, second, reimbursement(day(10)), PRICE]
    (finding,) = run(CaseKind.LOST_OR_DAMAGED, facts, now=day(60))
    assert finding.reference_id == "R2"


def test_a_reimbursement_of_another_fnsku_does_not_count() -> None:
    facts = [adjustment(day(0), "M", -1), reimbursement(day(3), fnsku="X00OTHER", sku="US-OTHER"), PRICE]
    assert len(run(CaseKind.LOST_OR_DAMAGED, facts, now=day(40))) == 1


# Refund without return --------------------------------------------------------------------------


def refund(
    at: datetime, *, source: SourceKind = SourceKind.FINANCIAL_EVENTS, amount: str = "-34.99"
) -> LedgerFact:
    return fact(source, at, marketplace_id=US, sku="US-KETTLE", order_id="111-0000001-0000001", quantity=1,
                amount=Decimal(amount), currency="USD", entry_type="Refund", amount_type="ItemPrice/Principal")  # fmt: skip


def customer_return(at: datetime) -> LedgerFact:
    return fact(SourceKind.CUSTOMER_RETURNS, at, sku="US-KETTLE", order_id="111-0000001-0000001", quantity=1,
                entry_type="Unit returned to inventory")  # fmt: skip


def test_a_unit_returned_on_day_44_is_no_case() -> None:
    facts = [refund(day(0)), customer_return(day(44))]
    assert run(CaseKind.REFUND_WITHOUT_RETURN, facts, now=day(80)) == []


def test_a_unit_returned_on_day_46_is_a_case_with_the_late_return_noted() -> None:
    late = customer_return(day(46))
    (finding,) = run(CaseKind.REFUND_WITHOUT_RETURN, [refund(day(0)), late], now=day(80))
    assert finding.amount == Decimal("34.99")
    assert finding.order_id == "111-0000001-0000001" and finding.sku == "US-KETTLE"
    assert finding.late is not None and not finding.late.closes
    assert [e.entry_id for e in finding.late.evidence] == [late.id]


def test_a_refund_is_due_45_days_after_it() -> None:
    facts = [refund(day(0))]
    assert run(CaseKind.REFUND_WITHOUT_RETURN, facts, now=day(44.9)) == []
    assert len(run(CaseKind.REFUND_WITHOUT_RETURN, facts, now=day(45))) == 1


def test_a_customer_return_reimbursement_naming_the_order_settles_the_refund() -> None:
    paid = reimbursement(day(40), reason="CustomerReturn", order_id="111-0000001-0000001", sku="US-KETTLE")
    assert run(CaseKind.REFUND_WITHOUT_RETURN, [refund(day(0)), paid], now=day(90)) == []


def test_the_same_refund_in_events_and_settlement_is_one_case_with_event_evidence() -> None:
    event, settled = refund(day(0)), refund(day(0), source=SourceKind.SETTLEMENT)
    (finding,) = run(CaseKind.REFUND_WITHOUT_RETURN, [event, settled], now=day(50))
    assert [e.entry_id for e in finding.evidence] == [event.id]
    assert finding.amount == Decimal("34.99")


def test_a_refund_known_only_from_a_settlement_still_counts() -> None:
    settled = refund(day(0), source=SourceKind.SETTLEMENT)
    (finding,) = run(CaseKind.REFUND_WITHOUT_RETURN, [settled], now=day(50))
    assert finding.details["refund_source"] == "settlement"


# Reimbursement reversed --------------------------------------------------------------------------


def test_a_reversal_is_a_case_with_the_original_and_the_found_unit_as_evidence() -> None:
    original = reimbursement(day(10), reference="1111111111", amount="6.69")
    found = adjustment(day(20), "F", 1)
    reversal = reimbursement(
        day(21), reason="Reimbursement_Reversal", quantity=-1, amount="-6.69", reference="2222222222",
        raw={"original-reimbursement-id": "1111111111", "original-reimbursement-type": "Lost_Warehouse"},
    )  # fmt: skip
    (finding,) = run(CaseKind.REIMBURSEMENT_REVERSED, [original, found, reversal, PRICE], now=day(21))
    assert finding.amount == Decimal("6.69")
    assert {(e.entry_id, e.role) for e in finding.evidence} == {
        (reversal.id, "reversal"), (original.id, "original_reimbursement"), (found.id, "found"),
    }  # fmt: skip
    assert finding.marketplace_id == US  # learnt from the SKU's other rows
    assert finding.details["original_reimbursement_id"] == "1111111111"


def test_plain_reimbursements_are_not_reversals() -> None:
    assert run(CaseKind.REIMBURSEMENT_REVERSED, [reimbursement(day(1))], now=day(50)) == []


# Fee out of line with the size tier --------------------------------------------------------------


def test_a_small_standard_unit_charged_as_large_standard_is_overcharged() -> None:
    towel = fee_preview("US-TOWEL", sides=("9.84", "7.09", "0.59"), weight="0.33", tier="Large standard-size",
                        fee="3.90")  # fmt: skip
    (finding,) = run(CaseKind.FEE_OVERCHARGE, [towel], now=day(100))
    assert finding.amount == Decimal("0.75")  # 3.90 charged, 3.15 for small standard at 4-8 oz
    assert finding.details["tier_by_dimensions"] == "Small standard-size"


def test_a_correctly_tiered_unit_is_no_case() -> None:
    case = fee_preview("US-CASE", sides=("6.69", "3.74", "0.59"), weight="0.10", tier="Small standard-size",
                       fee="3.06")  # fmt: skip
    thick = fee_preview("US-BANDS", sides=("6.30", "4.33", "0.98"), weight="0.40", tier="Large standard-size",
                        fee="3.90")  # fmt: skip
    assert run(CaseKind.FEE_OVERCHARGE, [case, thick], now=day(100)) == []


def test_without_a_stated_tier_the_fee_is_compared_with_correctly_tiered_peers() -> None:
    peer = fee_preview(
        "CA-SOCKS", sides=("24", "12", "4"), weight="0.24", tier=None, fee="4.80", marketplace=CA
    )
    same_band = fee_preview("CA-GLOVES", sides=("25", "13", "3.5"), weight="0.30", tier=None, fee="5.65",
                            marketplace=CA)  # fmt: skip
    (finding,) = run(CaseKind.FEE_OVERCHARGE, [peer, same_band], now=day(100))
    assert finding.sku == "CA-GLOVES" and finding.amount == Decimal("0.85") and finding.currency == "CAD"


def test_a_unit_without_peers_or_stated_tier_is_not_judged() -> None:
    alone = fee_preview(
        "CA-LAMP", sides=("45", "15", "10"), weight="0.90", tier=None, fee="9.99", marketplace=CA
    )
    assert run(CaseKind.FEE_OVERCHARGE, [alone], now=day(100)) == []


# Policy -------------------------------------------------------------------------------------------


def test_every_kind_has_one_rule_and_a_deadline_after_it_opens() -> None:
    assert {rule.kind for rule in RULES} == set(CaseKind)
    for kind in CaseKind:
        policy = policy_for(kind)
        assert policy.claim_deadline(T0) > policy.eligible_at(T0) >= T0
    assert CaseStatus.PAID.is_final and CaseStatus.DISMISSED.is_final and not CaseStatus.FILED.is_final


def test_without_a_listed_price_the_last_reimbursed_unit_value_is_the_estimate() -> None:
    earlier = reimbursement(day(-90), amount="27.50", raw={"amount-per-unit": "27.50"})
    (finding,) = run(CaseKind.LOST_OR_DAMAGED, [earlier, adjustment(day(0), "M", -1)], now=day(31))
    assert finding.amount == Decimal("27.50") and finding.currency == "USD"
    (unknown,) = run(CaseKind.LOST_OR_DAMAGED, [adjustment(day(0), "M", -1)], now=day(31))
    assert unknown.amount is None and unknown.currency is None
