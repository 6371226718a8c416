"""The rank tracking API: jobs, keywords, run now, the keyword table and history, through API keys."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from shelfscope.api.app import create_app
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.platform import Platform
from shelfscope.ranks.checker import KeywordCheck
from shelfscope.ranks.models import TrackingJob
from shelfscope.ranks.observations import CheckTarget, record_check
from shelfscope.ranks.pages import add_savings
from shelfscope.ranks.ranking import rank_pages
from shelfscope.ranks.serp import SerpPage, SerpResult
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform
from tests.support import ApiTenant, api_tenant

JOBS = "/api/v1/ranks/jobs"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=clock) as platform:
        yield platform


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def acme(platform: Platform) -> ApiTenant:
    return api_tenant(platform, "Acme")


@pytest.fixture
def globex(platform: Platform) -> ApiTenant:
    return api_tenant(platform, "Globex")


def _create(client: TestClient, tenant: ApiTenant, **body: object) -> dict[str, object]:
    response = client.post(
        JOBS, json={"asin": "B0D7KQ3M2X", "marketplace": "DE"} | body, headers=tenant.member
    )
    assert response.status_code == 201, response.text
    result: dict[str, object] = response.json()
    return result


def test_create_read_list_edit_pause_resume_and_delete_a_job(client: TestClient, acme: ApiTenant) -> None:
    job = _create(
        client,
        acme,
        frequency="6h",
        keywords=["Trinkflasche", "isolierflasche"],
        competitor_asins=["b0cz8vn4tr"],
    )
    assert (job["asin"], job["marketplace"], job["frequency"], job["keyword_count"]) == (
        "B0D7KQ3M2X",
        "DE",
        "6h",
        2,
    )
    assert job["competitor_asins"] == ["B0CZ8VN4TR"]
    url = f"{JOBS}/{job['id']}"
    assert client.get(url, headers=acme.viewer).json()["id"] == job["id"]
    listed = client.get(JOBS, headers=acme.viewer).json()
    assert (listed["total"], listed["items"][0]["keyword_count"]) == (1, 2)
    edited = client.patch(url, json={"depth": 5, "name": "Bottle"}, headers=acme.member)
    assert (edited.status_code, edited.json()["depth"], edited.json()["name"]) == (200, 5, "Bottle")
    assert client.post(f"{url}/pause", headers=acme.member).json()["status"] == "paused"
    assert client.get(JOBS, params={"status": "active"}, headers=acme.viewer).json()["total"] == 0
    assert client.post(f"{url}/resume", headers=acme.member).json()["status"] == "active"
    assert client.delete(url, headers=acme.member).status_code == 204
    assert client.get(url, headers=acme.viewer).status_code == 404


def test_bad_input_gets_a_clear_error(client: TestClient, acme: ApiTenant) -> None:
    bad_asin = client.post(JOBS, json={"asin": "B0SHORT", "marketplace": "DE"}, headers=acme.member)
    assert bad_asin.status_code == 422
    assert bad_asin.json() == {
        "error": "invalid_input",
        "message": "an ASIN has 10 characters; 'B0SHORT' has 7",
        "field": "asin",
    }
    isbn = client.post(JOBS, json={"asin": "3866801921", "marketplace": "DE"}, headers=acme.member)
    assert "check digit is wrong" in isbn.json()["message"]
    market = client.post(JOBS, json={"asin": "B0D7KQ3M2X", "marketplace": "XX"}, headers=acme.member)
    assert (market.status_code, market.json()["error"]) == (422, "invalid_input")
    depth = client.post(
        JOBS, json={"asin": "B0D7KQ3M2X", "marketplace": "DE", "depth": 9}, headers=acme.member
    )
    assert depth.status_code == 422
    job = _create(client, acme)
    duplicate = client.post(JOBS, json={"asin": "b0d7kq3m2x", "marketplace": "de"}, headers=acme.member)
    assert (duplicate.status_code, duplicate.json()["error"]) == (409, "conflict")
    fixed = client.patch(f"{JOBS}/{job['id']}", json={"asin": "B0CZ8VN4TR"}, headers=acme.member)
    assert fixed.status_code == 422, "the ASIN of a job cannot change"
    delays = client.patch(f"{JOBS}/{job['id']}", json={"delay_min_seconds": 50}, headers=acme.member)
    assert (delays.status_code, delays.json()["field"]) == (422, "delay_min_seconds")


def test_viewers_read_but_cannot_change(client: TestClient, acme: ApiTenant) -> None:
    job = _create(client, acme)
    assert (
        client.post(JOBS, json={"asin": "B0CZ8VN4TR", "marketplace": "DE"}, headers=acme.viewer).status_code
        == 403
    )
    assert client.post(f"{JOBS}/{job['id']}/run", headers=acme.viewer).status_code == 403
    assert client.get(f"{JOBS}/{job['id']}/keywords", headers=acme.viewer).status_code == 200


def test_keywords_one_and_in_bulk_with_a_report(client: TestClient, acme: ApiTenant) -> None:
    job = _create(client, acme, keywords=["yoga mat"])
    url = f"{JOBS}/{job['id']}/keywords"
    added = client.post(url, json={"keyword": " Thick  Mat "}, headers=acme.member)
    assert (added.status_code, added.json()["keyword"], added.json()["normalised"]) == (
        201,
        "Thick Mat",
        "thick mat",
    )
    duplicate = client.post(url, json={"keyword": "YOGA MAT"}, headers=acme.member)
    assert (duplicate.status_code, duplicate.json()["message"]) == (409, "the job already tracks 'YOGA MAT'")
    bulk = client.post(
        f"{url}/bulk", json={"text": "gym mat\nthick mat\n\n" + "x" * 201}, headers=acme.member
    )
    assert bulk.status_code == 200
    assert bulk.json() == {
        "added": ["gym mat"],
        "duplicates": ["thick mat"],
        "invalid": [
            {"line": 4, "text": "x" * 201, "reason": "a keyword has at most 200 characters (201 given)"}
        ],
    }
    csv = client.post(
        f"{url}/bulk", json={"text": 'keyword\n"mat, travel"\n', "format": "csv"}, headers=acme.member
    )
    assert csv.json()["added"] == ["mat, travel"]
    table = client.get(url, headers=acme.viewer).json()
    assert [row["keyword"] for row in table["items"]] == ["yoga mat", "Thick Mat", "gym mat", "mat, travel"]
    assert table["items"][0]["status"] is None, "never checked yet"
    removed = client.delete(f"{url}/{added.json()['id']}", headers=acme.member)
    assert removed.status_code == 204
    assert client.get(url, headers=acme.viewer).json()["total"] == 3


def test_run_now_creates_one_run_and_lists_it_with_the_jobs_runs(client: TestClient, acme: ApiTenant) -> None:
    job = _create(client, acme, keywords=["yoga mat"])
    run = client.post(f"{JOBS}/{job['id']}/run", headers=acme.member)
    assert run.status_code == 201, run.text
    assert (run.json()["kind"], run.json()["status"], run.json()["payload"]) == (
        "ranks.check",
        "queued",
        {"job_id": job["id"]},
    )
    again = client.post(f"{JOBS}/{job['id']}/run", headers=acme.member)
    assert (again.status_code, again.json()["error"]) == (409, "conflict")
    runs = client.get(f"{JOBS}/{job['id']}/runs", headers=acme.viewer).json()
    assert [item["id"] for item in runs["items"]] == [run.json()["id"]]
    assert client.get(f"{JOBS}/{job['id']}", headers=acme.viewer).json()["last_run_id"] == run.json()["id"]


def _page(asins: list[str]) -> SerpPage:
    results = tuple(
        SerpResult(
            position=n,
            asin=asin,
            sponsored=False,
            organic_rank=n,
            sponsored_rank=None,
            title=None,
            brand=None,
            price=None,
            currency=None,
            rating=None,
            review_count=None,
        )
        for n, asin in enumerate(asins, start=1)
    )
    return SerpPage(
        page_type="search", block_kind=None, marketplace="DE", query="q", corrected_query=None, total_results=9,
        total_results_text=None, page=1, has_next_page=False, layout="search-result", results=results,
    )  # fmt: skip


def test_keyword_table_history_and_savings(
    client: TestClient, platform: Platform, acme: ApiTenant, globex: ApiTenant, clock: FakeClock
) -> None:
    job_json = _create(client, acme, keywords=["bottle"])
    keyword_id = client.get(f"{JOBS}/{job_json['id']}/keywords", headers=acme.viewer).json()["items"][0][
        "keyword_id"
    ]
    with platform.db.session() as session:
        job = session.get(TrackingJob, job_json["id"])
        assert job is not None
        target = CheckTarget(
            workspace_id=acme.workspace_id,
            job_id=job.id,
            keyword_id=keyword_id,
            marketplace="DE",
            asins=[job.asin],
        )
    start = clock.now()
    for run_id, position in enumerate([5, 3, 4], start=1):
        clock.advance(timedelta(days=1))
        asins = [f"B0FILL{n:04d}" for n in range(position - 1)] + ["B0D7KQ3M2X"]
        check = KeywordCheck(
            marketplace="DE", query="bottle", depth=3, raw_pages=(), ranked=rank_pages([_page(asins)])
        )
        with platform.db.session() as session:
            record_check(session, target, check, run_id=run_id, observed_at=clock.now(), snapshot_pages=3)
    with platform.db.session() as session:
        add_savings(session, workspace_id=acme.workspace_id, pages=2, bytes_saved=150_000, now=clock.now())
        add_savings(session, workspace_id=acme.workspace_id, pages=1, bytes_saved=50_000, now=clock.now())
    row = client.get(f"{JOBS}/{job_json['id']}/keywords", headers=acme.viewer).json()["items"][0]
    assert (row["organic_rank"], row["change"], row["delta"], row["status"]) == (4, "down", -1, "ok")
    assert (row["best_organic_rank"], row["worst_organic_rank"], row["page"], row["position"]) == (3, 5, 1, 4)
    url = f"{JOBS}/{job_json['id']}/keywords/{keyword_id}/history"
    page = client.get(url, params={"limit": 2}, headers=acme.viewer).json()
    assert (page["total"], [o["organic_rank"] for o in page["items"]]) == (3, [4, 3])
    naive_since = (start + timedelta(days=1, hours=12)).replace(tzinfo=None).isoformat()
    ranged = client.get(url, params={"since": naive_since}, headers=acme.viewer).json()
    assert [o["organic_rank"] for o in ranged["items"]] == [4, 3]
    untracked = client.get(url, params={"asin": "B0CZ8VN4TR"}, headers=acme.viewer)
    assert untracked.status_code == 422
    assert client.get(url, headers=globex.viewer).status_code == 404
    assert client.get("/api/v1/ranks/savings", headers=acme.viewer).json() == {
        "pages_reused": 3,
        "bytes_saved": 200_000,
    }
    assert client.get("/api/v1/ranks/savings", headers=globex.viewer).json() == {
        "pages_reused": 0,
        "bytes_saved": 0,
    }


def test_schedule_preview(client: TestClient, acme: ApiTenant, clock: FakeClock) -> None:
    preview = client.get(
        "/api/v1/ranks/schedule-preview", params={"frequency": "weekly"}, headers=acme.viewer
    )
    assert preview.status_code == 200
    assert preview.json()["interval_seconds"] == 7 * 86400
    bad = client.get("/api/v1/ranks/schedule-preview", params={"frequency": "monthly"}, headers=acme.viewer)
    assert bad.status_code == 422
