"""Reports API, LWA, Sellers and error bodies, golden on every json/ fixture that is not Finances."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shelfscope.errors import ContractChanged
from shelfscope.seller.spapi import (
    ApiErrorKind,
    ProcessingStatus,
    classify_api_error,
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


@pytest.fixture
def json_dir(real_fixtures: Path) -> Path:
    return real_fixtures / "spapi" / "json"


def _load(json_dir: Path, name: str) -> Any:
    return json.loads((json_dir / name).read_text())


def test_amazon_sample_done_report_golden(json_dir: Path) -> None:
    report = parse_report((json_dir / "amzn-samples_reports-getReport_DONE.json").read_bytes())
    assert report.processing_status is ProcessingStatus.DONE
    assert report.processing_status.is_terminal
    assert (report.report_id, report.report_type) == ("383187020424", "GET_EASYSHIP_DOCUMENTS")
    assert (
        report.report_document_id
        == "amzn1.spdoc.1.4.na.52d7591e-de2b-4d70-8fb1-0923856f9d59.T2OL05CQTET8D2.3211"
    )
    assert len(report.marketplace_ids) == 5
    assert report.created_time == datetime(2025, 12, 2, 11, 59, 18, tzinfo=UTC)
    assert report.processing_end_time == datetime(2025, 12, 2, 11, 59, 33, tzinfo=UTC)


def test_guide_done_report_golden(json_dir: Path) -> None:
    report = parse_report(_load(json_dir, "guide_getReport_DONE.json"))
    assert (report.report_id, report.report_document_id) == ("ID323", "DOC-b8b0-4226-b4b9-0ee058ea5760")
    assert report.data_start_time == datetime(2019, 12, 11, 13, 47, 20, 677000, tzinfo=UTC)
    assert report.marketplace_ids == ()


def test_sandbox_in_progress_report_and_page(json_dir: Path) -> None:
    report = parse_report(_load(json_dir, "sandbox_reports_getReport_200_0.json")["response"])
    assert (report.processing_status, report.processing_status.is_terminal) == (
        ProcessingStatus.IN_PROGRESS,
        False,
    )
    assert report.report_document_id is None
    page = parse_reports_page(_load(json_dir, "sandbox_reports_getReports_200_0.json")["response"])
    assert page.next_token == "VGhpcyB0b2tlbiBpcyBvcGFxdWUgYW5kIGludGVudGlvbmFsbHkgb2JmdXNjYXRlZA=="
    assert [r.report_id for r in page.reports] == ["ReportId1"]


def test_report_document_infos(json_dir: Path) -> None:
    gzip_doc = parse_report_document_info(
        (json_dir / "amzn-samples_reports-getReportDocument_GZIP.json").read_bytes()
    )
    assert gzip_doc.compression_algorithm == "GZIP"
    assert gzip_doc.url == "http://localhost:3000/resources/easy_ship_label.tar.gz"
    assert "localhost" not in repr(gzip_doc)  # presigned URLs stay out of logs
    plain = parse_report_document_info(_load(json_dir, "guide_getReportDocument.json"))
    assert (plain.report_document_id, plain.compression_algorithm) == (
        "DOC-b8b0-4226-b4b9-0ee058ea5760",
        None,
    )
    sandbox = parse_report_document_info(
        _load(json_dir, "sandbox_reports_getReportDocument_200_0.json")["response"]
    )
    assert sandbox.url.endswith("Report_47700__GET_MERCHANT_LISTINGS_ALL_DATA_.txt")


def test_create_report_responses(json_dir: Path) -> None:
    assert parse_create_report(_load(json_dir, "guide_createReport_response.json")) == "ID323"
    assert (
        parse_create_report(_load(json_dir, "sandbox_reports_createReport_202_0.json")["response"]) == "ID323"
    )


def test_cancel_report_success_has_no_body(json_dir: Path) -> None:
    fixture = _load(json_dir, "sandbox_reports_cancelReport_200_0.json")
    assert fixture["http_status"] == 200
    assert "response" not in fixture


def test_synthetic_report_chain(real_fixtures: Path) -> None:
    chain = json.loads(
        (real_fixtures / "spapi" / "synthetic" / "synthetic_reports_api_chain.json").read_text()
    )
    assert parse_create_report(chain["createReport_response_202"]) == "50012345678"
    statuses = [
        parse_report(chain[key]).processing_status
        for key in (
            "getReport_IN_QUEUE",
            "getReport_DONE",
            "getReport_FATAL_example",
            "getReport_CANCELLED_no_data_example",
        )
    ]
    assert statuses == [
        ProcessingStatus.IN_QUEUE,
        ProcessingStatus.DONE,
        ProcessingStatus.FATAL,
        ProcessingStatus.CANCELLED,
    ]
    assert [status.is_terminal for status in statuses] == [False, True, True, True]
    done = parse_report(chain["getReport_DONE"])
    assert done.data_end_time == datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_report(chain["getReport_FATAL_example"]).report_document_id is None
    document = parse_report_document_info(chain["getReportDocument_GZIP"])
    assert document.report_document_id == done.report_document_id


def test_unknown_processing_status_is_a_contract_change() -> None:
    body = {
        "reportId": "1",
        "reportType": "X",
        "processingStatus": "DONE_NO_DATA",
        "createdTime": "2024-01-01T00:00:00Z",
    }
    with pytest.raises(ContractChanged, match="DONE_NO_DATA"):
        parse_report(body)


@pytest.mark.parametrize(
    ("file_name", "status", "kind", "code"),
    [
        ("error_429_QuotaExceeded.json", 429, ApiErrorKind.QUOTA_EXCEEDED, "QuotaExceeded"),
        (
            "RECONSTRUCTED_error_403_access_token_expired.json",
            403,
            ApiErrorKind.ACCESS_TOKEN_EXPIRED,
            "Unauthorized",
        ),
        ("error_403_unauthorized_example.json", 403, ApiErrorKind.UNAUTHORIZED, "Unauthorized"),
        (
            "error_400_financialEvents_nextToken_expired.json",
            400,
            ApiErrorKind.NEXT_TOKEN_EXPIRED,
            "InvalidInput",
        ),
        (
            "error_400_settlement_createReport_not_allowed.json",
            400,
            ApiErrorKind.REPORT_TYPE_NOT_REQUESTABLE,
            "InvalidInput",
        ),
    ],
)
def test_quoted_error_bodies_classify(
    json_dir: Path, file_name: str, status: int, kind: ApiErrorKind, code: str
) -> None:
    errors = parse_api_errors((json_dir / file_name).read_bytes())
    assert errors[0].code == code
    assert classify_api_error(status, errors) is kind


@pytest.mark.parametrize(
    "file_name",
    [
        "sandbox_financesV0_listFinancialEventGroups_400_0.json",
        "sandbox_financesV0_listFinancialEventsByGroupId_400_0.json",
        "sandbox_financesV0_listFinancialEventsByOrderId_400_0.json",
        "sandbox_financesV0_listFinancialEvents_400_0.json",
        "sandbox_finances2024_listBalances_400_0.json",
        "sandbox_finances2024_listSummary_400_0.json",
        "sandbox_finances2024_listTransactions_400_0.json",
        "sandbox_reports_cancelReport_400_0.json",
        "sandbox_reports_createReport_400_0.json",
        "sandbox_reports_getReportDocument_400_0.json",
        "sandbox_reports_getReport_400_0.json",
        "sandbox_reports_getReports_400_0.json",
    ],
)
def test_sandbox_400_bodies_are_invalid_input(json_dir: Path, file_name: str) -> None:
    fixture = _load(json_dir, file_name)
    errors = parse_api_errors(fixture["response"])
    assert fixture["http_status"] == 400
    assert errors[0].message
    assert classify_api_error(400, errors) is ApiErrorKind.INVALID_INPUT


def test_error_body_without_errors_is_a_contract_change() -> None:
    with pytest.raises(ContractChanged):
        parse_api_errors(b'{"message": "Internal failure"}')


def test_lwa_token_response_golden(json_dir: Path) -> None:
    grant = parse_token_response(_load(json_dir, "lwa_token_response_example.json"))
    assert grant.access_token == "Atza|IQEBLjAsAhRmHjNgHpi0U-Dme37rR6CuUpSREXAMPLE"
    assert grant.refresh_token == "Atzr|IQEBLzAtAhRPpMJxdwVz2Nn6f2y-tpJX2DeXEXAMPLE"
    assert (grant.token_type, grant.expires_in) == ("bearer", 3600)
    assert "Atz" not in repr(grant)


def test_lwa_invalid_grant_means_reauthorisation() -> None:
    error = parse_lwa_error(
        b'{"error": "invalid_grant", "error_description": "The request has an invalid grant"}'
    )
    assert error.is_revoked_grant
    assert not parse_lwa_error({"error": "invalid_client"}).is_revoked_grant


def test_marketplace_participations_golden(json_dir: Path) -> None:
    (us,) = parse_marketplace_participations(
        _load(json_dir, "sandbox_sellers_getMarketplaceParticipations_200_0.json")["response"]
    )
    assert (us.marketplace_id, us.country_code, us.default_currency, us.domain_name) == (
        "ATVPDKIKX0DER",
        "US",
        "USD",
        "www.amazon.com",
    )
    assert (us.store_name, us.is_participating, us.has_suspended_listings) == ("BestSellerStore", True, False)
    (account_us,) = parse_account(_load(json_dir, "sandbox_sellers_getAccount_200_0.json")["response"])
    assert (account_us.marketplace_id, account_us.name, account_us.default_currency) == (
        "ATVPDKIKX0DER",
        "United States",
        None,
    )
