"""The shell other features build on: navigation and home-card registries, assets, error pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shelfscope.api.app import create_app
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.errors import InvalidInput, UpstreamUnavailable
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from shelfscope.web.cards import Stat, register_home_card, unregister_home_card
from shelfscope.web.nav import nav_sections, register_nav_section, unregister_nav_section
from tests.support import platform_for

PASSWORD = "correct-horse-battery"
BROWSER = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    with platform_for(settings) as platform:
        with platform.db.session() as session:
            owner = create_user(session, email="owner@example.com", password=PASSWORD, display_name="Olivia")
            create_workspace(session, owner_id=owner.id, name="Acme")
        yield platform


@pytest.fixture
def owner(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), headers=BROWSER, follow_redirects=False) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token
        client.post(
            "/login", data={"email": "owner@example.com", "password": PASSWORD, "csrf_token": token[1]}
        )
        yield client


def _nav_keys(html: str) -> list[str]:
    return re.findall(r'data-nav-key="([^"]+)"', html)


def test_navigation_shows_what_is_registered_and_hides_features_not_built(owner: TestClient) -> None:
    keys = _nav_keys(owner.get("/").text)
    registered = [s.key for _, group in nav_sections(role=Role.OWNER) for s in group]
    assert keys == registered
    platform_keys = ["overview", "jobs", "notifications", "settings"]
    assert [key for key in keys if key in platform_keys] == platform_keys
    assert {"amc", "leads", "products"}.isdisjoint(keys)  # not built: no section, not a dead link
    assert 'aria-current="page"' in owner.get("/jobs").text.split('data-nav-key="jobs"')[1][:40]


def test_a_feature_adds_its_section_with_one_registration(owner: TestClient) -> None:
    before = _nav_keys(owner.get("/").text)
    register_nav_section(key="amc", title="AMC", url="/amc", icon="cloud", order=99, min_role=Role.ADMIN)
    try:
        html = owner.get("/").text
        keys = _nav_keys(html)
        assert [k for k in keys if k != "amc"] == before
        assert '<div class="nav-group-title">Data</div>' in html
        features = [
            s.key for _, group in nav_sections(role=Role.OWNER) for s in group if s.group == "features"
        ]
        assert features[-1] == "amc"
        viewer = [s.key for _, group in nav_sections(role=Role.VIEWER) for s in group]
        assert "amc" not in viewer
    finally:
        unregister_nav_section("amc")
    assert _nav_keys(owner.get("/").text) == before


def test_nav_registration_refuses_unknown_icons_and_groups() -> None:
    with pytest.raises(InvalidInput, match="unknown nav icon"):
        register_nav_section(key="x", title="X", url="/x", icon="rocket")
    with pytest.raises(InvalidInput, match="unknown nav group"):
        register_nav_section(key="x", title="X", url="/x", group="misc")


def _ranks_card(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    return {
        "stats": [Stat(label="Tracked keywords", value=42, url="/ranks"), Stat(label="Improved", value=7)]
    }


def _broken_card(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    raise UpstreamUnavailable("the rank store is unreachable")


def test_home_cards_from_features_render_and_a_failing_one_is_contained(owner: TestClient) -> None:
    register_home_card(
        key="ranks", title="Keyword ranks", load=_ranks_card, url="/ranks", icon="trend", order=1
    )
    register_home_card(key="broken", title="Products", load=_broken_card, icon="box", order=2)
    try:
        response = owner.get("/")
    finally:
        unregister_home_card("ranks")
        unregister_home_card("broken")
    assert response.status_code == 200
    ranks = response.text.split('data-card="ranks"')[1].split("</section>")[0]
    assert "Tracked keywords" in ranks and ">42<" in ranks and 'href="/ranks"' in ranks
    broken = response.text.split('data-card="broken"')[1].split("</section>")[0]
    assert "the rank store is unreachable" in broken
    assert 'data-card="ranks"' not in owner.get("/").text


def test_static_assets_are_served_with_cache_busting_versions(owner: TestClient) -> None:
    html = owner.get("/").text
    css_url = re.search(r'href="(/static/css/shelfscope\.css\?v=[0-9a-f]{10})"', html)
    js_url = re.search(r'src="(/static/js/shelfscope\.js\?v=[0-9a-f]{10})"', html)
    assert css_url and js_url
    css, js = owner.get(css_url[1]), owner.get(js_url[1])
    assert css.status_code == js.status_code == 200
    assert css.headers["content-type"].startswith("text/css") and ".sidebar" in css.text
    assert "javascript" in js.headers["content-type"] and "LiveConnection" in js.text
    assert 'name="live-url" content="/api/v1/ws"' in html
    assert owner.get("/static/../settings.py").status_code == 404


def test_pages_carry_a_csrf_meta_tag_for_scripts_and_a_strict_csp(owner: TestClient) -> None:
    response = owner.get("/")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', response.text)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert token and form_token and token[1] == form_token[1]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_fetch_with_the_csrf_header_is_accepted(owner: TestClient) -> None:
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', owner.get("/").text)
    assert token
    refused = owner.post("/api/v1/notifications/read-all", headers={"accept": "application/json"})
    accepted = owner.post(
        "/api/v1/notifications/read-all", headers={"accept": "application/json", "X-CSRF-Token": token[1]}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"
    assert accepted.status_code == 200


def test_a_tampered_flash_cookie_is_ignored(owner: TestClient) -> None:
    owner.cookies.set("shelfscope_flash", "W1siZXJyb3IiLCAiSGFja2VkIl1d.0000000000000000")
    assert "Hacked" not in owner.get("/").text


def test_wrong_method_on_a_page_is_a_friendly_405(owner: TestClient) -> None:
    response = owner.get("/logout")
    assert response.status_code == 405
    assert "That action is not available here" in response.text
