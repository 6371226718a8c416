"""The keyword rank pages through the real app, on SQLite and PostgreSQL.

History comes from the demo seed, which writes what the sandbox's storefront served on each past
day, so the tables and charts are checked against the sandbox's own ground truth.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape
from importlib import resources

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfscope.api.app import create_app
from shelfscope.auth.members import add_member
from shelfscope.auth.principal import Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.fetch.models_db import ProxyConfig
from shelfscope.platform import Platform
from shelfscope.ranks.demo import create_demo_jobs, write_history
from shelfscope.ranks.history import rank_change
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import JobStatus, TrackedKeyword, TrackingJob
from shelfscope.sandbox.amazon import DEMO_KEYWORDS, asin_ranking, ground_truth_page
from shelfscope.sandbox.context import SandboxContext
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform

PASSWORD = "correct-horse-battery"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
BOTTLE = "B0D7KQ3M2X"
DAYS = 3


@dataclass
class Shop:
    platform: Platform
    workspace_id: int
    job_id: int
    keyword_ids: dict[str, int]
    """Normalised keyword → id, of the bottle job on amazon.de."""
    other_job_id: int


@pytest.fixture
def platform(settings: Settings, db: Database) -> Iterator[Platform]:
    with jobs_platform(settings, db) as platform:
        yield platform


@pytest.fixture
def shop(platform: Platform) -> Shop:
    """Acme tracks the demo ASINs on amazon.de; the bottle job has three days of history."""
    with platform.db.session() as session:
        owner = create_user(session, email="owner@example.com", password=PASSWORD)
        acme = create_workspace(session, owner_id=owner.id, name="Acme")
        viewer = create_user(session, email="viewer@example.com", password=PASSWORD)
        add_member(session, workspace_id=acme.id, user_id=viewer.id, role=Role.VIEWER)
        jobs = create_demo_jobs(
            session, platform, workspace_id=acme.id, owner_id=owner.id, marketplaces=["DE"]
        )
        bottle = next(job for job in jobs if job.asin == BOTTLE)
        write_history(session, platform, job=bottle, days=DAYS)
        keywords = {
            k.normalised: k.id for k in list_keywords(session, workspace_id=acme.id, job_id=bottle.id)
        }
        rival = create_user(session, email="rival@example.com", password=PASSWORD)
        other = create_workspace(session, owner_id=rival.id, name="Rival")
        other_job = create_demo_jobs(session, platform, workspace_id=other.id, marketplaces=["UK"])[0]
        return Shop(platform, acme.id, bottle.id, keywords, other_job.id)


def _csrf(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


class Browsers(dict[str, TestClient]):
    """A signed-in browser per user (``owner``, ``viewer``), logged in on first use."""

    def __init__(self, platform: Platform) -> None:
        super().__init__()
        self.platform = platform

    def __missing__(self, role: str) -> TestClient:
        client = TestClient(create_app(self.platform), headers=BROWSER, follow_redirects=False)
        client.__enter__()
        form = client.get("/login")
        credentials = {"email": f"{role}@example.com", "password": PASSWORD, "next": "/"}
        response = client.post("/login", data={**credentials, "csrf_token": _csrf(form.text)})
        assert response.status_code == 303, response.text
        self[role] = client
        return client


@pytest.fixture
def browsers(platform: Platform, shop: Shop) -> Iterator[Browsers]:
    clients = Browsers(platform)
    yield clients
    for client in clients.values():
        client.__exit__(None, None, None)


def _sandbox(platform: Platform) -> SandboxContext:
    return SandboxContext.from_settings(platform.settings.sandbox)


def _yesterday(platform: Platform) -> date:
    return platform.clock.now().date() - timedelta(days=1)


def _row(html: str, keyword_id: int) -> str:
    match = re.search(rf'<tr data-keyword-id="{keyword_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no table row for keyword {keyword_id}"
    return match.group(1)


def _post(client: TestClient, page: str, action: str, **data: str) -> str:
    response = client.post(action, data={"csrf_token": _csrf(client.get(page).text), **data})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def _flashes(client: TestClient, url: str) -> str:
    return unescape(" ".join(re.findall(r'<div class="toast-text">(.*?)</div>', client.get(url).text, re.S)))


def test_keyword_table_shows_the_ranks_the_storefront_served(shop: Shop, browsers: Browsers) -> None:
    page = browsers["owner"].get(f"/ranks/jobs/{shop.job_id}")
    assert page.status_code == 200
    sandbox, yesterday = _sandbox(shop.platform), _yesterday(shop.platform)
    for keyword, keyword_id in shop.keyword_ids.items():
        truth = asin_ranking(sandbox, "DE", keyword, BOTTLE, depth=3, day=yesterday)
        before = asin_ranking(sandbox, "DE", keyword, BOTTLE, depth=3, day=yesterday - timedelta(days=1))
        row = _row(page.text, keyword_id)
        assert f'data-organic-rank="{truth["organic_rank"] or ""}"' in row
        assert f'data-sponsored-rank="{truth["sponsored_rank"] or ""}"' in row
        change, _ = rank_change(truth["organic_rank"], before["organic_rank"])
        assert f'data-change="{change}"' in row or (change is None and "data-change" not in row)
        assert 'data-check-status="ok"' in row if truth["found"] else 'data-check-status="not_found"' in row


def test_keyword_query_selects_the_charted_keyword(shop: Shop, browsers: Browsers) -> None:
    second = list(shop.keyword_ids.values())[1]
    page = browsers["owner"].get(f"/ranks/jobs/{shop.job_id}?keyword={second}&days=90").text
    chart = re.search(r"<div class=\"rank-chart\"[^>]*>", page)
    assert chart is not None and f'data-keyword-id="{second}"' in chart.group(0)
    assert f"/keywords/{second}/chart?days=90" in page
    assert re.search(rf'<tr data-keyword-id="{second}" class="is-selected"', page)
    assert "data-focus-chart" in page  # a link to a keyword (alerts, movers) opens at its chart
    assert "data-focus-chart" not in browsers["owner"].get(f"/ranks/jobs/{shop.job_id}").text
    unknown = browsers["owner"].get(f"/ranks/jobs/{shop.job_id}?keyword=999999").text
    first = next(iter(shop.keyword_ids.values()))
    assert f"/keywords/{first}/chart?days=30" in unknown


def test_chart_data_is_the_history_oldest_first_with_page_boundaries(shop: Shop, browsers: Browsers) -> None:
    keyword, keyword_id = next(iter(shop.keyword_ids.items()))
    response = browsers["owner"].get(f"/api/v1/ranks/jobs/{shop.job_id}/keywords/{keyword_id}/chart?days=7")
    assert response.status_code == 200, response.text
    chart = response.json()
    sandbox, yesterday = _sandbox(shop.platform), _yesterday(shop.platform)
    days = [yesterday - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    assert [point["observed_at"][:10] for point in chart["points"]] == [day.isoformat() for day in days]
    expected = [
        asin_ranking(sandbox, "DE", keyword, BOTTLE, depth=3, day=day)["organic_rank"] for day in days
    ]
    assert [point["organic_rank"] for point in chart["points"]] == expected
    page_one = ground_truth_page(sandbox, "DE", keyword, page=1, day=yesterday)
    assert chart["page_boundaries"][0] == sum(1 for r in page_one.results if not r.sponsored) + 0.5
    assert chart["asin"] == BOTTLE and chart["keyword"] == keyword


def test_another_workspaces_job_is_not_found(shop: Shop, browsers: Browsers) -> None:
    owner = browsers["owner"]
    assert owner.get(f"/ranks/jobs/{shop.other_job_id}").status_code == 404
    assert owner.get(f"/api/v1/ranks/jobs/{shop.other_job_id}/keywords/1/chart").status_code == 404
    action = f"/ranks/jobs/{shop.other_job_id}/pause"
    response = owner.post(action, data={"csrf_token": _csrf(owner.get("/ranks").text)})
    assert response.status_code == 404


def test_creating_a_job_reports_added_duplicate_and_invalid_keywords(shop: Shop, browsers: Browsers) -> None:
    owner = browsers["owner"]
    keywords = "yoga mat\n  Yoga   MAT \n" + "x" * 201 + "\nexercise mat\n"
    location = _post(
        owner, "/ranks/jobs/new", "/ranks/jobs",
        asin="B0CZ8VN4TR", marketplace="UK", frequency="6h", depth="2",
        delay_min_seconds="5", delay_max_seconds="9", keywords=keywords, competitor_asins="B0DF2HX9LP, B0CM5RW7JD",
    )  # fmt: skip
    job_id = int(location.rsplit("/", 1)[1])
    messages = _flashes(owner, location)
    assert "Added 2 keywords: “yoga mat”, “exercise mat”" in messages
    assert "Skipped 1 duplicate already tracked: “Yoga MAT”" in messages
    assert "1 invalid: line 3" in messages and "at most 200 characters" in messages
    with shop.platform.db.session() as session:
        job = get_job(session, workspace_id=shop.workspace_id, job_id=job_id)
        assert (job.frequency, job.depth, job.delay_min_seconds) == ("6h", 2, 5)
        assert job.competitor_asins == ["B0DF2HX9LP", "B0CM5RW7JD"]


def test_a_refused_job_form_comes_back_with_the_values_and_the_reason(shop: Shop, browsers: Browsers) -> None:
    owner = browsers["owner"]
    token = _csrf(owner.get("/ranks/jobs/new").text)
    response = owner.post(
        "/ranks/jobs",
        data={"csrf_token": token, "asin": "B0NOPE", "marketplace": "DE", "name": "Mat", "depth": "three"},
    )
    assert response.status_code == 422
    assert "Depth must be a whole number" in unescape(response.text)
    assert 'value="B0NOPE"' in response.text and 'value="Mat"' in response.text
    duplicate = owner.post("/ranks/jobs", data={"csrf_token": token, "asin": BOTTLE, "marketplace": "DE"})
    assert duplicate.status_code == 422 and "already tracked" in duplicate.text


def test_keywords_are_added_one_at_a_time_or_from_a_csv_and_removed(shop: Shop, browsers: Browsers) -> None:
    owner, page = browsers["owner"], f"/ranks/jobs/{shop.job_id}"
    location = _post(owner, page, f"{page}/keywords", keyword="  TRINKFLASCHE ")
    assert "already tracks" in _flashes(owner, location)
    location = _post(owner, page, f"{page}/keywords", keyword="Sportflasche")
    assert "Now tracking “Sportflasche”" in _flashes(owner, location)
    token = _csrf(owner.get(page).text)
    csv_text = 'keyword,volume\nglasflasche,100\nsportflasche,20\n"flasche, 1 l",5\n'
    response = owner.post(
        f"{page}/keywords/bulk",
        data={"csrf_token": token, "text": "ignored when a file is chosen"},
        files={"csv_file": ("keywords.csv", csv_text.encode(), "text/csv")},
    )
    messages = _flashes(owner, response.headers["location"])
    assert "Added 2 keywords: “glasflasche”, “flasche, 1 l”" in messages
    assert "Skipped 1 duplicate already tracked: “sportflasche”" in messages
    badges = owner.get(page).text
    assert badges.count("data-keyword-badge=") == len(shop.keyword_ids) + 3
    with shop.platform.db.session() as session:
        removed = session.scalar(select(TrackedKeyword).where(TrackedKeyword.normalised == "glasflasche"))
        assert removed is not None
        removed_id = removed.id
    location = _post(owner, page, f"{page}/keywords/{removed_id}/remove")
    assert "Stopped tracking “glasflasche”" in _flashes(owner, location)
    assert f'data-keyword-badge="{removed_id}"' not in owner.get(page).text


def test_pause_resume_edit_run_now_and_delete(shop: Shop, browsers: Browsers) -> None:
    owner, page = browsers["owner"], f"/ranks/jobs/{shop.job_id}"
    _post(owner, page, f"{page}/pause")
    assert f'action="{page}/resume"' in owner.get(page).text
    _post(owner, page, f"{page}/resume")
    _post(owner, f"{page}/edit", f"{page}/edit", name="Bottle DE", frequency="weekly", depth="1",
          delay_min_seconds="0", delay_max_seconds="0", competitor_asins="")  # fmt: skip
    location = _post(owner, page, f"{page}/run")
    assert "Check started" in _flashes(owner, location)
    with shop.platform.db.session() as session:
        job = get_job(session, workspace_id=shop.workspace_id, job_id=shop.job_id)
        assert (job.status, job.name, job.frequency, job.depth) == (
            JobStatus.ACTIVE.value,
            "Bottle DE",
            "weekly",
            1,
        )
        run_id = job.last_run_id
    listing = owner.get("/ranks").text
    assert f'data-rank-job-id="{shop.job_id}" data-run-id="{run_id}"' in listing
    assert 'data-health="checking"' in listing
    again = _post(owner, page, f"{page}/run")
    assert "already queued" in _flashes(owner, again)
    assert _post(owner, page, f"{page}/delete") == "/ranks"
    with shop.platform.db.session() as session:
        assert session.get(TrackingJob, shop.job_id) is None


def test_viewers_see_ranks_but_change_nothing(shop: Shop, browsers: Browsers) -> None:
    viewer, page = browsers["viewer"], f"/ranks/jobs/{shop.job_id}"
    html = viewer.get(page).text
    assert f'action="{page}/run"' not in html and "data-bulk-keyword-form" not in html
    location = _post(viewer, page, f"{page}/pause")
    assert "role" in _flashes(viewer, location).lower()
    with shop.platform.db.session() as session:
        assert (
            get_job(session, workspace_id=shop.workspace_id, job_id=shop.job_id).status
            == JobStatus.ACTIVE.value
        )


def test_jobs_list_counts_and_first_run_setup(shop: Shop, browsers: Browsers) -> None:
    owner = browsers["owner"]
    listing = owner.get("/ranks").text
    demo_jobs = len(DEMO_KEYWORDS["DE"])
    assert listing.count("data-rank-job-id=") == demo_jobs
    assert 'data-health="new"' in listing
    with shop.platform.db.session() as session:
        for job in session.scalars(select(TrackingJob).where(TrackingJob.workspace_id == shop.workspace_id)):
            session.delete(job)
    assert owner.get("/ranks").headers["location"] == "/ranks/setup"
    setup = owner.get("/ranks/setup").text
    assert "data-setup-proxy-form" in setup and "/ranks/jobs/new?setup=1" in setup
    _post(owner, "/ranks/setup", "/ranks/setup/proxy", provider="bright_data", name="Residential",
          username="brd-customer-1", password="secret", country="de")  # fmt: skip
    with shop.platform.db.session() as session:
        proxy = session.scalar(select(ProxyConfig).where(ProxyConfig.workspace_id == shop.workspace_id))
        assert proxy is not None and (proxy.name, proxy.country) == ("Residential", "DE")
    form = owner.get("/ranks/jobs/new?setup=1").text
    assert "Step 2 of 2" in form and re.search(r"data-preview-first><time datetime=\"20", form)


def test_home_cards_show_tracked_counts_and_top_movers(shop: Shop, browsers: Browsers) -> None:
    home = unescape(browsers["owner"].get("/").text)
    assert (
        'data-card="ranks-tracked"' in home
        and 'data-card="ranks-movers"' in home
        and 'data-card="ranks-alerts"' in home
    )
    keywords = sum(len(k) for k in DEMO_KEYWORDS["DE"].values())
    assert re.search(rf"Keywords</span>\s*<span class=\"stat-value\">{keywords}<", home)
    sandbox, yesterday = _sandbox(shop.platform), _yesterday(shop.platform)
    moved = set()
    for keyword in shop.keyword_ids:
        now = asin_ranking(sandbox, "DE", keyword, BOTTLE, depth=3, day=yesterday)["organic_rank"]
        before = asin_ranking(sandbox, "DE", keyword, BOTTLE, depth=3, day=yesterday - timedelta(days=1))[
            "organic_rank"
        ]
        if rank_change(now, before)[0] not in (None, "stable"):
            moved.add(keyword)
    card = re.search(r'data-card="ranks-movers".*?</section>', home, re.S)
    assert card is not None
    shown = set(re.findall(r'<div class="feed-title"><a href="[^"]+">([^<]+)</a>', card.group(0)))
    assert shown == moved


def test_share_of_voice_page_marks_the_tracked_brand(shop: Shop, browsers: Browsers) -> None:
    page = browsers["owner"].get(f"/ranks/jobs/{shop.job_id}/insights?scope=pages1-3&days=7")
    assert page.status_code == 200
    html = unescape(page.text)
    assert html.count("data-sov-keyword=") == len(shop.keyword_ids)
    assert "Lumora" in html and "data-tracked-brand" in html
    assert "(heuristic)" in html and "data-stats-table" in html


def test_plotly_is_served_from_the_installed_package(shop: Shop, browsers: Browsers) -> None:
    page = browsers["owner"].get(f"/ranks/jobs/{shop.job_id}").text
    src = re.search(r'<script src="(/vendor/plotly\.min\.js\?v=[^"]+)"', page)
    assert src is not None
    response = browsers["owner"].get(src.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    bundled = resources.files("plotly") / "package_data" / "plotly.min.js"
    assert response.content == bundled.read_bytes()


def test_export_buttons_download_the_jobs_checks_as_csv(shop: Shop, browsers: Browsers) -> None:
    page = browsers["owner"].get(f"/ranks/jobs/{shop.job_id}").text
    links = dict(re.findall(r'<a class="btn btn-sm" href="([^"]+)" data-export-kind="(\w+)"', page))
    assert sorted(links.values()) == ["combined", "organic", "sponsored"]
    combined = next(unescape(url) for url, kind in links.items() if kind == "combined")
    response = browsers["owner"].get(combined)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    tracked_asins = 3  # the bottle and the two competitors the history picked
    assert len(lines) == 1 + DAYS * len(shop.keyword_ids) * tracked_asins
    assert all(BOTTLE in response.text and keyword in response.text for keyword in shop.keyword_ids)
