"""Dashboard pages through the real app: who sees what, redirects, CSRF, and the forms' effects."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from shelfscope.alerts.models import Notification
from shelfscope.alerts.notifications import notify
from shelfscope.api.app import create_app
from shelfscope.auth.members import add_member
from shelfscope.auth.models import ApiKey, Invitation, Membership, WebSession, Workspace
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.jobs.demo import DEMO_KIND
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.settings import Settings
from tests.support import platform_for

PASSWORD = "correct-horse-battery"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Team:
    workspace_id: int
    other_workspace_id: int
    user_ids: dict[str, int]
    failed_run_id: int
    running_run_id: int


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    with platform_for(settings) as platform:
        yield platform


@pytest.fixture
def team(platform: Platform) -> Team:
    """Acme with one member per role, a second workspace for the owner, two runs, one notification."""
    with platform.db.session() as session:
        owner = create_user(
            session, email="owner@example.com", password=PASSWORD, display_name="Olivia Owner"
        )
        acme = create_workspace(session, owner_id=owner.id, name="Acme")
        beta = create_workspace(session, owner_id=owner.id, name="Beta Brands")
        ids = {"owner": owner.id}
        for role in (Role.ADMIN, Role.MEMBER, Role.VIEWER):
            user = create_user(session, email=f"{role.value}@example.com", password=PASSWORD)
            add_member(session, workspace_id=acme.id, user_id=user.id, role=role)
            ids[role.value] = user.id
        failed = create_run(
            session, platform, workspace_id=acme.id, kind=DEMO_KIND, subject="nightly sync", enqueue=False
        )
        running = create_run(
            session, platform, workspace_id=acme.id, kind=DEMO_KIND, subject="hourly check", enqueue=False
        )
        failed.status, failed.error = RunStatus.FAILED.value, "Blocked: CAPTCHA page on amazon.de"
        running.status, running.progress_done, running.progress_total = RunStatus.RUNNING.value, 3, 10
        notify(session, platform.bus, workspace_id=acme.id, title="Run failed", body="CAPTCHA", level="error")
        session.flush()
        return Team(acme.id, beta.id, ids, failed.id, running.id)


def _client(platform: Platform) -> TestClient:
    return TestClient(create_app(platform), headers=BROWSER, follow_redirects=False)


def _csrf(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def _log_in(client: TestClient, email: str, *, next_url: str = "/") -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": _csrf(form.text), "next": next_url},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == next_url


class Browsers(dict[str, TestClient]):
    """A signed-in browser per role (``owner``, ``admin``, ``member``, ``viewer``), logged in on first use."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform

    def __missing__(self, role: str) -> TestClient:
        client = _client(self.platform)
        client.__enter__()
        _log_in(client, f"{role}@example.com")
        self[role] = client
        return client


@pytest.fixture
def signed_in(platform: Platform, team: Team) -> Iterator[Browsers]:
    browsers = Browsers(platform)
    yield browsers
    for client in browsers.values():
        client.__exit__(None, None, None)


def _page_csrf(client: TestClient, path: str = "/") -> str:
    return _csrf(client.get(path).text)


def _invite(client: TestClient, email: str, role: str) -> str:
    """Invite through the members page; returns the token from the link shown once."""
    token = _page_csrf(client, "/settings/members")
    client.post("/settings/members/invite", data={"email": email, "role": role, "csrf_token": token})
    link = re.search(r"/invite/(ssi_[A-Za-z0-9_-]+)<", client.get("/settings/members").text)
    assert link, "the invitation link is shown"
    return link.group(1)


OWNER_PAGES = [
    ("/", "Overview"),
    ("/jobs", "Jobs"),
    ("/notifications", "Notifications"),
    ("/settings/workspace", "Workspace"),
    ("/settings/members", "Invite someone"),
    ("/settings/api-keys", "Create an API key"),
    ("/settings/audit", "Audit log"),
]


@pytest.mark.parametrize(("path", "marker"), OWNER_PAGES)
def test_every_page_renders_for_an_owner(signed_in: Browsers, path: str, marker: str) -> None:
    response = signed_in["owner"].get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert marker in response.text
    assert "Olivia Owner" in response.text  # the shell's header
    assert response.headers["cache-control"] == "no-store"


def test_run_detail_page_shows_the_run(signed_in: Browsers, team: Team) -> None:
    response = signed_in["owner"].get(f"/jobs/{team.failed_run_id}")
    assert response.status_code == 200
    assert f"Run #{team.failed_run_id}" in response.text
    assert "Blocked: CAPTCHA page on amazon.de" in response.text
    assert f'action="/jobs/{team.failed_run_id}/retry"' in response.text


@pytest.mark.parametrize(
    "path",
    ["/", "/jobs", "/jobs/1", "/notifications", "/settings/members", "/settings/audit?entity_type=user"],
)
def test_signed_out_visitors_are_sent_to_login_and_back(platform: Platform, team: Team, path: str) -> None:
    with _client(platform) as client:
        response = client.get(path)
    assert response.status_code == 303
    expected = "/login" if path == "/" else f"/login?next={path.replace('?', '%3F').replace('=', '%3D')}"
    assert response.headers["location"] == expected


def test_login_returns_to_the_page_asked_for(platform: Platform, team: Team) -> None:
    with _client(platform) as client:
        _log_in(client, "member@example.com", next_url="/jobs?status=failed")
        assert client.get("/jobs?status=failed").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_login_never_redirects_off_site(platform: Platform, team: Team, target: str) -> None:
    with _client(platform) as client:
        form = client.get("/login")
        response = client.post(
            "/login",
            data={
                "email": "owner@example.com",
                "password": PASSWORD,
                "csrf_token": _csrf(form.text),
                "next": target,
            },
        )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_wrong_password_shows_the_error_and_keeps_the_email(platform: Platform, team: Team) -> None:
    with _client(platform) as client:
        form = client.get("/login")
        response = client.post(
            "/login",
            data={"email": "owner@example.com", "password": "wrong-password", "csrf_token": _csrf(form.text)},
        )
    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert 'value="owner@example.com"' in response.text


def test_too_many_failed_logins_are_throttled_with_a_message(platform: Platform, team: Team) -> None:
    limit = platform.settings.auth.login_max_failures
    with _client(platform) as client:
        token = _csrf(client.get("/login").text)
        attempt = {"email": "viewer@example.com", "password": "wrong-password", "csrf_token": token}
        statuses = [client.post("/login", data=attempt).status_code for _ in range(limit)]
        blocked = client.post("/login", data={**attempt, "password": PASSWORD})
    assert statuses == [401] * limit
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.text


def test_login_form_without_its_csrf_token_is_refused(platform: Platform, team: Team) -> None:
    with _client(platform) as client:
        client.get("/login")
        response = client.post("/login", data={"email": "owner@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert "set-cookie" not in response.headers or "shelfscope_session" not in response.headers["set-cookie"]


def test_logout_ends_the_session(signed_in: Browsers, platform: Platform) -> None:
    client = signed_in["member"]
    response = client.post("/logout", data={"csrf_token": _page_csrf(client)})
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert client.get("/jobs").headers["location"] == "/login?next=/jobs"
    with platform.db.session() as session:
        assert session.scalar(select(WebSession.revoked_at).where(WebSession.revoked_at.is_not(None)))


def _post_targets(team: Team) -> list[tuple[str, dict[str, str]]]:
    return [
        ("/logout", {}),
        ("/workspace/switch", {"workspace_id": str(team.other_workspace_id)}),
        (f"/jobs/{team.failed_run_id}/retry", {}),
        (f"/jobs/{team.running_run_id}/cancel", {}),
        ("/notifications/read-all", {}),
        ("/settings/workspace", {"name": "Hijacked", "timezone": "UTC"}),
        ("/settings/members/invite", {"email": "mallory@example.com", "role": "owner"}),
        ("/settings/api-keys", {"name": "stolen"}),
    ]


def test_form_posts_without_csrf_are_refused_and_change_nothing(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    client = signed_in["owner"]
    for path, form in _post_targets(team):
        for token in (None, "forged-token"):
            data = form if token is None else {**form, "csrf_token": token}
            response = client.post(path, data=data)
            assert response.status_code == 403, path
            assert "You do not have access to this" in response.text
    with platform.db.session() as session:
        assert session.get(Workspace, team.workspace_id).name == "Acme"  # type: ignore[union-attr]
        assert session.get(Run, team.failed_run_id).status == "failed"  # type: ignore[union-attr]
        assert session.get(Run, team.running_run_id).status == "running"  # type: ignore[union-attr]
        assert session.scalar(select(ApiKey.id)) is None
        assert session.scalar(select(Invitation.id)) is None
        assert session.scalar(select(Notification.read_at)) is None
    assert client.get("/").status_code == 200  # still signed in


def test_viewer_sees_no_write_buttons(signed_in: Browsers, team: Team) -> None:
    viewer, owner = signed_in["viewer"], signed_in["owner"]
    jobs, owner_jobs = viewer.get("/jobs").text, owner.get("/jobs").text
    assert (
        f"/jobs/{team.failed_run_id}/retry" not in jobs and f"/jobs/{team.running_run_id}/cancel" not in jobs
    )
    assert (
        f"/jobs/{team.failed_run_id}/retry" in owner_jobs
        and f"/jobs/{team.running_run_id}/cancel" in owner_jobs
    )
    detail = viewer.get(f"/jobs/{team.failed_run_id}").text
    assert "/retry" not in detail
    members = viewer.get("/settings/members").text
    assert "/settings/members/invite" not in members and "/remove" not in members and "/role" not in members
    workspace = viewer.get("/settings/workspace").text
    assert 'action="/settings/workspace"' not in workspace and "Only admins and owners" in workspace
    assert "/settings/api-keys" not in workspace and "/settings/audit" not in workspace  # tabs hidden


@pytest.mark.parametrize("path", ["/settings/api-keys", "/settings/audit"])
def test_pages_beyond_a_viewers_role_are_a_friendly_403(signed_in: Browsers, path: str) -> None:
    response = signed_in["viewer"].get(path)
    assert response.status_code == 403
    assert "You do not have access to this" in response.text
    assert "Back to the overview" in response.text
    assert 'data-nav-key="jobs"' in response.text  # still inside the shell


def test_viewer_posting_a_retry_gets_a_friendly_403(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    viewer = signed_in["viewer"]
    response = viewer.post(f"/jobs/{team.failed_run_id}/retry", data={"csrf_token": _page_csrf(viewer)})
    assert response.status_code == 403
    assert "needs the member role" in response.text
    with platform.db.session() as session:
        assert session.get(Run, team.failed_run_id).status == "failed"  # type: ignore[union-attr]


def test_member_retries_and_cancels_runs(signed_in: Browsers, platform: Platform, team: Team) -> None:
    member = signed_in["member"]
    token = _page_csrf(member, "/jobs")
    retried = member.post(f"/jobs/{team.failed_run_id}/retry", data={"csrf_token": token})
    cancelled = member.post(f"/jobs/{team.running_run_id}/cancel", data={"csrf_token": token})
    assert retried.status_code == cancelled.status_code == 303
    page = member.get("/jobs").text
    assert f"Run #{team.failed_run_id} queued again" in page
    assert f"Run #{team.running_run_id} will stop at its next checkpoint" in page
    with platform.db.session() as session:
        assert session.get(Run, team.failed_run_id).status == "queued"  # type: ignore[union-attr]
        assert session.get(Run, team.running_run_id).cancel_requested  # type: ignore[union-attr]
    member.post(f"/jobs/{team.failed_run_id}/cancel", data={"csrf_token": token})
    again = member.post(f"/jobs/{team.failed_run_id}/cancel", data={"csrf_token": token})
    assert again.status_code == 303  # a conflict is explained on the page, not an error page
    assert f"Run {team.failed_run_id} has already ended (cancelled)" in member.get("/jobs").text


def test_jobs_are_filtered_by_status_and_paginated(signed_in: Browsers, team: Team) -> None:
    owner = signed_in["owner"]
    failed = owner.get("/jobs?status=failed").text
    assert (
        f'data-run-id="{team.failed_run_id}"' in failed
        and f'data-run-id="{team.running_run_id}"' not in failed
    )
    first = owner.get("/jobs?limit=1").text
    assert "1\u20131 of 2 runs" in first and "offset=1" in first


def test_another_workspaces_run_is_a_404_page(signed_in: Browsers, platform: Platform, team: Team) -> None:
    with platform.db.session() as session:
        foreign = create_run(
            session, platform, workspace_id=team.other_workspace_id, kind=DEMO_KIND, enqueue=False
        ).id
    response = signed_in["admin"].get(f"/jobs/{foreign}")
    assert response.status_code == 404
    assert f"run {foreign} not found" in response.text


def test_unknown_pages_get_a_friendly_404_but_the_api_keeps_json(platform: Platform, team: Team) -> None:
    with _client(platform) as client:
        page = client.get("/no/such/page")
        api = client.get("/api/v1/no/such/thing")
    assert page.status_code == api.status_code == 404
    assert "There is no page at /no/such/page." in page.text
    assert api.json()["error"] == "not_found"


def test_notifications_are_marked_read_one_by_one_and_all_at_once(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    admin = signed_in["admin"]
    with platform.db.session() as session:
        notify(
            session,
            platform.bus,
            workspace_id=team.workspace_id,
            title="Second",
            user_id=team.user_ids["admin"],
        )
    page = admin.get("/notifications").text
    assert 'data-unread-count="2"' in page
    first_id = re.findall(r'data-notification-id="(\d+)"', page)[-1]
    admin.post(f"/notifications/{first_id}/read", data={"csrf_token": _csrf(page)})
    assert 'data-unread-count="1"' in admin.get("/notifications").text
    assert "Second" in admin.get("/notifications?show=unread").text
    admin.post("/notifications/read-all", data={"csrf_token": _csrf(page)})
    after = admin.get("/notifications?show=unread").text
    assert "All caught up" in after and 'data-unread-count="0"' in after
    assert 'data-unread-count="1"' in signed_in["owner"].get("/").text  # other users are untouched


def test_workspace_switcher_moves_the_session(signed_in: Browsers, team: Team) -> None:
    owner = signed_in["owner"]
    home = owner.get("/").text
    assert 'name="workspace_id"' in home and "Beta Brands" in home
    response = owner.post(
        "/workspace/switch",
        data={
            "workspace_id": str(team.other_workspace_id),
            "next": f"/jobs/{team.failed_run_id}",
            "csrf_token": _csrf(home),
        },
    )
    assert (response.status_code, response.headers["location"]) == (303, "/jobs")
    jobs = owner.get("/jobs").text
    assert "Switched to Beta Brands" in jobs
    assert "No runs yet" in jobs  # Acme's runs are not Beta's
    assert owner.get(f"/jobs/{team.failed_run_id}").status_code == 404


def test_switching_to_a_workspace_one_is_not_in_looks_like_a_missing_one(
    signed_in: Browsers, team: Team
) -> None:
    member = signed_in["member"]
    response = member.post(
        "/workspace/switch",
        data={"workspace_id": str(team.other_workspace_id), "csrf_token": _page_csrf(member)},
    )
    assert response.status_code == 404
    assert f"workspace {team.other_workspace_id} not found" in response.text
    assert "Acme · you are member here" in member.get("/").text


def test_admin_renames_the_workspace_and_sets_its_time_zone(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    admin = signed_in["admin"]
    token = _page_csrf(admin, "/settings/workspace")
    ok = admin.post(
        "/settings/workspace", data={"name": "Acme EU", "timezone": "Europe/Berlin", "csrf_token": token}
    )
    bad = admin.post(
        "/settings/workspace", data={"name": "Acme EU", "timezone": "Mars/Olympus", "csrf_token": token}
    )
    assert ok.status_code == bad.status_code == 303
    page = admin.get("/settings/workspace").text
    assert "Unknown time zone &#39;Mars/Olympus&#39;" in page
    with platform.db.session() as session:
        workspace = session.get(Workspace, team.workspace_id)
        assert workspace is not None
        assert (workspace.name, workspace.timezone) == ("Acme EU", "Europe/Berlin")


def test_api_key_secret_is_shown_once_and_works(signed_in: Browsers, platform: Platform, team: Team) -> None:
    member = signed_in["member"]
    response = member.post(
        "/settings/api-keys", data={"name": "Reporting", "role": "viewer", "csrf_token": _page_csrf(member)}
    )
    assert (response.status_code, response.headers["location"]) == (303, "/settings/api-keys")
    assert "ssk_" not in response.headers["set-cookie"]  # sealed by the vault, never in clear
    shown = member.get("/settings/api-keys").text
    secret = re.search(r"data-secret>(ssk_[A-Za-z0-9_-]+)<", shown)
    assert secret, "the new key is shown"
    assert "API key “Reporting” created" in shown
    listing = member.get("/settings/api-keys").text
    assert secret.group(1) not in listing and "Reporting" in listing and "never" in listing
    with TestClient(create_app(platform)) as api:
        me = api.get("/api/v1/runs", headers={"authorization": f"Bearer {secret.group(1)}"})
    assert me.status_code == 200
    row = member.get("/settings/api-keys").text.split('data-api-key-id="')[1]
    assert "just now" in row.split("</tr>")[0]  # last use is recorded


def test_api_key_is_revoked_from_the_list(signed_in: Browsers, platform: Platform) -> None:
    owner = signed_in["owner"]
    token = _page_csrf(owner, "/settings/api-keys")
    owner.post("/settings/api-keys", data={"name": "Old script", "csrf_token": token})
    with platform.db.session() as session:
        key_id = session.scalar(select(ApiKey.id))
    response = owner.post(f"/settings/api-keys/{key_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 303
    page = owner.get("/settings/api-keys").text
    assert "Revoked" in page and "API key “Old script” revoked" in page


def test_invitation_link_is_shown_once_and_lets_a_new_person_join(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    admin = signed_in["admin"]
    response = admin.post(
        "/settings/members/invite",
        data={
            "email": "new.hire@example.com",
            "role": "member",
            "csrf_token": _page_csrf(admin, "/settings/members"),
        },
    )
    assert (response.status_code, response.headers["location"]) == (303, "/settings/members")
    link = re.search(
        r"data-secret>(http://testserver/invite/(ssi_[A-Za-z0-9_-]+))<", admin.get("/settings/members").text
    )
    assert link, "the invitation link is shown"
    assert link.group(1) not in admin.get("/settings/members").text
    with _client(platform) as newcomer:
        invite = newcomer.get(f"/invite/{link.group(2)}")
        assert invite.status_code == 200 and "Join the workspace" in invite.text
        joined = newcomer.post(
            f"/invite/{link.group(2)}",
            data={"display_name": "Nina New", "password": PASSWORD, "csrf_token": _csrf(invite.text)},
        )
        assert (joined.status_code, joined.headers["location"]) == (303, "/")
        home = newcomer.get("/").text
        assert "Welcome to Acme" in home and "Nina New" in home
    assert "new.hire@example.com" in admin.get("/settings/members").text


def test_the_accounts_api_link_format_leads_to_the_invitation_page(platform: Platform, team: Team) -> None:
    with _client(platform) as client:
        response = client.get("/invitations/accept?token=ssi_abc")
    assert (response.status_code, response.headers["location"]) == (307, "/invite/ssi_abc")


def test_signed_in_user_accepts_an_invitation_with_one_click(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    owner = signed_in["owner"]
    with platform.db.session() as session:
        session.execute(
            update(Workspace).where(Workspace.id == team.other_workspace_id).values(name="Beta Brands")
        )
    owner.post(
        "/workspace/switch",
        data={"workspace_id": str(team.other_workspace_id), "csrf_token": _page_csrf(owner)},
    )
    token = _invite(owner, "member@example.com", "viewer")
    member = signed_in["member"]
    page = member.get(f"/invite/{token}")
    assert "You are signed in as <strong>member@example.com</strong>" in page.text
    accepted = member.post(f"/invite/{token}", data={"csrf_token": _csrf(page.text)})
    assert accepted.status_code == 303
    assert "Welcome to Beta Brands" in member.get("/").text
    with platform.db.session() as session:
        role = session.scalar(
            select(Membership.role).where(
                Membership.workspace_id == team.other_workspace_id,
                Membership.user_id == team.user_ids["member"],
            )
        )
    assert role == Role.VIEWER


def test_wrong_password_on_an_invitation_for_an_existing_account_is_explained(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    owner = signed_in["owner"]
    owner.post(
        "/workspace/switch",
        data={"workspace_id": str(team.other_workspace_id), "csrf_token": _page_csrf(owner)},
    )
    token = _invite(owner, "viewer@example.com", "viewer")
    with _client(platform) as stranger:
        page = stranger.get(f"/invite/{token}")
        response = stranger.post(
            f"/invite/{token}", data={"password": "not-the-password", "csrf_token": _csrf(page.text)}
        )
    assert response.status_code == 401
    assert "Wrong email or password" in response.text


def test_admin_changes_a_role_and_removes_a_member(
    signed_in: Browsers, platform: Platform, team: Team
) -> None:
    admin, removed = signed_in["admin"], signed_in["member"]
    with platform.db.session() as session:
        member_ids = dict(
            session.execute(
                select(Membership.user_id, Membership.id).where(Membership.workspace_id == team.workspace_id)
            ).all()
        )
    token = _page_csrf(admin, "/settings/members")
    admin.post(
        f"/settings/members/{member_ids[team.user_ids['viewer']]}/role",
        data={"role": "member", "csrf_token": token},
    )
    refused = admin.post(
        f"/settings/members/{member_ids[team.user_ids['owner']]}/remove", data={"csrf_token": token}
    )
    assert refused.status_code == 303
    assert "cannot change a member who is owner" in admin.get("/settings/members").text
    admin.post(f"/settings/members/{member_ids[team.user_ids['member']]}/remove", data={"csrf_token": token})
    page = admin.get("/settings/members").text
    assert "Removed member@example.com" in page
    with platform.db.session() as session:
        roles = dict(
            session.execute(
                select(Membership.user_id, Membership.role).where(
                    Membership.workspace_id == team.workspace_id
                )
            ).all()
        )
    assert roles[team.user_ids["viewer"]] == Role.MEMBER
    assert team.user_ids["member"] not in roles
    assert removed.get("/").status_code == 303  # their session no longer opens Acme


def test_audit_log_lists_changes_and_filters_them(signed_in: Browsers, team: Team) -> None:
    owner = signed_in["owner"]
    token = _page_csrf(owner, "/settings/workspace")
    owner.post("/settings/workspace", data={"name": "Acme Renamed", "timezone": "UTC", "csrf_token": token})
    everything = owner.get("/settings/audit").text
    assert "owner@example.com" in everything and "update" in everything
    workspaces = owner.get(f"/settings/audit?entity_type=workspace&entity_id={team.workspace_id}").text
    assert "name" in workspaces and "membership" not in workspaces.split("<tbody>")[1]
    nothing = owner.get("/settings/audit?entity_type=api_key").text
    assert "Nothing matches these filters" in nothing
