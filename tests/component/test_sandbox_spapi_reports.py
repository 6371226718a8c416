"""Reports API in the sandbox: lifecycle, documents, validation, settlements, injection, limits."""

from __future__ import annotations

import gzip
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shelfscope.sandbox import SandboxClock, SandboxServer, create_sandbox_app
from shelfscope.sandbox.spapi import ground_truth
from shelfscope.sandbox.spapi.contract import ModelContract
from shelfscope.seller.reports import ReportContext, parse_report_document
from shelfscope.settings import SandboxSettings, Settings
from tests.component.test_sandbox_spapi_helpers import (
    REPORTS,
    START,
    TERMINAL,
    Connection,
    FakeMonotonic,
    Sandbox,
    assert_matches,
    models,
    sandbox,
    seller,
)

__all__ = ["models", "sandbox", "seller"]

LEDGER = "GET_LEDGER_DETAIL_VIEW_DATA"
ORDERS = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
SETTLEMENT = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2"
FEES = "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA"
CODECS = {"UTF-8": "utf-8", "Cp1252": "cp1252", "Windows-31J": "cp932"}


def _parse(document: httpx.Response, report_type: str, marketplace_id: str) -> list[Any]:
    context = ReportContext(report_type=report_type, marketplace_id=marketplace_id, data_end_time=START)
    return list(
        parse_report_document(
            document.content,
            context=context,
            compression_algorithm="GZIP",
            content_type=document.headers["content-type"],
        )
    )


def _header_file(real_fixtures: Path, name: str) -> str:
    return (real_fixtures / "spapi" / "headers" / f"{name}.tsv").read_text(encoding="utf-8").rstrip("\n")


def test_report_walks_in_queue_in_progress_done_on_the_sandbox_clock(
    sandbox: Sandbox, seller: Connection, models: dict[str, ModelContract]
) -> None:
    end = START - timedelta(days=1)
    created = seller.request(
        "POST",
        f"{REPORTS}/reports",
        json={
            "reportType": LEDGER,
            "marketplaceIds": ["ATVPDKIKX0DER"],
            "dataStartTime": (end - timedelta(days=30)).isoformat(),
            "dataEndTime": end.isoformat(),
        },
    )
    assert created.status_code == 202
    assert created.headers["x-amzn-RateLimit-Limit"] == "0.0167"
    assert_matches(models["reports"], "CreateReportResponse", created.json())
    report_id = created.json()["reportId"]
    seen: list[str] = []
    for _ in range(40):
        report = seller.get(f"{REPORTS}/reports/{report_id}").json()
        assert_matches(models["reports"], "Report", report)
        if not seen or seen[-1] != report["processingStatus"]:
            seen.append(report["processingStatus"])
        if report["processingStatus"] in TERMINAL:
            break
        sandbox.advance(30)
    assert seen == ["IN_QUEUE", "IN_PROGRESS", "DONE"]
    assert report["reportDocumentId"].startswith("amzn1.spdoc.1.4.na.")
    assert report["createdTime"] < report["processingStartTime"] < report["processingEndTime"]
    info, _document = seller.download(report["reportDocumentId"])
    assert_matches(models["reports"], "ReportDocument", info)
    assert info["compressionAlgorithm"] == "GZIP"


def test_report_reaches_done_with_the_clock_running_fast() -> None:
    clock = SandboxClock(start=START, speed=600.0)  # ten minutes of sandbox time per real second
    with (
        SandboxServer(app=create_sandbox_app(clock=clock)) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        connection = Connection(Sandbox(server=server, clock=clock, http=http))
        report_id = connection.create_report(
            ORDERS, start=START - timedelta(days=20), end=START - timedelta(days=1)
        )
        deadline = time.monotonic() + 20
        status = ""
        while time.monotonic() < deadline:
            response = connection.get(f"{REPORTS}/reports/{report_id}")
            if response.status_code == 403:  # an access token lasts six real seconds at this pace
                connection.refresh()
                continue
            status = response.json()["processingStatus"]
            if status in TERMINAL:
                break
            time.sleep(0.02)
        assert status == "DONE"


@pytest.mark.parametrize(
    ("region", "report_type", "marketplace_id", "charset", "layout", "kind"),
    [
        ("NA", LEDGER, "ATVPDKIKX0DER", "UTF-8", "GET_LEDGER_DETAIL_VIEW_DATA__airbyte_schema15_spaces", "inventory_ledger"),
        ("EU", LEDGER, "A1PA6795UKMFR9", "Cp1252", "GET_LEDGER_DETAIL_VIEW_DATA__official14_nospaces", "inventory_ledger"),
        ("FE", LEDGER, "A1VC38T7YXB528", "Windows-31J", "GET_LEDGER_DETAIL_VIEW_DATA__official14_nospaces", "inventory_ledger"),
        ("EU", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA", "A1F83G8C2ARO7P", "Cp1252", "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA__official13", "customer_returns"),
        ("NA", "GET_FBA_REIMBURSEMENTS_DATA", "ATVPDKIKX0DER", "UTF-8", "GET_FBA_REIMBURSEMENTS_DATA__official18", "reimbursements"),
        ("FE", ORDERS, "A1VC38T7YXB528", "Windows-31J", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__official32", "orders"),
        ("EU", ORDERS, "A1PA6795UKMFR9", "UTF-8", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL__official32", "orders"),
    ],
)  # fmt: skip
def test_document_is_gzip_in_its_declared_charset_and_parses_to_the_ground_truth(
    sandbox: Sandbox, real_fixtures: Path, region: str, report_type: str, marketplace_id: str, charset: str, layout: str, kind: str
) -> None:  # fmt: skip
    connection = Connection(sandbox, region=region)
    start, end = START - timedelta(days=90), START - timedelta(days=61)
    document = connection.report_document(report_type, start=start, end=end, marketplace_ids=[marketplace_id])
    assert document.content[:2] == b"\x1f\x8b"
    assert "authorization" not in {name.lower() for name in document.request.headers}
    assert document.headers["content-type"] == f"text/plain; charset={charset}"
    text = gzip.decompress(document.content).decode(CODECS[charset])
    assert text.split("\n", 1)[0] == _header_file(real_fixtures, layout)
    if charset != "UTF-8":
        assert not text.isascii()  # titles, comments or cities that only the declared charset holds

    rows = _parse(document, report_type, marketplace_id)
    truth = ground_truth(sandbox.world, region=region, start=start, end=end).rows[kind]
    expected = truth.by_marketplace[marketplace_id] if kind == "orders" else truth.rows
    assert len(rows) == expected > 0
    assert len({row.entry_key for row in rows}) == len(rows)
    if truth.quantity is not None and kind != "orders":
        assert sum(row.quantity or 0 for row in rows) == truth.quantity


def test_eighteen_months_of_ledger_in_quarterly_windows_add_up_to_the_ground_truth(
    sandbox: Sandbox, seller: Connection
) -> None:
    first = START - timedelta(days=540)
    windows = [
        (first + timedelta(days=90 * index), first + timedelta(days=90 * (index + 1))) for index in range(6)
    ]
    rows: list[Any] = []
    for start, end in windows:
        # Windows include both ends; stop a second short so no movement is in two windows.
        document = seller.report_document(LEDGER, start=start, end=end - timedelta(seconds=1))
        rows += _parse(document, LEDGER, "ATVPDKIKX0DER")
        sandbox.advance(60)  # createReport refills at about one request a minute
    truth = ground_truth(sandbox.world, region="NA", start=first, end=windows[-1][1] - timedelta(seconds=1))
    assert len(rows) == truth.rows["inventory_ledger"].rows
    assert sum(row.quantity for row in rows) == truth.rows["inventory_ledger"].quantity
    assert len({row.entry_key for row in rows}) == len(rows)


def test_fee_preview_is_a_snapshot_of_every_listed_sku_in_the_marketplace_layout(
    sandbox: Sandbox, seller: Connection, real_fixtures: Path
) -> None:
    document = seller.report_document(FEES, start=START - timedelta(hours=73), end=START)
    text = gzip.decompress(document.content).decode("utf-8")
    assert text.split("\n", 1)[0] == _header_file(
        real_fixtures, "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA__caponica_US25"
    )
    rows = _parse(document, FEES, "ATVPDKIKX0DER")
    truth = ground_truth(sandbox.world, region="NA")
    assert len(rows) == truth.rows["fee_preview"].by_marketplace["ATVPDKIKX0DER"]
    planted = {case.sku for case in truth.cases if case.kind.value == "fee_out_of_line"}
    assert len(planted) == 2
    tiers = {row.sku: row.values["product-size-tier"] for row in rows}
    assert {tiers[sku] for sku in planted} == {"Large standard-size"}


def test_fee_preview_starting_within_72_hours_ends_fatal(seller: Connection) -> None:
    report_id = seller.create_report(FEES, start=START - timedelta(hours=24), end=START)
    assert seller.wait(report_id)["processingStatus"] == "FATAL"


@pytest.mark.parametrize(
    ("report_type", "number"),
    [
        ("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2", "1118"),
        ("GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE", "1117"),
    ],
)
def test_settlement_reports_cannot_be_requested(seller: Connection, report_type: str, number: str) -> None:
    response = seller.request(
        "POST", f"{REPORTS}/reports", json={"reportType": report_type, "marketplaceIds": ["ATVPDKIKX0DER"]}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "InvalidInput",
                "message": f"Request for report type {number} is not allowed at this time",
                "details": "",
            }
        ]
    }
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.0167"


def test_an_all_orders_window_over_30_days_finishes_with_date_range_exceeded(seller: Connection) -> None:
    document = seller.report_document(ORDERS, start=START - timedelta(days=60), end=START - timedelta(days=1))
    assert (
        gzip.decompress(document.content)
        == b"Date range exceeded. Report can be requested only upto 30 days\n"
    )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"reportType": LEDGER}, "marketplaceIds"),
        ({"reportType": LEDGER, "marketplaceIds": ["A1PA6795UKMFR9"]}, "Invalid marketplaceIds"),
        ({"reportType": LEDGER, "marketplaceIds": ["ATVPDKIKX0DER"], "dataEndTime": "2026-03-02T00:00:00Z"}, "current date"),
        ({"reportType": LEDGER, "marketplaceIds": ["ATVPDKIKX0DER"], "dataStartTime": "2026-02-20T00:00:00Z", "dataEndTime": "2026-02-10T00:00:00Z"}, "before"),
        ({"reportType": LEDGER, "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"eventType": ""}}, "greater than or equal to 1"),
        ({"marketplaceIds": ["ATVPDKIKX0DER"]}, "reportType"),
    ],
)  # fmt: skip
def test_create_report_rejects_what_the_reports_api_rejects(
    seller: Connection, models: dict[str, ModelContract], body: dict[str, Any], fragment: str
) -> None:
    response = seller.request("POST", f"{REPORTS}/reports", json=body)
    assert response.status_code == 400
    assert_matches(models["reports"], "ErrorList", response.json())
    error = response.json()["errors"][0]
    assert error["code"] == "InvalidInput"
    assert fragment in error["message"] + error["details"]


def test_settlement_reports_are_listed_for_90_days_only(
    sandbox: Sandbox, seller: Connection, models: dict[str, ModelContract]
) -> None:
    def listed() -> list[dict[str, Any]]:
        response = seller.get(f"{REPORTS}/reports", reportTypes=SETTLEMENT, pageSize=100)
        assert response.status_code == 200
        assert_matches(models["reports"], "GetReportsResponse", response.json())
        return list(response.json()["reports"])

    history = sandbox.world.history("NA")
    now = sandbox.clock.now()
    expected = [
        period for period in history.settlements if now - timedelta(days=90) < period.report_created_at <= now
    ]
    reports = listed()
    assert len(reports) == len(expected) > 5
    assert {report["dataStartTime"][:10] for report in reports} == {
        period.start.date().isoformat() for period in expected
    }
    assert all(report["processingStatus"] == "DONE" for report in reports)
    created = [report["createdTime"] for report in reports]
    assert created == sorted(created, reverse=True)

    newest = next(
        period
        for period in expected
        if period.report_created_at == max(p.report_created_at for p in expected)
    )
    report = next(
        report
        for report in reports
        if report["dataStartTime"][:10] == newest.start.date().isoformat()
        and report["marketplaceIds"] == [newest.marketplace_id]
    )
    _info, document = seller.download(report["reportDocumentId"])
    rows = _parse(document, SETTLEMENT, newest.marketplace_id)
    assert len(rows) == len(newest.lines) + 1
    assert sum(row.amount for row in rows if not row.summary) == newest.total

    too_old = seller.get(
        f"{REPORTS}/reports", reportTypes=SETTLEMENT, createdSince=(now - timedelta(days=91)).isoformat()
    )
    assert too_old.status_code == 400

    oldest = min(expected, key=lambda period: period.report_created_at)
    sandbox.advance(timedelta(days=20).total_seconds())
    seller.refresh()
    later = {(report["dataStartTime"][:10], tuple(report["marketplaceIds"])) for report in listed()}
    assert (oldest.start.date().isoformat(), (oldest.marketplace_id,)) not in later


def test_get_reports_pages_with_a_next_token_sent_alone(sandbox: Sandbox, seller: Connection) -> None:
    first = seller.get(f"{REPORTS}/reports", reportTypes=SETTLEMENT, pageSize=2)
    token = first.json()["nextToken"]
    second = seller.get(f"{REPORTS}/reports", nextToken=token)
    assert second.status_code == 200
    first_ids = {report["reportId"] for report in first.json()["reports"]}
    second_ids = {report["reportId"] for report in second.json()["reports"]}
    assert len(first_ids) == len(second_ids) == 2
    assert not first_ids & second_ids
    mixed = seller.get(f"{REPORTS}/reports", nextToken=token, reportTypes=SETTLEMENT)
    assert mixed.status_code == 400
    assert (
        seller.get(f"{REPORTS}/reports").json()["errors"][0]["details"]
        == "Either reportTypes or nextToken is required."
    )


def test_only_queued_reports_can_be_cancelled(
    sandbox: Sandbox, seller: Connection, models: dict[str, ModelContract]
) -> None:
    end = START - timedelta(days=1)
    queued = seller.create_report(LEDGER, start=end - timedelta(days=10), end=end)
    assert seller.request("DELETE", f"{REPORTS}/reports/{queued}").status_code == 200
    cancelled = seller.get(f"{REPORTS}/reports/{queued}").json()
    assert_matches(models["reports"], "Report", cancelled)
    assert cancelled["processingStatus"] == "CANCELLED"
    assert "processingStartTime" not in cancelled
    running = seller.create_report(LEDGER, start=end - timedelta(days=20), end=end)
    sandbox.advance(90)
    assert seller.get(f"{REPORTS}/reports/{running}").json()["processingStatus"] == "IN_PROGRESS"
    assert seller.request("DELETE", f"{REPORTS}/reports/{running}").status_code == 400


def test_unknown_report_ids_are_404_and_malformed_ones_400(seller: Connection) -> None:
    assert seller.get(f"{REPORTS}/reports/12345678901").status_code == 404
    assert seller.get(f"{REPORTS}/reports/badReportId1").status_code == 400
    assert seller.get(f"{REPORTS}/documents/badDocumentId1").status_code == 400


def test_fatal_and_cancelled_are_injected_by_knob_and_by_seeded_rate(
    sandbox: Sandbox, seller: Connection
) -> None:
    end = START - timedelta(days=1)
    sandbox.knobs(force_outcomes=["FATAL", "CANCELLED"])
    forced = [
        seller.create_report(ORDERS, start=end - timedelta(days=d + 1), end=end - timedelta(days=d))
        for d in (1, 2, 3)
    ]
    assert [seller.wait(report_id)["processingStatus"] for report_id in forced] == [
        "FATAL",
        "CANCELLED",
        "DONE",
    ]
    fatal = seller.wait(forced[0])
    assert "reportDocumentId" not in fatal

    sandbox.knobs(fatal_rate=0.5, cancelled_rate=0.25)
    outcomes = []
    for day in range(12):
        sandbox.advance(61)
        report_id = seller.create_report(
            ORDERS, start=end - timedelta(days=day + 10), end=end - timedelta(days=day + 9)
        )
        outcomes.append(seller.wait(report_id)["processingStatus"])
    assert {"FATAL", "CANCELLED", "DONE"} <= set(outcomes)
    assert outcomes == _outcomes_of_a_fresh_sandbox_with_the_same_seed(12)


def _outcomes_of_a_fresh_sandbox_with_the_same_seed(count: int) -> list[str]:
    clock = SandboxClock(start=START, monotonic=FakeMonotonic())
    app = create_sandbox_app(settings=Settings(sandbox=SandboxSettings(seed=7)), clock=clock)
    with SandboxServer(app=app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        sandbox = Sandbox(server=server, clock=clock, http=http)
        sandbox.knobs(force_outcomes=["FATAL", "CANCELLED"])
        connection = Connection(sandbox)
        end = START - timedelta(days=1)
        for days in (1, 2, 3):
            connection.wait(
                connection.create_report(
                    ORDERS, start=end - timedelta(days=days + 1), end=end - timedelta(days=days)
                )
            )
        sandbox.knobs(fatal_rate=0.5, cancelled_rate=0.25)
        outcomes = []
        for day in range(count):
            sandbox.advance(61)
            report_id = connection.create_report(
                ORDERS, start=end - timedelta(days=day + 10), end=end - timedelta(days=day + 9)
            )
            outcomes.append(connection.wait(report_id)["processingStatus"])
        return outcomes


def test_an_identical_request_while_the_first_runs_ends_fatal(seller: Connection) -> None:
    end = START - timedelta(days=1)
    first = seller.create_report(ORDERS, start=end - timedelta(days=7), end=end)
    second = seller.create_report(ORDERS, start=end - timedelta(days=7), end=end)
    assert seller.wait(first)["processingStatus"] == "DONE"
    assert seller.wait(second)["processingStatus"] == "FATAL"


def test_a_window_without_data_is_cancelled(seller: Connection) -> None:
    report_id = seller.create_report(
        "GET_FBA_REIMBURSEMENTS_DATA", start=START - timedelta(minutes=10), end=START
    )
    assert seller.wait(report_id)["processingStatus"] == "CANCELLED"


def test_document_url_needs_no_auth_and_expires_after_five_minutes(
    sandbox: Sandbox, seller: Connection
) -> None:
    report = seller.wait(
        seller.create_report(ORDERS, start=START - timedelta(days=5), end=START - timedelta(days=1))
    )
    info, document = seller.download(report["reportDocumentId"])
    assert document.status_code == 200
    assert "Content-Encoding" not in document.headers
    tampered = httpx.get(info["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0"))
    assert tampered.status_code == 403
    assert "<Code>SignatureDoesNotMatch</Code>" in tampered.text
    sandbox.advance(301)
    expired = httpx.get(info["url"])
    assert expired.status_code == 403
    assert "<Message>Request has expired</Message>" in expired.text

    encoded = seller.get(
        f"{REPORTS}/documents/{report['reportDocumentId']}", enableContentEncodingUrlHeader="true"
    )
    inflated = httpx.get(encoded.json()["url"])  # httpx honours Content-Encoding: no gunzip needed
    assert inflated.headers["content-encoding"] == "gzip"
    assert inflated.content == gzip.decompress(document.content)


def test_create_report_is_throttled_after_its_burst_of_15(sandbox: Sandbox, seller: Connection) -> None:
    end = START - timedelta(days=1)
    for day in range(15):
        seller.create_report(ORDERS, start=end - timedelta(days=day + 1), end=end - timedelta(days=day))
    throttled = seller.request(
        "POST", f"{REPORTS}/reports", json={"reportType": ORDERS, "marketplaceIds": ["ATVPDKIKX0DER"]}
    )
    assert throttled.status_code == 429
    assert throttled.json() == {
        "errors": [
            {
                "code": "QuotaExceeded",
                "message": "You exceeded your quota for the requested resource.",
                "details": "",
            }
        ]
    }
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    assert (
        seller.get(f"{REPORTS}/reports", reportTypes=ORDERS).status_code == 200
    )  # other operations unaffected
    sandbox.advance(60)  # 0.0167 requests per second: one token a minute
    assert seller.create_report(ORDERS, start=end - timedelta(days=40), end=end - timedelta(days=39))
