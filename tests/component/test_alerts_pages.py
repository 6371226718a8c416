"""The alert pages through the real app: Settings → Alerts and a job's alert rules, with CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfscope.alerts.models import AlertChannel
from shelfscope.api.app import create_app
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.platform import Platform
from shelfscope.ranks import jobs
from shelfscope.ranks.alert_rules import RankAlertRule
from shelfscope.settings import Settings
from tests.alerts_support import webhook_receiver
from tests.support import platform_for

PASSWORD = "correct-horse-battery"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    tuned = settings.model_copy(
        update={"alerts": settings.alerts.model_copy(update={"allow_private_targets": True})}
    )
    with platform_for(tuned) as platform:
        yield platform


@pytest.fixture
def job_id(platform: Platform) -> int:
    with platform.db.session() as session:
        owner = create_user(session, email="admin@example.com", password=PASSWORD)
        acme = create_workspace(session, owner_id=owner.id, name="Acme")
        viewer = create_user(session, email="viewer@example.com", password=PASSWORD)
        add_member(session, workspace_id=acme.id, user_id=viewer.id, role=Role.VIEWER)
        job = jobs.create_job(
            session, platform, workspace_id=acme.id, asin="B0D7KQ3M2X", marketplace="DE", keywords=["flasche"]
        )
        return job.id


def _browser(platform: Platform, email: str) -> TestClient:
    client = TestClient(create_app(platform), headers=BROWSER, follow_redirects=False)
    client.__enter__()
    form = client.get("/login")
    token = CSRF_INPUT.search(form.text)
    assert token
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303
    return client


def _csrf(client: TestClient, path: str) -> str:
    match = CSRF_INPUT.search(client.get(path).text)
    assert match, f"{path} has no CSRF field"
    return match.group(1)


def test_an_admin_adds_tests_pauses_and_removes_a_webhook(platform: Platform, job_id: int) -> None:
    admin = _browser(platform, "admin@example.com")
    page = admin.get("/settings/alerts")
    assert page.status_code == 200 and 'href="/settings/alerts" aria-current="page"' in page.text
    token = _csrf(admin, "/settings/alerts")
    with webhook_receiver() as receiver:
        form = {"kind": "webhook", "name": "Team hook", "url": receiver.url, "webhook_format": "json",
                "signing_secret": "form-secret-123", "csrf_token": token}  # fmt: skip
        assert admin.post("/settings/alerts/channels", data=form).status_code == 303
        with platform.db.session() as session:
            channel = session.scalars(select(AlertChannel)).one()
        shown = admin.get("/settings/alerts").text
        assert "Team hook" in shown and "signed" in shown and "form-secret-123" not in shown
        admin.post(f"/settings/alerts/channels/{channel.id}/test", data={"csrf_token": token})
        assert "Test alert delivered (200)" in admin.get("/settings/alerts").text
        assert len(receiver.received) == 1
    admin.post(f"/settings/alerts/channels/{channel.id}/toggle", data={"csrf_token": token})
    assert "Paused" in admin.get("/settings/alerts").text
    admin.post(f"/settings/alerts/channels/{channel.id}/delete", data={"csrf_token": token})
    with platform.db.session() as session:
        assert list(session.scalars(select(AlertChannel))) == []


def test_forms_without_a_csrf_token_are_refused(platform: Platform, job_id: int) -> None:
    admin = _browser(platform, "admin@example.com")
    form = {"kind": "email", "name": "x", "recipients": "ops@example.com"}
    assert admin.post("/settings/alerts/channels", data=form).status_code == 403
    assert admin.post(f"/ranks/jobs/{job_id}/alerts", data={"kind": "not_found"}).status_code == 403


def test_a_bad_channel_is_explained_on_the_page(platform: Platform, job_id: int) -> None:
    admin = _browser(platform, "admin@example.com")
    token = _csrf(admin, "/settings/alerts")
    form = {"kind": "email", "name": "x", "recipients": "nope", "csrf_token": token}
    assert admin.post("/settings/alerts/channels", data=form).status_code == 303
    assert "is not an email address" in admin.get("/settings/alerts").text


def test_viewers_see_channels_but_cannot_change_them(platform: Platform, job_id: int) -> None:
    viewer = _browser(platform, "viewer@example.com")
    page = viewer.get("/settings/alerts").text
    assert "data-webhook-form" not in page and "data-email-form" not in page
    token = _csrf(viewer, "/settings/alerts")
    form = {"kind": "email", "name": "x", "recipients": "ops@example.com", "csrf_token": token}
    viewer.post("/settings/alerts/channels", data=form)
    assert "needs the admin role" in viewer.get("/settings/alerts").text


def test_job_alert_rules_are_added_toggled_and_removed_on_the_job_page(
    platform: Platform, job_id: int
) -> None:
    admin = _browser(platform, "admin@example.com")
    path = f"/ranks/jobs/{job_id}/alerts"
    page = admin.get(path)
    assert page.status_code == 200 and "No alert rules" in page.text
    token = _csrf(admin, path)
    form = {"kind": "rank_moved", "positions": "5", "percent": "", "direction": "worsened", "keyword_id": "",
            "cooldown_minutes": "120", "csrf_token": token}  # fmt: skip
    assert admin.post(path, data=form).status_code == 303
    shown = admin.get(path).text
    assert "rank worsened ≥ 5 positions" in shown and "every 120 min" in shown
    admin.post(path, data={"kind": "rank_moved", "positions": "five", "csrf_token": token})
    assert "Positions must be a whole number" in admin.get(path).text
    with platform.db.session() as session:
        rule_id = session.scalars(select(RankAlertRule.id)).one()
    admin.post(f"{path}/{rule_id}/toggle", data={"csrf_token": token})
    assert "Turn on" in admin.get(path).text
    admin.post(f"{path}/{rule_id}/delete", data={"csrf_token": token})
    assert "No alert rules" in admin.get(path).text
    assert admin.get(f"/ranks/jobs/{job_id + 999}/alerts").status_code == 404
