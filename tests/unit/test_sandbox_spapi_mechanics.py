"""Small mechanisms of the SP-API sandbox: model checks, token buckets, knobs, presigned URLs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shelfscope.errors import InvalidInput
from shelfscope.sandbox.spapi.contract import ModelContract
from shelfscope.sandbox.spapi.document_store import DocumentStore, DownloadRefused, StoredDocument
from shelfscope.sandbox.spapi.knobs import SpapiKnobs
from shelfscope.sandbox.spapi.operations import OPERATIONS
from shelfscope.sandbox.spapi.ratelimit import RateLimiter
from shelfscope.sandbox.spapi.render.charsets import UTF8
from shelfscope.sandbox.spapi.timefmt import parse_time

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def reports_model(real_fixtures: Path) -> ModelContract:
    return ModelContract.load(
        real_fixtures.parent / "reference" / "spapi" / "models" / "reports_2021-06-30.json"
    )


def test_model_contract_names_missing_required_fields_and_values_outside_enums(
    reports_model: ModelContract,
) -> None:
    report = {
        "reportId": "1",
        "reportType": "X",
        "createdTime": "2026-01-01T00:00:00Z",
        "processingStatus": "DONE",
    }
    assert reports_model.errors("Report", report) == []
    assert reports_model.errors("Report", {**report, "processingStatus": "DONE_NO_DATA"}) == [
        "$.processingStatus: 'DONE_NO_DATA' is not one of ['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE']"
    ]
    incomplete = {key: value for key, value in report.items() if key != "createdTime"}
    assert reports_model.errors("Report", incomplete) == ["$: missing required property 'createdTime'"]
    listing = {"reports": [report, {"reportId": 5}]}
    assert "$.reports[1].reportId: expected string, got int" in reports_model.errors(
        "GetReportsResponse", listing
    )
    spec = {"reportType": "X", "marketplaceIds": []}
    assert reports_model.errors("CreateReportSpecification", spec) == ["$.marketplaceIds: fewer than 1 items"]


def test_token_bucket_allows_the_burst_then_refills_at_the_rate_in_sandbox_time() -> None:
    limiter, create = RateLimiter(), OPERATIONS["createReport"]
    key = ("app", "seller", "NA", "createReport")
    assert all(limiter.take(key, create, now=NOW) for _ in range(15))
    assert not limiter.take(key, create, now=NOW)
    assert not limiter.take(key, create, now=NOW + timedelta(seconds=59))
    assert limiter.take(key, create, now=NOW + timedelta(seconds=61))
    assert limiter.take(("app", "other seller", "NA", "createReport"), create, now=NOW)


def test_knobs_change_all_or_nothing_and_refuse_unknown_names_or_bad_values() -> None:
    knobs = SpapiKnobs()
    with pytest.raises(InvalidInput):
        knobs.update({"fatal_rate": 0.5, "cancelled_rate": 2})
    assert knobs.fatal_rate == 0.0
    with pytest.raises(InvalidInput):
        knobs.update({"force_outcomes": ["DONE_NO_DATA"]})
    with pytest.raises(InvalidInput):
        knobs.update({"_lock": None})
    knobs.update({"force_outcomes": ["FATAL", "DONE"], "auto_approve": False})
    assert [knobs.next_forced_outcome(), knobs.next_forced_outcome(), knobs.next_forced_outcome()] == [
        "FATAL",
        "DONE",
        None,
    ]
    assert knobs.as_json()["auto_approve"] is False


def test_presigned_document_urls_check_signature_and_expiry() -> None:
    store = DocumentStore()
    document = StoredDocument(
        document_id="amzn1.spdoc.1.4.na.x",
        key="tortuga-prod-na/abc",
        selling_partner_id="A1",
        region="NA",
        body=b"\x1f\x8b",
        charset=UTF8,
        expires_at=NOW + timedelta(days=90),
    )
    store.add(document)
    query = store.presign(document, now=NOW, ttl=300, gzip_encoding=False)
    assert store.open(document.key, query, now=NOW + timedelta(seconds=299)) == (document, False)
    with pytest.raises(DownloadRefused, match="Request has expired"):
        store.open(document.key, query, now=NOW + timedelta(seconds=301))
    with pytest.raises(DownloadRefused) as refused:
        store.open(document.key, {**query, "X-Amz-Expires": "99999"}, now=NOW)
    assert refused.value.code == "SignatureDoesNotMatch"
    with pytest.raises(DownloadRefused) as gone:
        store.open(
            document.key,
            store.presign(document, now=NOW + timedelta(days=91), ttl=300, gzip_encoding=False),
            now=NOW + timedelta(days=91),
        )
    assert gone.value.status == 404


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01T12:00:00Z",
        "2026-03-01T12:00:00+00:00",
        "2026-03-01T13:00:00+01:00",
        "2026-03-01T12:00:00",
        "2026-03-01T12:00:00.000Z",
    ],
)
def test_times_in_every_shape_clients_send_are_read_as_utc(text: str) -> None:
    assert parse_time(text) == NOW
