"""Settlement lines and financial events describing the same money share a reconciliation key."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from shelfscope.seller import OccurrenceCounter, ReportContext, parse_report_document, reconciliation_key
from shelfscope.seller.finances import FinanceContext, parse_financial_events


def test_synthetic_settlement_and_finance_pages_reconcile_the_same_money(real_fixtures: Path) -> None:
    synthetic = real_fixtures / "spapi" / "synthetic"
    settlement = [
        row
        for row in parse_report_document(
            (synthetic / "synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv").read_bytes(),
            context=ReportContext(report_type="GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"),
        )
        if not row.summary
    ]
    context = FinanceContext(
        window_start=datetime(2024, 3, 1, tzinfo=UTC), window_end=datetime(2024, 3, 31, tzinfo=UTC)
    )
    counter = OccurrenceCounter()
    events = [
        row
        for name in (
            "synthetic_listFinancialEvents_page1_with_NextToken.json",
            "synthetic_listFinancialEvents_page2_last.json",
        )
        for row in parse_financial_events(
            (synthetic / name).read_bytes(), context=context, occurrences=counter
        ).rows
    ]
    settled = Counter(row.reconciliation_key for row in settlement if row.reconciliation_key)
    posted = Counter(row.reconciliation_key for row in events if row.reconciliation_key)
    matched = settled & posted
    # Order 113 (principal, tax, withheld tax, commission, FBA fee, promotion) and the refund of
    # order 112 (principal, commission, refund commission) appear on both sides.
    assert sum(matched.values()) == 9
    assert "113-1234567-1234567|2024-03-03|Promotion|-2.5|USD" in matched
    assert "112-1111111-2222222|2024-03-09|ItemFees/RefundCommission|-0.75|USD" in matched
    matched_money = sum(Decimal(key.split("|")[3]) for key in matched.elements())
    assert matched_money == Decimal("14.88") + Decimal("-22.74")
    # Order 114 and the storage fee are only in the settlement file; the reimbursement adjustment
    # only among the events; the subscription fee has no PostedDate, so no key on the event side.
    assert sorted(key.split("|")[0] for key in (settled - posted)) == ["-", "-"] + ["114-7654321-7654321"] * 3
    assert list(posted - settled) == ["-|2024-03-14|other-transaction/REVERSAL_REIMBURSEMENT|12.1|USD"]


def test_key_ignores_trailing_zeros_and_keeps_the_sign() -> None:
    posted = datetime(2024, 3, 3, 23, 59, tzinfo=UTC)
    key = reconciliation_key(
        order_id=None,
        posted_at=posted,
        amount_type="ItemFees/Commission",
        amount=Decimal("-3.750"),
        currency="usd",
    )
    assert key == "-|2024-03-03|ItemFees/Commission|-3.75|USD"
    assert (
        reconciliation_key(order_id="1", posted_at=None, amount_type="X", amount=Decimal(1), currency="USD")
        is None
    )
