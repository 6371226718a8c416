"""The SP-API sandbox's ground truth over HTTP, its connector settings and real host names."""

from __future__ import annotations

from shelfscope.sandbox.spapi import DEMO_APP, CaseKind, ground_truth
from tests.component.test_sandbox_spapi_helpers import START, Connection, Sandbox, sandbox

__all__ = ["sandbox"]

KINDS = {
    "inventory_ledger",
    "reimbursements",
    "customer_returns",
    "orders",
    "fee_preview",
    "settlement",
    "financial_events",
}


def test_truth_endpoint_gives_rows_per_kind_and_every_kind_of_planted_case(sandbox: Sandbox) -> None:
    response = sandbox.http.get("/spapi/_truth", params={"region": "EU"})
    assert response.status_code == 200
    body = response.json()
    python = ground_truth(sandbox.server.context, region="EU")
    assert body["summary"] == python.summary()
    assert set(body["rows"]) == KINDS
    assert all(body["rows"][kind]["rows"] > 0 for kind in KINDS)
    assert body["as_of"] == START.isoformat()
    assert {case["kind"] for case in body["cases"]} == {kind.value for kind in CaseKind}
    assert {case["label"] for case in body["cases"]} == {
        "lost/damaged with no reimbursement within 30 days",
        "refunded but not returned within 45 days",
        "reimbursement reversed",
        "fee out of line with size tier",
    }
    lost = next(case for case in body["cases"] if case["kind"] == "lost_damaged_not_reimbursed")
    assert set(lost["ids"]) == {"reference_id", "reason"}
    assert lost["due_at"] <= body["as_of"]


def test_cases_become_due_as_the_sandbox_clock_moves(sandbox: Sandbox) -> None:
    before = ground_truth(sandbox.server.context, region="NA")
    sandbox.advance(60 * 86400)
    after = ground_truth(sandbox.server.context, region="NA")
    assert len(after.cases) > len(before.cases)
    assert after.rows["orders"].rows > 0


def test_truth_rejects_unknown_regions_and_bad_times(sandbox: Sandbox) -> None:
    assert sandbox.http.get("/spapi/_truth", params={"region": "XX"}).status_code == 422
    assert sandbox.http.get("/spapi/_truth", params={"start": "yesterday"}).status_code == 422


def test_connector_settings_point_at_lwa_seller_central_and_each_region(sandbox: Sandbox) -> None:
    urls = sandbox.server.connector_urls()
    root = sandbox.server.url
    assert urls["lwa"] == f"{root}/lwa"
    assert {urls[f"spapi_{region}"] for region in ("na", "eu", "fe")} == {
        f"{root}/spapi/{r}" for r in ("na", "eu", "fe")
    }
    assert urls["seller_central_eu"] == f"{root}/lwa/eu"


def test_real_host_names_reach_the_simulators(sandbox: Sandbox) -> None:
    token = sandbox.http.post(
        "/auth/o2/token",
        headers={"Host": "api.amazon.com"},
        data={
            "grant_type": "refresh_token",
            "refresh_token": Connection(sandbox).refresh_token,
            "client_id": DEMO_APP.client_id,
            "client_secret": DEMO_APP.client_secret,
        },
    )
    assert token.status_code == 200
    participations = sandbox.http.get(
        "/sellers/v1/marketplaceParticipations",
        headers={
            "Host": "sellingpartnerapi-na.amazon.com",
            "x-amz-access-token": token.json()["access_token"],
        },
    )
    assert participations.status_code == 200
    assert participations.json()["payload"][0]["marketplace"]["domainName"] == "www.amazon.com"
