"""The seller dashboard pages through the real app, against the SP-API sandbox on loopback."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from shelfscope.api.app import create_app
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.jobs.service import list_runs
from shelfscope.sandbox.spapi.world import spapi_world
from shelfscope.seller.backfill.plan import kind_status
from shelfscope.seller.backfill.runner import drive_backfill, run_backfill
from shelfscope.seller.cases import get_case, list_cases
from shelfscope.seller.connections import BACKFILL_KIND, list_connections
from shelfscope.seller.demo import seed_demo, seller_in_sandbox
from shelfscope.seller.models import ConnectionStatus, LedgerEntry, SellerConnection
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, seller_sandbox

PASSWORD = "correct-horse-battery"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
SPEED = 600.0
KINDS = ("inventory_ledger", "reimbursements", "customer_returns", "orders", "fee_preview", "settlement")


@dataclass
class Shop:
    sandbox: SellerSandbox
    workspace_id: int
    other_workspace_id: int


@pytest.fixture
def shop(settings: Settings, db: Database) -> Iterator[Shop]:
    short = settings.model_copy(update={"seller": settings.seller.model_copy(update={"history_months": 3})})
    # The sandbox clock runs fast (the client's rate limits with it); a consent code needs to
    # outlive the round trip through the test client, so it lives an hour of sandbox time.
    with seller_sandbox(short, db, speed=SPEED) as sandbox, sandbox.platform.db.session() as session:
        spapi_world(sandbox.server.context).knobs.update({"auth_code_ttl_seconds": 3600.0})
        owner = create_user(session, email="owner@example.com", password=PASSWORD)
        acme = create_workspace(session, owner_id=owner.id, name="Acme")
        for role in (Role.ADMIN, Role.VIEWER):
            user = create_user(session, email=f"{role.value}@example.com", password=PASSWORD)
            add_member(session, workspace_id=acme.id, user_id=user.id, role=role)
        stranger = create_user(session, email="stranger@example.com", password=PASSWORD)
        other = create_workspace(session, owner_id=stranger.id, name="Other")
        session.commit()
        yield Shop(sandbox, acme.id, other.id)


def _csrf(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


@pytest.fixture
def browser(shop: Shop) -> Iterator[TestClient]:
    with TestClient(create_app(shop.sandbox.platform), headers=BROWSER, follow_redirects=False) as client:
        yield client


def _log_in(client: TestClient, email: str) -> None:
    token = _csrf(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text


def _flashes(client: TestClient, path: str) -> str:
    return client.get(path).text


def _connect(client: TestClient) -> tuple[int, str]:
    """Connect Amazon through the page; returns the connection id and the page it landed on."""
    token = _csrf(client.get("/seller/connect").text)
    started = client.post("/seller/connect", data={"region": "NA", "csrf_token": token})
    assert started.status_code == 303
    consent = httpx.get(started.headers["location"], follow_redirects=False)  # auto-approves
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["location"])
    landed = client.get(f"{callback.path}?{callback.query}")
    assert landed.status_code == 303, landed.text
    location = landed.headers["location"]
    match = re.fullmatch(r"/seller/connections/(\d+)\?run=\d+", location)
    assert match, location
    return int(match.group(1)), location


def test_connect_amazon_goes_through_seller_central_and_lands_on_the_connection(
    shop: Shop, browser: TestClient
) -> None:
    _log_in(browser, "owner@example.com")
    page = browser.get("/seller/connect")
    assert page.status_code == 200
    consent_origin = shop.sandbox.server.url
    assert f"form-action 'self' {consent_origin}" in page.headers["content-security-policy"]
    connection_id, location = _connect(browser)
    landed = browser.get(location)
    assert landed.status_code == 200
    html = landed.text
    assert "Amazon connected (" in html  # the flash carried over the redirect
    seller_id = shop.sandbox.world.seller.selling_partner_id
    assert f"Amazon NA · {seller_id}" in html
    assert "US (amazon.com)" in html
    for kind in KINDS:
        assert f'data-sync-kind="{kind}"' in html
    assert f'data-sync-kinds="{connection_id}"' in html
    assert 'data-seller-status="syncing"' in html
    assert "/jobs/" in html  # the queued backfill run, which the jobs page shows too
    jobs = browser.get("/jobs?kind=seller.backfill").text
    assert f"Amazon NA {seller_id}" in jobs


def test_a_replayed_or_forged_callback_explains_itself_on_the_connect_page(
    shop: Shop, browser: TestClient
) -> None:
    _log_in(browser, "owner@example.com")
    token = _csrf(browser.get("/seller/connect").text)
    started = browser.post("/seller/connect", data={"region": "EU", "csrf_token": token})
    consent = httpx.get(started.headers["location"], follow_redirects=False)
    query = {k: v[0] for k, v in parse_qs(urlsplit(consent.headers["location"]).query).items()}
    assert browser.get("/api/amazon/oauth-callback", params=query).status_code == 303
    replay = browser.get("/api/amazon/oauth-callback", params=query)
    assert replay.headers["location"] == "/seller/connect"
    assert "already used or has expired" in browser.get("/seller/connect").text
    forged = browser.get("/api/amazon/oauth-callback", params={**query, "state": "abc.def"})
    assert forged.headers["location"] == "/seller/connect"
    assert "did not start from this shelfscope" in browser.get("/seller/connect").text
    denied = browser.get(
        "/api/amazon/oauth-callback", params={"state": query["state"], "error": "access_denied"}
    )
    assert denied.headers["location"] == "/seller/connect"
    assert "You did not authorize shelfscope" in browser.get("/seller/connect").text
    fresh = browser.post("/seller/connect", data={"region": "EU", "csrf_token": token})
    issued = httpx.get(fresh.headers["location"], follow_redirects=False).headers["location"]
    stale = {k: v[0] for k, v in parse_qs(urlsplit(issued).query).items()} | {"spapi_oauth_code": "ANexpired"}
    assert browser.get("/api/amazon/oauth-callback", params=stale).headers["location"] == "/seller/connect"
    assert "Amazon did not accept the authorization code" in browser.get("/seller/connect").text
    api = browser.get("/api/amazon/oauth-callback", params=query, headers={"accept": "application/json"})
    assert api.status_code == 409 and api.json()["error"] == "conflict"


def test_reauthorization_needed_offers_a_reconnect_button(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "owner@example.com")
    connection_id, _ = _connect(browser)
    with shop.sandbox.platform.db.session() as session:
        session.execute(
            update(SellerConnection)
            .where(SellerConnection.id == connection_id)
            .values(status=ConnectionStatus.REAUTH_NEEDED.value, last_error="Amazon refused the grant")
        )
    html = browser.get(f"/seller/connections/{connection_id}").text
    assert "Re-authorization needed" in html and "Amazon refused the grant" in html
    reconnect = re.search(r'<form[^>]*action="/seller/connect" data-reconnect>.*?</form>', html, re.S)
    assert reconnect and 'name="region" value="NA"' in reconnect.group(0)
    listing = browser.get("/seller/connections").text
    assert "data-reconnect" in listing


def test_actions_need_the_admin_role_and_the_csrf_token(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "admin@example.com")
    connection_id, _ = _connect(browser)
    base = f"/seller/connections/{connection_id}"
    token = _csrf(browser.get(base).text)
    assert browser.post(f"{base}/pause").status_code == 403  # no CSRF token
    assert browser.post(f"{base}/pause", data={"csrf_token": token}).status_code == 303
    assert 'data-connection-status="paused"' in browser.get(base).text
    assert browser.post(f"{base}/resume", data={"csrf_token": token}).status_code == 303
    tested = browser.post(f"{base}/test", data={"csrf_token": token})
    assert tested.status_code == 303
    assert (
        "the seller participates in" in browser.get(base).text and "ATVPDKIKX0DER" in browser.get(base).text
    )
    with TestClient(create_app(shop.sandbox.platform), headers=BROWSER, follow_redirects=False) as viewer:
        _log_in(viewer, "viewer@example.com")
        page = viewer.get(base).text
        assert "data-connection-actions" not in page
        viewer.post(f"{base}/disconnect", data={"csrf_token": _csrf(page)})
        assert "needs the admin role" in viewer.get(base).text
    assert browser.post(f"{base}/disconnect", data={"csrf_token": token}).status_code == 303
    with shop.sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection_id)
        assert stored is not None
        assert stored.status == "disconnected" and stored.refresh_token is None


def test_another_workspaces_connection_is_not_found(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "owner@example.com")
    connection_id, _ = _connect(browser)
    with TestClient(create_app(shop.sandbox.platform), headers=BROWSER, follow_redirects=False) as other:
        _log_in(other, "stranger@example.com")
        assert other.get(f"/seller/connections/{connection_id}").status_code == 404
        token = _csrf(other.get("/seller/connections").text)
        assert (
            other.post(f"/seller/connections/{connection_id}/test", data={"csrf_token": token}).status_code
            == 404
        )
        assert (
            other.post(f"/seller/connections/{connection_id}/pause", data={"csrf_token": token}).status_code
            == 404
        )
        assert "Amazon NA" not in other.get("/seller/connections").text
        assert other.get(f"/seller/ledger?connection={connection_id}").text.count("data-ledger-entry=") == 0


def _kind_rows(html: str) -> dict[str, tuple[int, int]]:
    found = re.findall(r'data-sync-kind="(\w+)" data-done="(\d+)" data-total="(\d+)"', html)
    return {kind: (int(done), int(total)) for kind, done, total in found}


def _advance(sandbox: SellerSandbox) -> Callable[[timedelta], None]:
    def wait(delta: timedelta) -> None:
        sandbox.clock.advance(delta)

    return wait


def test_backfill_view_and_ledger_explorer_show_what_was_ingested(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "owner@example.com")
    connection_id, _ = _connect(browser)
    sandbox = shop.sandbox
    run_backfill(sandbox.runtime, connection_id=connection_id, max_windows=6)
    with sandbox.platform.db.session() as session:
        statuses = {
            k.kind: (k.windows_done, k.windows_total)
            for k in kind_status(session, connection_id=connection_id)
        }
    midway = browser.get(f"/seller/connections/{connection_id}").text
    assert _kind_rows(midway) == statuses
    assert 'data-seller-status="syncing"' in midway
    summary = drive_backfill(sandbox.runtime, connection_id=connection_id, wait=_advance(sandbox))
    assert summary.errors == [] and summary.next_due_at is None
    html = browser.get(f"/seller/connections/{connection_id}").text
    assert all(done == total > 0 for done, total in _kind_rows(html).values())
    assert 'data-seller-status="synced"' in html

    with shop.sandbox.platform.db.session() as session:
        total = session.scalar(select(func.count()).select_from(LedgerEntry))
        sample = session.scalars(
            select(LedgerEntry).where(LedgerEntry.sku.is_not(None), LedgerEntry.amount.is_not(None)).limit(1)
        ).one()
        same_sku = session.scalar(
            select(func.count())
            .select_from(LedgerEntry)
            .where(
                (LedgerEntry.sku == sample.sku)
                | (LedgerEntry.asin == sample.sku)
                | (LedgerEntry.fnsku == sample.sku)
            )
        )
    assert f"{total:,}" in html  # rows synced for the connection
    page = browser.get("/seller/ledger")
    assert page.status_code == 200
    assert f"of {total} rows" in page.text
    assert page.text.count("data-ledger-entry=") == min(25, int(total or 0))
    by_item = browser.get("/seller/ledger", params={"item": sample.sku, "limit": 200}).text
    assert by_item.count("data-ledger-entry=") == min(200, int(same_sku or 0))
    by_kind = browser.get("/seller/ledger", params={"source": sample.source, "item": sample.sku}).text
    csv_link = re.search(r'href="(/seller/ledger\.csv\?[^"]+)" data-csv-export', by_kind)
    assert csv_link and f"source={sample.source}" in csv_link.group(1)
    assert sample.currency and sample.currency in by_kind
    exported = browser.get(csv_link.group(1).replace("&amp;", "&"))
    assert exported.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(exported.text)))
    assert header[:3] == ["id", "connection_id", "source"]
    shown = re.search(r"of (\d+) rows", by_kind)
    assert shown and len(rows) == int(shown.group(1)) > 0
    assert {row[2] for row in rows} == {sample.source}
    assert browser.get("/seller/ledger", params={"date_from": "yesterday"}).status_code == 422
    empty = browser.get("/seller/ledger", params={"date_from": "2001-01-01", "date_to": "2001-01-31"}).text
    assert "No rows match these filters" in empty


def test_money_is_shown_with_its_currency_and_summed_per_currency(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "owner@example.com")
    connection_id, _ = _connect(browser)
    with shop.sandbox.platform.db.session() as session:
        for index, (amount, currency) in enumerate((("12.10", "USD"), ("-2.05", "USD"), ("7", "CAD"))):
            session.add(
                LedgerEntry(
                    workspace_id=shop.workspace_id,
                    connection_id=connection_id,
                    source="reimbursements",
                    entry_key=f"k{index}",
                    report_type="GET_FBA_REIMBURSEMENTS_DATA",
                    event_time=shop.sandbox.clock.now(),
                    amount=Decimal(amount),
                    currency=currency,
                    entry_type="Lost_Warehouse",
                )
            )
    html = browser.get("/seller/ledger", params={"entry_type": "Lost_Warehouse"}).text
    assert "12.10 USD" in html and "-2.05 USD" in html and "7.00 CAD" in html
    assert "data-ledger-totals" not in html  # kinds overlap: no sum across them
    one_kind = browser.get(
        "/seller/ledger", params={"entry_type": "Lost_Warehouse", "source": "reimbursements"}
    )
    totals = re.search(r"data-ledger-totals>(.*?)</div>\s*<section", one_kind.text, re.S)
    assert totals, "one kind is summed, per currency"
    assert "Sum of Reimbursements · 2 rows" in totals.group(1) and "10.05 USD" in totals.group(1)
    assert "Sum of Reimbursements · 1 rows" in totals.group(1) and "7.00 CAD" in totals.group(1)


def test_nav_and_home_card_lead_to_the_seller_pages(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "owner@example.com")
    home = browser.get("/").text
    assert 'data-nav-key="seller"' in home
    assert 'data-card="seller"' in home and "Connect a Seller Central account" in home
    assert browser.get("/seller").headers["location"] == "/seller/connections"
    assert "No Amazon account connected" in browser.get("/seller/connections").text
    _connect(browser)
    card = browser.get("/").text
    assert re.search(
        r'href="/seller/connections">\s*<span class="stat-label">.*?Connections</span>\s*<span class="stat-value">1<',
        card,
        re.S,
    )


def test_cases_list_detail_and_status_change(shop: Shop, browser: TestClient) -> None:
    _log_in(browser, "owner@example.com")
    connection_id, _ = _connect(browser)
    sandbox = shop.sandbox
    drive_backfill(sandbox.runtime, connection_id=connection_id, wait=_advance(sandbox))
    with sandbox.platform.db.session() as session:
        cases, total = list_cases(session, workspace_id=shop.workspace_id, limit=200)
        open_usd = sum((c.amount or Decimal(0) for c in cases if c.currency == "USD"), Decimal(0))
        first = cases[0]
        evidence = get_case(session, workspace_id=shop.workspace_id, case_id=first.id).evidence
    assert total > 0, "the sandbox plants cases in three months of history"
    listing = browser.get("/seller/cases").text
    assert listing.count("data-case-id=") == total
    stake = re.search(r'data-stake="open">(.*?)</a>', listing, re.S)
    assert stake and f"Open · {total}" in stake.group(1) and f"{open_usd:,.2f} USD" in stake.group(1)
    assert 'href="/api/v1/seller/cases.csv?status=open"' in browser.get("/seller/cases?status=open").text
    assert browser.get("/seller/cases?status=lost").status_code == 422
    home = browser.get("/").text
    assert re.search(rf"Open cases</span>\s*<span class=\"stat-value\">{total}<", home)

    detail = browser.get(f"/seller/cases/{first.id}").text
    assert first.title in detail
    assert detail.count("data-evidence-entry=") == len(evidence) > 0
    token = _csrf(detail)
    moved = browser.post(
        f"/seller/cases/{first.id}/status",
        data={"status": "filed", "note": "Case 1234 opened", "csrf_token": token},
    )
    assert moved.status_code == 303
    after = browser.get(f"/seller/cases/{first.id}").text
    assert 'data-seller-status="filed"' in after and "Case 1234 opened" in after
    bad = browser.post(f"/seller/cases/{first.id}/status", data={"status": "won", "csrf_token": token})
    assert bad.status_code == 303 and "Status must be one of" in browser.get(f"/seller/cases/{first.id}").text
    assert "Filed · 1" in browser.get("/seller/cases").text
    with TestClient(create_app(sandbox.platform), headers=BROWSER, follow_redirects=False) as other:
        _log_in(other, "stranger@example.com")
        assert other.get(f"/seller/cases/{first.id}").status_code == 404
        assert "data-case-id=" not in other.get("/seller/cases").text
    with TestClient(create_app(sandbox.platform), headers=BROWSER, follow_redirects=False) as viewer:
        _log_in(viewer, "viewer@example.com")
        page = viewer.get(f"/seller/cases/{first.id}").text
        assert "data-case-status-form" not in page
        viewer.post(f"/seller/cases/{first.id}/status", data={"status": "paid", "csrf_token": _csrf(page)})
        assert 'data-seller-status="filed"' in viewer.get(f"/seller/cases/{first.id}").text


def test_demo_seed_connects_through_the_sandbox_consent_and_queues_the_backfill(shop: Shop) -> None:
    sandbox = shop.sandbox
    settings = sandbox.platform.settings
    assert not seller_in_sandbox(sandbox.platform)  # sandbox.url unset: a real Seller Central
    demo_settings = settings.model_copy(
        update={"sandbox": settings.sandbox.model_copy(update={"url": sandbox.server.url})}
    )
    demo = dataclasses.replace(sandbox.platform, settings=demo_settings)
    with demo.db.session() as session:
        seed_demo(session, demo, workspace_id=shop.workspace_id, owner_id=1)
    with demo.db.session() as session:
        (connection,) = list_connections(session, workspace_id=shop.workspace_id)
        runs, _ = list_runs(session, workspace_id=shop.workspace_id, kind=BACKFILL_KIND)
        planned = kind_status(session, connection_id=connection.id)
    assert connection.selling_partner_id == sandbox.world.seller.selling_partner_id
    assert connection.status == "active" and "ATVPDKIKX0DER" in connection.marketplace_ids
    assert [run.payload for run in runs] == [{"connection_id": connection.id}]
    assert sum(kind.windows_total for kind in planned) > 0
