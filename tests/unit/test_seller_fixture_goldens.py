"""Every file in shared/fixtures/spapi is parsed, and what it yields is counted.

Detailed values live in the per-report test modules; this table makes sure no fixture is left
out (a new file fails ``test_every_spapi_fixture_has_a_golden_entry`` until it is added here)
and that each parses to the count read off the file by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shelfscope.errors import ParseError
from shelfscope.seller import ReportContext, parse_report_document
from shelfscope.seller.finances import (
    FinanceContext,
    parse_balances,
    parse_financial_event_groups,
    parse_financial_events,
    parse_summaries,
    parse_transactions,
)
from shelfscope.seller.reports import describe_header
from shelfscope.seller.spapi import (
    parse_account,
    parse_api_errors,
    parse_create_report,
    parse_lwa_error,
    parse_marketplace_participations,
    parse_report,
    parse_report_document_info,
    parse_reports_page,
    parse_token_response,
)

WINDOW = FinanceContext(
    window_start=datetime(2024, 3, 1, tzinfo=UTC), window_end=datetime(2024, 3, 31, tzinfo=UTC)
)
SNAPSHOT = datetime(2024, 3, 20, tzinfo=UTC)


def _report(report_type: str, marketplace_id: str = "ATVPDKIKX0DER") -> Callable[[Path], int]:
    def count(path: Path) -> int:
        context = ReportContext(
            report_type=report_type, marketplace_id=marketplace_id, data_end_time=SNAPSHOT
        )
        return sum(1 for _ in parse_report_document(path.read_bytes(), context=context))

    return count


def _header(path: Path) -> int:
    report_type = path.name.split("__")[0]
    return len(describe_header(path.read_text(), report_type=report_type).original)


def _headers_json(path: Path) -> int:
    layouts = json.loads(path.read_text())
    for name, layout in layouts.items():
        described = describe_header("\t".join(layout["columns"]), report_type=name.split("__")[0])
        assert len(described.original) == layout["count"]
    return len(layouts)


def _body(path: Path) -> Any:
    loaded = json.loads(path.read_text())
    return loaded["response"] if "http_status" in loaded else loaded


def _json(parse: Callable[[Any], Any]) -> Callable[[Path], int]:
    def count(path: Path) -> int:
        result = parse(_body(path))
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], tuple):
            return len(result[0])  # (items, next token)
        return len(result) if isinstance(result, tuple) else 1

    return count


def _events(path: Path) -> int:
    return len(parse_financial_events(_body(path), context=WINDOW).rows)


def _groups(path: Path) -> int:
    return len(parse_financial_event_groups(_body(path)).groups)


def _transactions(path: Path) -> int:
    return len(parse_transactions(_body(path)).rows)


def _reports_chain(path: Path) -> int:
    chain = json.loads(path.read_text())
    parse_create_report(chain["createReport_response_202"])
    parse_report_document_info(chain["getReportDocument_GZIP"])
    return len([parse_report(chain[key]) for key in chain if key.startswith("getReport_")])


def _row_counts(path: Path) -> int:
    return len(json.loads(path.read_text()))


def _no_body(path: Path) -> int:
    return len(json.loads(path.read_text()).get("response", {}))


def _raises(error: type[Exception], counter: Callable[[Path], int]) -> Callable[[Path], int]:
    def count(path: Path) -> int:
        with pytest.raises(error):
            counter(path)
        return -1

    return count


LEDGER = "GET_LEDGER_DETAIL_VIEW_DATA"
SETTLEMENT_V2 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
SETTLEMENT_V1 = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE"
FEES = "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA"

# path under spapi/ → (what parses it, what it yields: rows, columns, items; -1 = raises)
GOLDEN: dict[str, tuple[Callable[[Path], int], int]] = {
    "SOURCES.md": (lambda path: int("no real, unredacted SP-API report file" in path.read_text()), 1),
    "headers/headers.json": (_headers_json, 19),
    # Header lines: the column count is in each file's name.
    "headers/GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_CA22.tsv": (_header, 22),
    "headers/GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_EUR28.tsv": (_header, 28),
    "headers/GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_UK29.tsv": (_header, 29),
    "headers/GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_US25.tsv": (_header, 25),
    "headers/GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__official_EU29.tsv": (_header, 29),
    "headers/GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA__official13.tsv": (_header, 13),
    "headers/GET_FBA_REIMBURSEMENTS_DATA__official18.tsv": (_header, 18),
    "headers/GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL__official31.tsv": (_header, 31),
    "headers/GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__amz-tools_typings35.tsv": (_header, 35),
    "headers/GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__caponica_MWS33.tsv": (_header, 33),
    "headers/GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__official32.tsv": (_header, 32),
    "headers/GET_LEDGER_DETAIL_VIEW_DATA__airbyte_schema15_spaces.tsv": (_header, 15),
    "headers/GET_LEDGER_DETAIL_VIEW_DATA__official14_nospaces.tsv": (_header, 14),
    "headers/GET_LEDGER_DETAIL_VIEW_DATA__sellercentral_csv_export16.tsv": (_header, 16),
    "headers/GET_LEDGER_SUMMARY_VIEW_DATA__airbyte_schema21_spaces.tsv": (_header, 21),
    "headers/GET_LEDGER_SUMMARY_VIEW_DATA__official21_nospaces.tsv": (_header, 21),
    "headers/GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2__observed24_with_promotion-id.tsv": (_header, 24),
    "headers/GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2__official23.tsv": (_header, 23),
    "headers/GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE__v1_deprecated36.tsv": (_header, 36),
    # Airbyte's fixtures: repeated header lines (no rows) or header words as values (refused).
    "reports/airbyte_fixtures/GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA.csv": (_report(FEES), 0),
    "reports/airbyte_fixtures/GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA.csv": (
        _report("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"),
        0,
    ),
    "reports/airbyte_fixtures/GET_FBA_REIMBURSEMENTS_DATA.csv": (_report("GET_FBA_REIMBURSEMENTS_DATA"), 0),
    "reports/airbyte_fixtures/GET_LEDGER_DETAIL_VIEW_DATA.csv": (_raises(ParseError, _report(LEDGER)), -1),
    "reports/airbyte_fixtures/GET_LEDGER_SUMMARY_VIEW_DATA.csv": (
        _raises(ParseError, _report("GET_LEDGER_SUMMARY_VIEW_DATA")),
        -1,
    ),
    "reports/airbyte_fixtures/GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE.csv": (_report(SETTLEMENT_V1), 3),
    "reports/real/mws-rs_settlement_flatfile_v1_excerpt_2015.tsv": (_report(SETTLEMENT_V1), 4),
    # Synthetic files: row counts as in synthetic/row_counts.json (the settlement summary is a row).
    "synthetic/row_counts.json": (_row_counts, 14),
    "synthetic/synthetic_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_DE.tsv": (_report(FEES, "A1PA6795UKMFR9"), 1),
    "synthetic/synthetic_GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA_US.tsv": (_report(FEES), 1),
    "synthetic/synthetic_GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA_cp1252.tsv": (
        _report("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"),
        2,
    ),
    "synthetic/synthetic_GET_FBA_REIMBURSEMENTS_DATA.tsv": (_report("GET_FBA_REIMBURSEMENTS_DATA"), 3),
    "synthetic/synthetic_GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL.tsv": (
        _report("GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"),
        4,
    ),
    "synthetic/synthetic_GET_LEDGER_DETAIL_VIEW_DATA_JP_cp932.tsv": (_report(LEDGER, "A1VC38T7YXB528"), 1),
    "synthetic/synthetic_GET_LEDGER_DETAIL_VIEW_DATA_official_header.tsv": (_report(LEDGER), 9),
    "synthetic/synthetic_GET_LEDGER_DETAIL_VIEW_DATA_spaced_header.tsv": (_report(LEDGER), 9),
    "synthetic/synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv": (_report(SETTLEMENT_V2), 15),
    "synthetic/synthetic_GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2_US.tsv.gz": (_report(SETTLEMENT_V2), 15),
    "synthetic/synthetic_listFinancialEventGroups.json": (_groups, 2),
    "synthetic/synthetic_listFinancialEvents_page1_with_NextToken.json": (_events, 7),
    "synthetic/synthetic_listFinancialEvents_page2_last.json": (_events, 4),
    "synthetic/synthetic_reports_api_chain.json": (_reports_chain, 4),
    # API bodies. Error bodies count their errors; finance pages their ledger rows.
    "json/RECONSTRUCTED_error_403_access_token_expired.json": (_json(parse_api_errors), 1),
    "json/amzn-samples_reports-getReportDocument_GZIP.json": (_json(parse_report_document_info), 1),
    "json/amzn-samples_reports-getReport_DONE.json": (_json(parse_report), 1),
    "json/error_400_financialEvents_nextToken_expired.json": (_json(parse_api_errors), 1),
    "json/error_400_settlement_createReport_not_allowed.json": (_json(parse_api_errors), 1),
    "json/error_403_unauthorized_example.json": (_json(parse_api_errors), 1),
    "json/error_429_QuotaExceeded.json": (_json(parse_api_errors), 1),
    "json/guide_createReport_response.json": (_json(parse_create_report), 1),
    "json/guide_getReportDocument.json": (_json(parse_report_document_info), 1),
    "json/guide_getReport_DONE.json": (_json(parse_report), 1),
    "json/lwa_token_response_example.json": (_json(parse_token_response), 1),
    "json/sandbox_finances2024_listBalances_200_0.json": (_json(parse_balances), 1),
    "json/sandbox_finances2024_listBalances_200_1.json": (_json(parse_balances), 1),
    "json/sandbox_finances2024_listBalances_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_finances2024_listSummary_200_0.json": (_json(parse_summaries), 1),
    "json/sandbox_finances2024_listSummary_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_finances2024_listTransactions_200_0.json": (_transactions, 1),
    "json/sandbox_finances2024_listTransactions_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_financesV0_listFinancialEventGroups_200_0.json": (_groups, 1),
    "json/sandbox_financesV0_listFinancialEventGroups_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_financesV0_listFinancialEventsByGroupId_200_0.json": (_events, 34),
    "json/sandbox_financesV0_listFinancialEventsByGroupId_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_financesV0_listFinancialEventsByOrderId_200_0.json": (_events, 10),
    "json/sandbox_financesV0_listFinancialEventsByOrderId_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_financesV0_listFinancialEvents_200_0.json": (_events, 9),
    "json/sandbox_financesV0_listFinancialEvents_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_reports_cancelReport_200_0.json": (_no_body, 0),
    "json/sandbox_reports_cancelReport_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_reports_createReport_202_0.json": (_json(parse_create_report), 1),
    "json/sandbox_reports_createReport_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_reports_getReportDocument_200_0.json": (_json(parse_report_document_info), 1),
    "json/sandbox_reports_getReportDocument_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_reports_getReport_200_0.json": (_json(parse_report), 1),
    "json/sandbox_reports_getReport_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_reports_getReports_200_0.json": (_json(lambda body: parse_reports_page(body).reports), 1),
    "json/sandbox_reports_getReports_400_0.json": (_json(parse_api_errors), 1),
    "json/sandbox_sellers_getAccount_200_0.json": (_json(parse_account), 1),
    "json/sandbox_sellers_getMarketplaceParticipations_200_0.json": (
        _json(parse_marketplace_participations),
        1,
    ),
}


@pytest.fixture
def spapi(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi"


def test_every_spapi_fixture_has_a_golden_entry(spapi: Path) -> None:
    on_disk = {str(path.relative_to(spapi)) for path in spapi.rglob("*") if path.is_file()}
    assert on_disk == set(GOLDEN)


@pytest.mark.parametrize("relative", sorted(GOLDEN))
def test_fixture_parses_to_its_golden_count(spapi: Path, relative: str) -> None:
    parse, expected = GOLDEN[relative]
    assert parse(spapi / relative) == expected


def test_synthetic_row_counts_match_the_documented_counts(spapi: Path) -> None:
    documented = json.loads((spapi / "synthetic" / "row_counts.json").read_text())
    for name, count in documented.items():
        if count != "json":
            assert GOLDEN[f"synthetic/{name}"][1] == count, name


def test_lwa_error_shape_is_parsed_too() -> None:
    # Not among the fixtures (no published body), but the callback and refresh paths need it.
    assert parse_lwa_error({"error": "invalid_grant"}).is_revoked_grant
