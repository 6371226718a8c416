"""The cases API and the CSV exports on SQLite and PostgreSQL: roles, isolation, bad input, streaming."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.platform import Platform
from shelfscope.seller import exports
from shelfscope.seller.cases import detect_after_sync, detect_cases, hooks
from shelfscope.seller.models import LedgerEntry, SellerConnection
from shelfscope.settings import Settings
from tests.jobs_support import bus_of, jobs_platform

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
US = "ATVPDKIKX0DER"


@dataclass
class Tenant:
    workspace_id: int
    connection_id: int
    member: dict[str, str]
    viewer: dict[str, str]


def _entry(workspace_id: int, connection_id: int, key: str, **fields: Any) -> LedgerEntry:
    return LedgerEntry(
        workspace_id=workspace_id, connection_id=connection_id, entry_key=key, report_type="test",
        marketplace_id=fields.pop("marketplace_id", US), raw=fields.pop("raw", {}), **fields,
    )  # fmt: skip


def seed_ledger(session: Any, workspace_id: int, connection_id: int) -> None:
    """A loss never reimbursed, a refund never returned, and a fee preview with the price."""
    session.add_all(
        [
            _entry(workspace_id, connection_id, "loss#0", source="inventory_ledger", entry_type="Adjustments",
                   event_time=NOW - timedelta(days=40), sku="US-LAMP", fnsku="X00LAMP", quantity=-1,
                   reference_id="8572076035", raw={"Reason": "M", "Disposition": "SELLABLE"}),
            _entry(workspace_id, connection_id, "refund#0", source="financial_events", entry_type="Refund",
                   amount_type="ItemPrice/Principal", event_time=NOW - timedelta(days=50), sku="US-KETTLE",
                   order_id="111-2222222-3333333", quantity=1, amount=Decimal("-34.99"), currency="USD"),
            _entry(workspace_id, connection_id, "fees#0", source="fee_preview", event_time=NOW - timedelta(days=1),
                   sku="US-LAMP", fnsku="X00LAMP", amount=Decimal("11.37"), currency="USD",
                   raw={"your-price": "39.99", "longest-side": "17.72", "median-side": "5.91",
                        "shortest-side": "3.94", "unit-of-dimension": "inches", "item-package-weight": "1.98",
                        "unit-of-weight": "pounds", "product-size-tier": "Large standard-size",
                        "expected-fulfillment-fee-per-unit": "5.37"}),
        ]
    )  # fmt: skip


def _tenant(platform: Platform, name: str) -> Tenant:
    with platform.db.session() as session:
        owner = create_user(session, email=f"owner@{name.lower()}.example", password="correct-horse-42")
        workspace = create_workspace(session, owner_id=owner.id, name=name)
        principal = Principal(user_id=owner.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
        _, member_key = create_api_key(session, principal=principal, name="m", role=Role.MEMBER, now=NOW)
        _, viewer_key = create_api_key(session, principal=principal, name="v", role=Role.VIEWER, now=NOW)
        connection = SellerConnection(workspace_id=workspace.id, region="NA", selling_partner_id=f"A{name}")
        session.add(connection)
        session.flush()
        seed_ledger(session, workspace.id, connection.id)
        session.flush()
        detect_cases(session, connection_id=connection.id, now=NOW)
        return Tenant(
            workspace_id=workspace.id,
            connection_id=connection.id,
            member={"Authorization": f"Bearer {member_key}"},
            viewer={"Authorization": f"Bearer {viewer_key}"},
        )


@pytest.fixture
def platform(settings: Settings, db: Database) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=FakeClock(NOW)) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def tenants(platform: Platform) -> tuple[Tenant, Tenant]:
    return _tenant(platform, "Acme"), _tenant(platform, "Globex")


def test_cases_list_is_a_filtered_page_of_the_workspaces_cases(
    client: TestClient, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, globex = tenants
    page = client.get("/api/v1/seller/cases", headers=acme.viewer).json()
    assert set(page) == {"items", "total", "limit", "offset"}
    assert page["total"] == 2
    assert {item["kind"] for item in page["items"]} == {"lost_or_damaged", "refund_without_return"}
    assert all(item["connection_id"] == acme.connection_id for item in page["items"])
    lost = client.get("/api/v1/seller/cases", params={"kind": "lost_or_damaged"}, headers=acme.viewer).json()
    (item,) = lost["items"]
    assert Decimal(item["amount"]) == Decimal("39.99") and item["currency"] == "USD"
    assert item["claim_deadline"].startswith(
        (NOW - timedelta(days=40) + timedelta(days=60)).date().isoformat()
    )
    paged = client.get("/api/v1/seller/cases", params={"limit": 1, "offset": 1}, headers=acme.viewer).json()
    assert paged["total"] == 2 and len(paged["items"]) == 1
    assert (
        client.get("/api/v1/seller/cases", params={"status": "paid"}, headers=acme.viewer).json()["total"]
        == 0
    )
    other = client.get("/api/v1/seller/cases", headers=globex.viewer).json()["items"]
    assert not {i["id"] for i in other} & {i["id"] for i in page["items"]}


def test_case_detail_shows_the_evidence_trail(client: TestClient, tenants: tuple[Tenant, Tenant]) -> None:
    acme, globex = tenants
    (refund,) = client.get(
        "/api/v1/seller/cases", params={"kind": "refund_without_return"}, headers=acme.viewer
    ).json()["items"]
    detail = client.get(f"/api/v1/seller/cases/{refund['id']}", headers=acme.viewer).json()
    assert detail["order_id"] == "111-2222222-3333333"
    ((evidence),) = detail["evidence"]
    assert evidence["role"] == "refund" and evidence["entry"]["amount_type"] == "ItemPrice/Principal"
    assert detail["history"][0]["status"] == "open" and detail["history"][0]["by"] is None
    missing = client.get(f"/api/v1/seller/cases/{refund['id']}", headers=globex.viewer)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_members_change_status_viewers_cannot(client: TestClient, tenants: tuple[Tenant, Tenant]) -> None:
    acme, globex = tenants
    case_id = client.get("/api/v1/seller/cases", headers=acme.viewer).json()["items"][0]["id"]
    url = f"/api/v1/seller/cases/{case_id}/status"
    denied = client.post(url, json={"status": "filed"}, headers=acme.viewer)
    assert denied.status_code == 403 and denied.json()["error"] == "permission_denied"
    filed = client.post(url, json={"status": "filed", "note": "Case 1234 opened"}, headers=acme.member)
    assert filed.status_code == 200, filed.text
    assert filed.json()["status"] == "filed" and filed.json()["status_note"] == "Case 1234 opened"
    history = client.get(f"/api/v1/seller/cases/{case_id}", headers=acme.viewer).json()["history"]
    assert history[-1]["note"] == "Case 1234 opened" and history[-1]["status"] == "filed"
    bad = client.post(url, json={"status": "won"}, headers=acme.member)
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
    too_long = client.post(url, json={"status": "paid", "note": "x" * 2001}, headers=acme.member)
    assert too_long.status_code == 422
    assert client.post(url, json={"status": "paid"}, headers=globex.member).status_code == 404


def test_status_survives_detection(
    client: TestClient, tenants: tuple[Tenant, Tenant], platform: Platform
) -> None:
    acme, _ = tenants
    case_id = client.get("/api/v1/seller/cases", headers=acme.viewer).json()["items"][0]["id"]
    client.post(f"/api/v1/seller/cases/{case_id}/status", json={"status": "dismissed"}, headers=acme.member)
    with platform.db.session() as session:
        again = detect_cases(session, connection_id=acme.connection_id, now=NOW + timedelta(days=1))
    assert again.created == 0 and again.found == 2
    assert client.get(f"/api/v1/seller/cases/{case_id}", headers=acme.viewer).json()["status"] == "dismissed"


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_cases_csv_has_one_row_per_case(client: TestClient, tenants: tuple[Tenant, Tenant]) -> None:
    acme, _ = tenants
    rows = _csv(client.get("/api/v1/seller/cases.csv", headers=acme.viewer))
    assert {row["kind"] for row in rows} == {"lost_or_damaged", "refund_without_return"}
    lost = next(row for row in rows if row["kind"] == "lost_or_damaged")
    assert lost["amount"] == "39.99" and lost["currency"] == "USD" and lost["sku"] == "US-LAMP"
    assert _csv(client.get("/api/v1/seller/cases.csv", params={"status": "paid"}, headers=acme.viewer)) == []
    bad = client.get("/api/v1/seller/cases.csv", params={"kind": "nonsense"}, headers=acme.viewer)
    assert bad.status_code == 422


def test_ledger_csv_uses_the_ledger_filters(client: TestClient, tenants: tuple[Tenant, Tenant]) -> None:
    acme, _ = tenants
    for params in ({}, {"sku": "US-LAMP"}, {"source": "fee_preview"}, {"since": "2026-04-20T00:00:00Z"}):
        listed = client.get("/api/v1/seller/ledger", params=params, headers=acme.viewer).json()
        rows = _csv(client.get("/api/v1/seller/ledger.csv", params=params, headers=acme.viewer))
        assert [int(row["id"]) for row in rows] == [item["id"] for item in listed["items"]], params
    (refund,) = _csv(client.get("/api/v1/seller/ledger.csv", params={"order_id": "111-2222222-3333333"},
                                headers=acme.viewer))  # fmt: skip
    assert refund["amount"] == "-34.99" and refund["source"] == "financial_events"
    naive = client.get(
        "/api/v1/seller/ledger.csv", params={"since": "2026-04-20T00:00:00"}, headers=acme.viewer
    )
    assert naive.status_code == 422 and naive.json()["error"] == "invalid_input"
    backwards = client.get(
        "/api/v1/seller/ledger.csv",
        params={"since": "2026-05-01T00:00:00Z", "until": "2026-04-01T00:00:00Z"},
        headers=acme.viewer,
    )
    assert backwards.status_code == 422


def test_csv_is_streamed_in_chunks_from_the_database(
    platform: Platform, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, _ = tenants
    with platform.db.session() as session:
        session.add_all(
            _entry(acme.workspace_id, acme.connection_id, f"order-{n}#0", source="orders", entry_type="Shipped",
                   event_time=NOW - timedelta(hours=n), sku="US-LAMP", order_id=f"order-{n}", quantity=1,
                   amount=Decimal("39.99"), currency="USD")
            for n in range(25)
        )  # fmt: skip
    query = exports.ledger_query(
        workspace_id=acme.workspace_id, filters=exports.LedgerFilters(source="orders")
    )
    chunks = list(exports.stream_csv(platform.db, query, exports.LEDGER_COLUMNS, rows_per_chunk=10))
    assert len(chunks) == 3  # header with rows 1-10, rows 11-20, rows 21-25
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert len(rows) == 25 and rows[0]["order_id"] == "order-0"  # newest first


def test_formula_like_text_is_quoted_in_csv(platform: Platform, tenants: tuple[Tenant, Tenant]) -> None:
    acme, _ = tenants
    with platform.db.session() as session:
        session.add(_entry(acme.workspace_id, acme.connection_id, "evil#0", source="orders", entry_type="Shipped",
                           event_time=NOW, sku="=HYPERLINK(\"x\")", order_id="o-1"))  # fmt: skip
    query = exports.ledger_query(
        workspace_id=acme.workspace_id, filters=exports.LedgerFilters(order_id="o-1")
    )
    (row,) = csv.DictReader(
        io.StringIO("".join(exports.stream_csv(platform.db, query, exports.LEDGER_COLUMNS)))
    )
    assert row["sku"] == '\'=HYPERLINK("x")'


def test_a_detection_failure_never_fails_the_sync(
    platform: Platform, tenants: tuple[Tenant, Tenant], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("rule crashed")

    monkeypatch.setattr(hooks, "detect_cases", broken)
    assert detect_after_sync(platform, connection_id=tenants[0].connection_id) is None


def test_detection_after_a_sync_announces_changed_cases(
    platform: Platform, tenants: tuple[Tenant, Tenant]
) -> None:
    acme, _ = tenants
    with platform.db.session() as session:
        session.add(_entry(acme.workspace_id, acme.connection_id, "loss-2#0", source="inventory_ledger",
                           entry_type="Adjustments", event_time=NOW - timedelta(days=35), sku="US-LAMP",
                           fnsku="X00LAMP", quantity=-1, reference_id="1234567890", raw={"Reason": "E"}))  # fmt: skip
    result = detect_after_sync(platform, connection_id=acme.connection_id)
    assert result is not None and result.created == 1 and result.found == 3
    (event,) = [e for e in bus_of(platform).events if e.type == "data_changed"]
    assert event.workspace_id == acme.workspace_id
    assert event.payload["entity"] == "seller_cases" and len(event.payload["ids"]) == 1
