"""The row hash is a property of the normalised row, not of the file's spelling or column order."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shelfscope.seller import LedgerRow, OccurrenceCounter, ReportContext, parse_report_lines
from shelfscope.seller.row_identity import canonical_text, identity_hash, natural_key

LEDGER = "GET_LEDGER_DETAIL_VIEW_DATA"
REIMBURSEMENTS = "GET_FBA_REIMBURSEMENTS_DATA"

_safe_text = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='\t"\r\n\x85\ufeff'
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _spelling(draw: st.DrawFn, name: str) -> str:
    """One way a report could write ``name``: spaced, hyphenated, upper-cased, quoted, padded."""
    separator = draw(st.sampled_from(["", " ", "-", "_", "  "]))
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).split(" ")
    spelled = separator.join(words)
    spelled = draw(st.sampled_from([spelled, spelled.upper(), spelled.lower(), spelled.title()]))
    if draw(st.booleans()):
        spelled = f'"{spelled}"'
    return draw(st.sampled_from(["", " "])) + spelled + draw(st.sampled_from(["", " "]))


@st.composite
def _ledger_row(draw: st.DrawFn) -> dict[str, str]:
    day = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    return {
        "Date": day.strftime("%m/%d/%Y"),
        "FNSKU": draw(_safe_text),
        "ASIN": draw(_safe_text),
        "MSKU": draw(_safe_text),
        "Title": draw(_safe_text),
        "EventType": draw(st.sampled_from(["Receipts", "Shipments", "Adjustments", "CustomerReturns"])),
        "ReferenceID": draw(st.one_of(st.just(""), _safe_text)),
        "Quantity": str(draw(st.integers(min_value=-500, max_value=500))),
        "FulfillmentCenter": draw(_safe_text),
        "Disposition": draw(st.sampled_from(["SELLABLE", "WAREHOUSE_DAMAGED", "CUSTOMER_DAMAGED"])),
        "Reason": draw(st.sampled_from(["", "M", "F", "E", "6"])),
        "Country": draw(st.sampled_from(["US", "JP", "DE", ""])),
    }


def _parse(columns: list[str], values: list[str], report_type: str = LEDGER) -> LedgerRow:
    lines = ["\t".join(columns) + "\n", "\t".join(values) + "\n"]
    (row,) = parse_report_lines(lines, context=ReportContext(report_type=report_type))
    return row


@settings(max_examples=150, deadline=None)
@given(row=_ledger_row(), data=st.data())
def test_hash_survives_header_spelling_column_order_and_new_columns(
    row: dict[str, str], data: st.DataObject
) -> None:
    reference = _parse(list(row), list(row.values()))
    order = data.draw(st.permutations(list(row)))
    spelled = [data.draw(_spelling(name)) for name in order]
    values = [row[name] for name in order]
    extra = data.draw(
        st.lists(st.sampled_from(["Store", "Unknown Future Column", "Date and Time X"]), unique=True)
    )
    position = data.draw(st.integers(min_value=0, max_value=len(order)))
    for offset, name in enumerate(extra):
        spelled.insert(position + offset, name)
        values.insert(position + offset, data.draw(_safe_text))
    respelled = _parse(spelled, values)
    assert respelled.row_hash == reference.row_hash
    assert respelled.entry_key == reference.entry_key
    assert respelled.quantity == reference.quantity


@settings(max_examples=100, deadline=None)
@given(title=_safe_text, reconciled=st.integers(-5, 5), row=_ledger_row())
def test_columns_amazon_updates_later_do_not_move_the_hash(
    title: str, reconciled: int, row: dict[str, str]
) -> None:
    base = _parse([*row, "ReconciledQuantity"], [*row.values(), "0"])
    updated = dict(row, Title=title)
    later = _parse([*updated, "ReconciledQuantity"], [*updated.values(), str(reconciled)])
    assert later.row_hash == base.row_hash


@settings(max_examples=100, deadline=None)
@given(reimbursement_id=st.from_regex(r"[0-9]{10}", fullmatch=True), data=st.data())
def test_natural_keys_survive_respelling_too(reimbursement_id: str, data: st.DataObject) -> None:
    row = {
        "approval-date": "2024-03-14T08:15:02+00:00",
        "reimbursement-id": reimbursement_id,
        "reason": "Lost_Warehouse",
        "sku": "SKU-RED-01",
        "fnsku": "X00ABCDE12",
        "currency-unit": "USD",
        "amount-total": "12.10",
    }
    reference = _parse(list(row), list(row.values()), REIMBURSEMENTS)
    order = data.draw(st.permutations(list(row)))
    respelled = _parse(
        [data.draw(_spelling(name)) for name in order], [row[n] for n in order], REIMBURSEMENTS
    )
    assert respelled.entry_key == reference.entry_key == f"{reimbursement_id}|X00ABCDE12|SKU-RED-01|#0"


def test_values_are_hashed_in_canonical_form() -> None:
    assert identity_hash("settlement", {"amount": Decimal("12.10")}) == identity_hash(
        "settlement", {"amount": Decimal("12.1")}
    )
    assert identity_hash("settlement", {"sku": " A "}) == identity_hash("settlement", {"sku": "A"})
    assert identity_hash("settlement", {"sku": None, "x": "1"}) == identity_hash("settlement", {"x": "1"})
    assert identity_hash("settlement", {"x": "1"}) != identity_hash("orders", {"x": "1"})
    assert canonical_text(Decimal("0.00")) == "0"
    assert natural_key((None, "")) is None
    assert natural_key(("a|b", "c")) == "a/b|c"


def test_occurrence_counter_numbers_repeats_per_key() -> None:
    counter = OccurrenceCounter()
    assert [counter.next_index(key) for key in ("a", "b", "a", "a", "b", "c")] == [0, 0, 1, 2, 1, 0]


def test_occurrences_are_counted_across_the_compact_store() -> None:
    counter = OccurrenceCounter()
    counter.MERGE_EVERY = 4  # merge into the sorted array often
    keys = [f"row-{n % 7}" for n in range(40)]
    indexes = [counter.next_index(key) for key in keys]
    assert indexes == [n // 7 for n in range(40)]
