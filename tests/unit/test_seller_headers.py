"""Header lines of every known layout match their spec; missing required columns are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shelfscope.errors import ContractChanged, InvalidInput, ParseError
from shelfscope.seller.reports import ReportContext, describe_header, normalise_header, parse_report_lines

# headers/<file> → the columns the spec does not know (kept raw, never an error). Read off each
# header line: the all-orders files carry shipping-address and B2B columns the ledger has no use for.
UNKNOWN_COLUMNS = {
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_CA22.tsv": (),
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_EUR28.tsv": (),
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_UK29.tsv": (),
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_US25.tsv": (),
    "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__official_EU29.tsv": (),
    "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA__official13.tsv": (),
    "GET_FBA_REIMBURSEMENTS_DATA__official18.tsv": (),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL__official31.tsv": (
        "order-channel",
        "ship-city",
        "ship-state",
        "ship-postal-code",
        "is-business-order",
        "purchase-order-number",
        "price-designation",
    ),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__amz-tools_typings35.tsv": (
        "order-channel",
        "tax-collection-model",
        "tax-collection-responsible-party",
        "address-type",
        "ship-city",
        "ship-state",
        "ship-postal-code",
        "is-business-order",
        "purchase-order-number",
        "price-designation",
    ),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__caponica_MWS33.tsv": (
        "order-channel",
        "url",
        "ship-city",
        "ship-state",
        "ship-postal-code",
        "is-business-order",
        "purchase-order-number",
        "price-designation",
        "is-sold-by-ab",
    ),
    "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__official32.tsv": (
        "order-channel",
        "ship-city",
        "ship-state",
        "ship-postal-code",
        "cpf",
        "is-business-order",
        "purchase-order-number",
        "price-designation",
    ),
    "GET_LEDGER_DETAIL_VIEW_DATA__airbyte_schema15_spaces.tsv": (),
    "GET_LEDGER_DETAIL_VIEW_DATA__official14_nospaces.tsv": (),
    "GET_LEDGER_DETAIL_VIEW_DATA__sellercentral_csv_export16.tsv": (),
    "GET_LEDGER_SUMMARY_VIEW_DATA__airbyte_schema21_spaces.tsv": (),
    "GET_LEDGER_SUMMARY_VIEW_DATA__official21_nospaces.tsv": (),
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2__observed24_with_promotion-id.tsv": (),
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2__official23.tsv": (),
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE__v1_deprecated36.tsv": (),
}


@pytest.fixture
def headers_dir(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi" / "headers"


@pytest.mark.parametrize(
    "spelling",
    [
        "EventType",
        "Event Type",
        '"Event Type"',
        "event-type",
        "EVENT_TYPE",
        "\ufeffEventType",
        " Event  Type ",
        "ＥｖｅｎｔＴｙｐｅ",
    ],
)
def test_header_spellings_normalise_to_one_name(spelling: str) -> None:
    assert normalise_header(spelling) == "eventtype"


def test_every_header_fixture_is_in_the_golden_table(headers_dir: Path) -> None:
    assert sorted(path.name for path in headers_dir.glob("*.tsv")) == sorted(UNKNOWN_COLUMNS)


@pytest.mark.parametrize("file_name", sorted(UNKNOWN_COLUMNS))
def test_header_layout_matches_its_spec(headers_dir: Path, file_name: str) -> None:
    report_type, variant = file_name.removesuffix(".tsv").split("__")
    line = (headers_dir / file_name).read_text()
    layout = describe_header(line, report_type=report_type)
    documented = json.loads((headers_dir / "headers.json").read_text())[f"{report_type}__{variant}"]
    assert list(layout.original) == documented["columns"]
    assert len(layout.original) == documented["count"]
    assert layout.unknown == UNKNOWN_COLUMNS[file_name]


def test_the_three_ledger_layouts_resolve_to_the_same_columns(headers_dir: Path) -> None:
    def known(name: str) -> frozenset[str]:
        return describe_header(
            (headers_dir / f"GET_LEDGER_DETAIL_VIEW_DATA__{name}.tsv").read_text(),
            report_type="GET_LEDGER_DETAIL_VIEW_DATA",
        ).present

    official, spaced, export = (
        known("official14_nospaces"),
        known("airbyte_schema15_spaces"),
        known("sellercentral_csv_export16"),
    )
    assert spaced - official == {"Date and Time"}
    assert export - spaced == {"Store"}
    assert "EventType" in official
    assert "ReconciledQuantity" in official


def test_missing_required_columns_are_a_contract_change_naming_them() -> None:
    header = "Date\tFNSKU\tASIN\tMSKU\tTitle\tReferenceID\tFulfillmentCenter\n"
    with pytest.raises(ContractChanged) as raised:
        describe_header(header, report_type="GET_LEDGER_DETAIL_VIEW_DATA")
    assert "EventType" in raised.value.message
    assert "Quantity" in raised.value.message
    assert "GET_LEDGER_DETAIL_VIEW_DATA" in raised.value.message


def test_missing_required_column_stops_parsing_before_any_row(real_fixtures: Path) -> None:
    path = real_fixtures / "spapi" / "synthetic" / "synthetic_GET_FBA_REIMBURSEMENTS_DATA.tsv"
    header, *rows = path.read_text().splitlines(keepends=True)
    cut = [line.replace("\tamount-total\t", "\tamount-sum\t") for line in [header]] + rows
    with pytest.raises(ContractChanged, match="amount-total"):
        list(parse_report_lines(cut, context=ReportContext(report_type="GET_FBA_REIMBURSEMENTS_DATA")))


def test_a_column_that_appears_twice_is_refused() -> None:
    with pytest.raises(ContractChanged, match="appears twice"):
        describe_header(
            "Date\tFNSKU\tEvent Type\tEventType\tQuantity\n", report_type="GET_LEDGER_DETAIL_VIEW_DATA"
        )


def test_quoted_comma_separated_seller_central_export_reads_like_the_api_file(headers_dir: Path) -> None:
    columns = (
        (headers_dir / "GET_LEDGER_DETAIL_VIEW_DATA__sellercentral_csv_export16.tsv")
        .read_text()
        .strip()
        .split("\t")
    )
    values = [
        "03/01/2024",
        "X00ABCDE12",
        "B0ABCDE123",
        "SKU-RED-01",
        'Red Widget, 12" model',
        "Receipts",
        "FBA15XYZ1234",
        "24",
        "PHX7",
        "SELLABLE",
        "",
        "US",
        "24",
        "0",
        "2024-03-01T12:00:00-08:00",
        "Amazon.com",
    ]
    lines = [
        ",".join(f'"{name}"' for name in columns) + "\n",
        ",".join('"' + value.replace('"', '""') + '"' for value in values) + "\n",
    ]
    (row,) = parse_report_lines(lines, context=ReportContext(report_type="GET_LEDGER_DETAIL_VIEW_DATA"))
    assert row.fnsku == "X00ABCDE12"
    assert row.quantity == 24
    assert row.values["Title"] == 'Red Widget, 12" model'
    assert row.raw["Store"] == "Amazon.com"


def test_an_empty_document_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="empty"):
        list(
            parse_report_lines(
                ["\n", "  \n"], context=ReportContext(report_type="GET_FBA_REIMBURSEMENTS_DATA")
            )
        )


def test_a_line_longer_than_the_header_is_a_parse_error() -> None:
    lines = ["Date\tFNSKU\tEventType\tQuantity\n", "03/01/2024\tX00A\tReceipts\t1\tsurprise\n"]
    with pytest.raises(ParseError, match="line 2 has 5 fields, the header 4"):
        list(parse_report_lines(lines, context=ReportContext(report_type="GET_LEDGER_DETAIL_VIEW_DATA")))


def test_short_lines_and_trailing_empty_fields_are_tolerated() -> None:
    lines = [
        "Date\tFNSKU\tEventType\tQuantity\tReason\n",
        "03/01/2024\tX00A\tReceipts\t1\n",
        "03/02/2024\tX00A\tReceipts\t2\t\t\n",
    ]
    rows = list(parse_report_lines(lines, context=ReportContext(report_type="GET_LEDGER_DETAIL_VIEW_DATA")))
    assert [(row.quantity, row.reason) for row in rows] == [(1, None), (2, None)]


def test_a_report_type_without_a_parser_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="GET_MERCHANT_LISTINGS_ALL_DATA"):
        list(
            parse_report_lines(["sku\n"], context=ReportContext(report_type="GET_MERCHANT_LISTINGS_ALL_DATA"))
        )
