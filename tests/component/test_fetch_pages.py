"""Fetch dashboard pages through the real app: Settings → Proxies with a real connection test
through a sandbox forward proxy, the health panel, the request log's filters, roles and CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfscope.api.app import create_app
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.fetch.models_db import ProxyConfig, RequestLogEntry, UsageThreshold
from shelfscope.fetch.requestlog import log_row
from shelfscope.fetch.signals import Outcome, RequestRecord
from shelfscope.platform import Platform
from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.proxies import fleet_of, proxies_simulator
from shelfscope.settings import Settings
from tests.support import platform_for

PASSWORD = "correct-horse-battery"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Team:
    workspace_id: int
    proxy_id: int
    other_proxy_id: int


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(app=create_sandbox_app(simulators=[proxies_simulator(count=1)]))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def platform(settings: Settings, sandbox: SandboxServer) -> Iterator[Platform]:
    # An hour's cooldown: the proxy that failed a minute ago is still dead when the page is read.
    fetch = settings.fetch.model_copy(update={"proxy_cooldown_seconds": 3600.0})
    sandbox_settings = settings.sandbox.model_copy(update={"url": sandbox.url})
    sandboxed = settings.model_copy(update={"sandbox": sandbox_settings, "fetch": fetch})
    with platform_for(sandboxed) as platform:
        yield platform


def _record(at: datetime, *, host: str = "www.amazon.de", **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "at": at,
        "run_id": "run-a",
        "site": "amazon",
        "marketplace": "DE",
        "method": "GET",
        "host": host,
        "path": "/s",
        "status": 200,
        "latency": 0.4,
        "duration": 0.4,
        "bytes_in": 1_500_000,
        "bytes_out": 500_000,
        "attempts": 1,
        "identity_id": None,
        "session_id": "s1",
        "proxy_id": None,
        "blocked": False,
        "block_kind": None,
        "outcome": Outcome.SUCCEEDED,
        "error": None,
    }
    fields.update(changes)
    return fields


@pytest.fixture
def team(platform: Platform) -> Team:
    """Acme (owner, admin, viewer) with one priced proxy and a day of fetches; Beta with its own proxy."""
    now = datetime.now(UTC)
    with platform.db.session() as session:
        owner = create_user(session, email="owner@example.com", password=PASSWORD)
        acme = create_workspace(session, owner_id=owner.id, name="Acme")
        beta = create_workspace(session, owner_id=owner.id, name="Beta")
        for role in (Role.ADMIN, Role.VIEWER):
            user = create_user(session, email=f"{role.value}@example.com", password=PASSWORD)
            add_member(session, workspace_id=acme.id, user_id=user.id, role=role)
        proxy = ProxyConfig(
            workspace_id=acme.id,
            name="resi-de",
            provider="oxylabs",
            host="pr.oxylabs.io",
            port=7777,
            username="customer-acme",
            cost_per_gb=Decimal("10"),
        )
        other = ProxyConfig(
            workspace_id=beta.id, name="beta-only", provider="custom", host="10.0.0.9", port=3128
        )
        session.add_all([proxy, other])
        session.flush()
        pid = str(proxy.id)
        records = [
            _record(now - timedelta(minutes=50), proxy_id=pid),
            _record(now - timedelta(minutes=40), proxy_id=pid),
            _record(
                now - timedelta(minutes=30), proxy_id=pid, blocked=True, block_kind="captcha", status=200
            ),
            *(
                _record(
                    now - timedelta(minutes=m),
                    proxy_id=pid,
                    status=None,
                    outcome=Outcome.FAILED,
                    error="proxy_failed",
                    bytes_in=0,
                    bytes_out=0,
                )
                for m in (3, 2, 1)
            ),
            _record(
                now - timedelta(minutes=20),
                host="shopee.sg",
                status=503,
                outcome=Outcome.FAILED,
                error="server_error",
                run_id="run-b",
            ),
            _record(now - timedelta(days=3), host="www.amazon.com"),
        ]
        for fields in records:
            row = log_row(
                RequestRecord(**fields),
                workspace_id=acme.id,
                provider="oxylabs" if fields["proxy_id"] else None,
            )
            session.add(RequestLogEntry(**row))
        session.add(
            RequestLogEntry(
                **log_row(
                    RequestRecord(**_record(now, host="beta.example")), workspace_id=beta.id, provider=None
                )
            )
        )
        return Team(workspace_id=acme.id, proxy_id=proxy.id, other_proxy_id=other.id)


def _csrf(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


class Browsers(dict[str, TestClient]):
    """A signed-in browser per role, logged in on first use."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform

    def __missing__(self, role: str) -> TestClient:
        client = TestClient(create_app(self.platform), headers=BROWSER, follow_redirects=False)
        client.__enter__()
        form = client.get("/login")
        response = client.post(
            "/login",
            data={
                "email": f"{role}@example.com",
                "password": PASSWORD,
                "csrf_token": _csrf(form.text),
                "next": "/",
            },
        )
        assert response.status_code == 303, response.text
        self[role] = client
        return client


@pytest.fixture
def signed_in(platform: Platform, team: Team) -> Iterator[Browsers]:
    browsers = Browsers(platform)
    yield browsers
    for client in browsers.values():
        client.__exit__(None, None, None)


def _post(client: TestClient, path: str, form: dict[str, str] | None = None) -> str:
    """POST a form like the page does; returns the page the redirect leads to (with its flash)."""
    token = _csrf(client.get("/settings/proxies").text)
    response = client.post(path, data={**(form or {}), "csrf_token": token})
    assert response.status_code == 303, response.text
    return client.get(response.headers["location"]).text


def _row(html: str, proxy_id: int) -> str:
    match = re.search(rf'<tr data-proxy-id="{proxy_id}".*?</tr>', html, re.S)
    assert match, f"proxy {proxy_id} is not listed"
    return match.group(0)


def test_proxies_tab_shows_health_usage_and_cost_from_the_log(signed_in: Browsers, team: Team) -> None:
    html = signed_in["viewer"].get("/settings/proxies").text
    row = _row(html, team.proxy_id)
    assert 'data-proxy-state="cooldown"' in row, "three proxy failures in a row: dead, as the pool decides"
    assert "Oxylabs" in row and "per marketplace" in row
    assert "50.0 % ok <span" in row, "3 of 6 requests through it succeeded"
    assert "6.00 MB" in row and "$0.06" in row, "2 MB for each of 3 pages (failures moved none), at $10/GB"
    assert "beta-only" not in html, "another workspace's proxy is not listed"
    assert re.search(r'href="/settings/proxies" aria-current="page">.*?Proxies</a>', html), "its settings tab"


def test_health_panel_breaks_the_score_down_and_lists_top_errors(signed_in: Browsers) -> None:
    html = signed_in["viewer"].get("/fetch").text
    # 7 requests in 24 h: 3 succeeded, 1 of them blocked, 3 proxy failures and a 503.
    assert 'data-health-score="' in html
    factors = re.findall(r'<tr data-factor="(\w+)">', html)
    assert factors == ["success", "latency", "block_avoidance", "active_jobs"]
    assert "40 %" in html and "30 %" in html and "20 %" in html and "10 %" in html
    errors = re.search(r"<table[^>]*data-top-errors.*?</table>", html, re.S)
    assert errors is not None
    names = re.findall(r"<code>([\w]+)</code>", errors.group(0))
    assert names == ["proxy_failed", "server_error", "captcha"]
    assert "14.3 %" in html, "block rate: 1 of 7"
    assert "6.00 MB" in html, "today's oxylabs traffic"


def test_home_card_shows_the_health_score(signed_in: Browsers) -> None:
    html = signed_in["viewer"].get("/").text
    assert "Fetch health" in html and "Health score" in html and 'href="/fetch"' in html
    assert 'data-nav-key="fetch"' in html


def test_request_log_filters_and_pages_newest_first(signed_in: Browsers, team: Team) -> None:
    viewer = signed_in["viewer"]

    def hosts(query: str) -> list[str]:
        return re.findall(r'data-host="([^"]+)"', viewer.get(f"/fetch/requests{query}").text)

    everything = hosts("")
    assert len(everything) == 8 and everything[0] == "www.amazon.de" and everything[-1] == "www.amazon.com"
    assert "beta.example" not in everything
    assert hosts("?host=shopee.sg") == ["shopee.sg"]
    assert hosts("?status=503") == ["shopee.sg"]
    assert hosts("?blocked=yes") == ["www.amazon.de"]
    assert len(hosts("?outcome=failed")) == 4
    assert len(hosts(f"?proxy={team.proxy_id}")) == 6
    assert hosts("?run_id=run-b") == ["shopee.sg"]
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert hosts(f"?until={two_days_ago}") == ["www.amazon.com"]
    assert len(hosts(f"?since={two_days_ago}")) == 7
    page = viewer.get("/fetch/requests?limit=3&offset=3").text
    assert "4–6 of 8 requests" in page and 'rel="prev"' in page and 'rel="next"' in page
    odd = viewer.get("/fetch/requests?status=abc&since=yesterday")
    assert odd.status_code == 200 and odd.text.count("Filter ignored") == 2
    assert len(re.findall(r'data-host="', odd.text)) == 8


def test_admin_adds_a_custom_proxy_by_url_tests_it_and_switches_it(
    signed_in: Browsers, platform: Platform, sandbox: SandboxServer
) -> None:
    exit_proxy = fleet_of(sandbox.context).proxies[0]
    exit_proxy.behaviour.username, exit_proxy.behaviour.password = "ops", "s3cret-pass"
    admin = signed_in["admin"]
    page = _post(
        admin,
        "/settings/proxies",
        {
            "name": "sandbox exit",
            "provider": "custom",
            "url": f"http://ops:s3cret-pass@127.0.0.1:{exit_proxy.port}",
            "cost_per_gb": "4.5",
        },
    )
    assert "Proxy sandbox exit added" in page and "s3cret-pass" not in page
    with platform.db.session() as session:
        proxy = session.scalars(select(ProxyConfig).where(ProxyConfig.name == "sandbox exit")).one()
        assert (proxy.host, proxy.port, proxy.username, proxy.cost_per_gb) == (
            "127.0.0.1",
            exit_proxy.port,
            "ops",
            Decimal("4.5"),
        )
        assert proxy.password is not None and "s3cret-pass" not in proxy.password, "stored encrypted"
    tested = _post(admin, f"/settings/proxies/{proxy.id}/test")
    assert re.search(r"sandbox exit works: \d+ ms, exit US · 127\.0\.0\.1", tested)
    assert exit_proxy.counters.requests == 1
    row = _row(tested, proxy.id)
    assert "OK</span>" in row and "exit US" in row
    assert "Disabled" in _row(_post(admin, f"/settings/proxies/{proxy.id}/disable"), proxy.id)
    assert 'data-proxy-state="idle"' in _row(_post(admin, f"/settings/proxies/{proxy.id}/enable"), proxy.id)
    removed = _post(admin, f"/settings/proxies/{proxy.id}/remove")
    assert "sandbox exit removed" in removed and f'data-proxy-id="{proxy.id}"' not in removed


def test_a_failed_connection_test_says_why(
    signed_in: Browsers, sandbox: SandboxServer, platform: Platform
) -> None:
    exit_proxy = fleet_of(sandbox.context).proxies[0]
    exit_proxy.behaviour.username, exit_proxy.behaviour.password = "ops", "right-pass"
    admin = signed_in["admin"]
    _post(
        admin,
        "/settings/proxies",
        {"name": "wrong pass", "url": f"http://ops:nope@127.0.0.1:{exit_proxy.port}"},
    )
    with platform.db.session() as session:
        proxy_id = session.scalars(select(ProxyConfig.id).where(ProxyConfig.name == "wrong pass")).one()
    page = _post(admin, f"/settings/proxies/{proxy_id}/test")
    assert "wrong pass failed its test:" in page and "Failed</span>" in _row(page, proxy_id)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"name": "x", "provider": "custom", "host": "10.0.0.1", "port": "99999"},
            "port must be a whole number",
        ),
        ({"name": "x", "provider": "tor"}, "unknown provider"),
        ({"name": "x", "provider": "oxylabs", "url": "http://a:b@h:1"}, "a proxy URL is for custom proxies"),
        ({"name": "x", "provider": "custom", "url": "ftp://h:21"}, "a proxy URL looks like"),
        ({"name": "x", "provider": "bright_data"}, "needs its account username"),
        (
            {"name": "x", "provider": "custom", "host": "h", "port": "1", "cost_per_gb": "cheap"},
            "cost per GB",
        ),
        ({"name": "resi-de", "provider": "custom", "host": "h", "port": "1"}, "already exists"),
    ],
)
def test_bad_proxy_forms_are_explained_and_change_nothing(
    signed_in: Browsers, platform: Platform, form: dict[str, str], message: str
) -> None:
    page = _post(signed_in["owner"], "/settings/proxies", form)
    assert message.lower() in unescape(page).lower()
    with platform.db.session() as session:
        assert session.scalars(select(ProxyConfig.name).where(ProxyConfig.name == "x")).all() == []


def test_admin_sets_a_bandwidth_threshold(signed_in: Browsers, platform: Platform, team: Team) -> None:
    page = _post(
        signed_in["admin"], "/settings/proxies/thresholds", {"provider": "oxylabs", "mb_per_day": "5"}
    )
    assert "Oxylabs: alert above 5 MB a day" in page
    assert re.search(r"<td data-label=\"Used today\">6\.0 MB</td>", page)
    with platform.db.session() as session:
        assert session.scalars(select(UsageThreshold.mb_per_day)).all() == [5]


def test_viewers_see_no_forms_and_cannot_post(signed_in: Browsers, platform: Platform, team: Team) -> None:
    viewer = signed_in["viewer"]
    html = viewer.get("/settings/proxies").text
    assert 'method="post" action="/settings/proxies' not in html and "data-proxy-form" not in html
    token = _csrf(viewer.get("/").text)
    for path in (f"/settings/proxies/{team.proxy_id}/disable", "/settings/proxies"):
        response = viewer.post(path, data={"csrf_token": token, "name": "v", "host": "h", "port": "1"})
        assert response.status_code == 403 and "needs the admin role" in response.text
    with platform.db.session() as session:
        assert session.get_one(ProxyConfig, team.proxy_id).enabled is True
        assert session.scalar(select(ProxyConfig.id).where(ProxyConfig.name == "v")) is None


def test_forms_without_csrf_are_refused(signed_in: Browsers, platform: Platform, team: Team) -> None:
    owner = signed_in["owner"]
    for path in (f"/settings/proxies/{team.proxy_id}/remove", f"/settings/proxies/{team.proxy_id}/disable"):
        for data in ({}, {"csrf_token": "forged"}):
            assert owner.post(path, data=data).status_code == 403
    with platform.db.session() as session:
        assert session.get_one(ProxyConfig, team.proxy_id).enabled is True


def test_another_workspaces_proxy_is_a_404(signed_in: Browsers, platform: Platform, team: Team) -> None:
    owner = signed_in["owner"]  # owns Beta too, but is looking at Acme
    token = _csrf(owner.get("/settings/proxies").text)
    for action in ("disable", "remove", "test"):
        response = owner.post(f"/settings/proxies/{team.other_proxy_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    with platform.db.session() as session:
        assert session.get_one(ProxyConfig, team.other_proxy_id).enabled is True


def test_admin_changes_a_proxys_price_and_the_estimate_follows(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    admin = signed_in["admin"]
    page = _post(admin, f"/settings/proxies/{team.proxy_id}/price", {"cost_per_gb": "20"})
    assert "resi-de now costs $20.00 per GB" in page
    assert "$0.12" in _row(page, team.proxy_id), "6 MB at $20/GB"
    refused = _post(admin, f"/settings/proxies/{team.proxy_id}/price", {"cost_per_gb": "free"})
    assert "Cost per GB must be a number" in refused
    with platform.db.session() as session:
        assert session.get_one(ProxyConfig, team.proxy_id).cost_per_gb == Decimal(20)
