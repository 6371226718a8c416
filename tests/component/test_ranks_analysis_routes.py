"""Rank analyses through the API: statistics, share of voice, competition and exports, per workspace."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfscope.api.app import create_app
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.platform import Platform
from shelfscope.ranks.models import TrackingJob
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform
from tests.ranks_analysis_support import Card, record, serp_page
from tests.support import ApiTenant, api_tenant

RANKS = "/api/v1/ranks"
OWN, RIVAL = "B0D7KQ3M2X", "B0CZ8VN4TR"
AD, FILL1, FILL2 = "B0ADVERT01", "B0FILLER01", "B0FILLER02"


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


@pytest.fixture
def job(client: TestClient, platform: Platform, acme: ApiTenant, clock: FakeClock) -> dict[str, Any]:
    """A job with a competitor and two keywords; "bottle" checked 20 and 5 days ago and a blocked
    check yesterday, "flask" checked once, 20 days ago, without the tracked ASINs on the page."""
    created = client.post(
        f"{RANKS}/jobs",
        json={"asin": OWN, "marketplace": "DE", "competitor_asins": [RIVAL], "keywords": ["bottle", "flask"]},
        headers=acme.member,
    )
    assert created.status_code == 201, created.text
    keywords = client.get(f"{RANKS}/jobs/{created.json()['id']}/keywords", headers=acme.viewer).json()[
        "items"
    ]
    bottle, flask = (row["keyword_id"] for row in keywords)
    now = clock.now()
    run1 = [
        serp_page([Card(AD, "Other", True), Card(RIVAL, "Rival"), Card(OWN, "Hydro"), Card(FILL1, "Other")]),
        serp_page([Card(FILL2, None), Card(OWN, "Hydro", True)], page=2),
    ]
    run2 = [
        serp_page(
            [Card(OWN, "Hydro"), Card(AD, "Other", True), Card(FILL1, "Other"), Card(RIVAL, "Rival")],
            total_results=20_000,
        )
    ]
    with platform.db.session() as session:
        row = session.get(TrackingJob, created.json()["id"])
        assert row is not None
        record(session, row, keyword_id=bottle, run_id=1, observed_at=now - timedelta(days=20), pages=run1)
        flask_page = [serp_page([Card(FILL1, "Other"), Card(FILL2, "Other")], total_results=800)]
        record(
            session, row, keyword_id=flask, run_id=1, observed_at=now - timedelta(days=20), pages=flask_page
        )
        record(session, row, keyword_id=bottle, run_id=2, observed_at=now - timedelta(days=5), pages=run2)
        record(session, row, keyword_id=bottle, run_id=3, observed_at=now - timedelta(days=1), pages=None)
    result: dict[str, Any] = created.json() | {"bottle": bottle, "flask": flask}
    return result


def test_stats_over_30_and_7_days_leave_failed_checks_out(
    client: TestClient, acme: ApiTenant, job: dict[str, Any]
) -> None:
    url = f"{RANKS}/jobs/{job['id']}/stats"
    page = client.get(url, params={"days": 30}, headers=acme.viewer).json()
    assert page["total"] == 2
    bottle, flask = page["items"]
    assert (bottle["keyword"], bottle["asin"], bottle["days"]) == ("bottle", OWN, 30)
    assert (bottle["checks"], bottle["successful_checks"], bottle["failed_checks"]) == (3, 2, 1)
    assert (bottle["found_rate"], bottle["days_on_page1"], bottle["days_checked"]) == (1.0, 2, 2)
    assert (bottle["best_organic_rank"], bottle["worst_organic_rank"], bottle["average_organic_rank"]) == (
        1,
        2,
        1.5,
    )
    assert (bottle["best_sponsored_rank"], bottle["average_sponsored_rank"]) == (2, 2.0)
    assert (bottle["volatility"], bottle["trend"], bottle["trend_delta"]) == (1.0, "up", 1)
    assert (flask["successful_checks"], flask["found_rate"], flask["best_organic_rank"]) == (1, 0.0, None)
    week = client.get(url, params={"days": 7, "limit": 1}, headers=acme.viewer).json()
    assert (week["total"], len(week["items"])) == (2, 1)
    assert (week["items"][0]["checks"], week["items"][0]["failed_checks"], week["items"][0]["trend"]) == (
        2,
        1,
        None,
    )
    rival = client.get(url, params={"asin": RIVAL.lower()}, headers=acme.viewer).json()["items"][0]
    assert (rival["asin"], rival["best_organic_rank"], rival["worst_organic_rank"]) == (RIVAL, 1, 3)
    assert (rival["trend"], rival["trend_delta"]) == ("down", -2)


def test_share_of_voice_per_brand_with_competitors_side_by_side(
    client: TestClient, acme: ApiTenant, job: dict[str, Any]
) -> None:
    url = f"{RANKS}/jobs/{job['id']}/share-of-voice"
    bottle = client.get(url, params={"scope": "page1", "days": 30}, headers=acme.viewer).json()["items"][0]
    assert (bottle["scope"], bottle["snapshots"], bottle["pages_seen"], bottle["tracked_brand"]) == (
        "page1",
        2,
        1,
        "Hydro",
    )
    assert (bottle["organic_cards"], bottle["sponsored_cards"], bottle["brand_count"]) == (6, 2, 3)
    brands = {row["brand"]: row for row in bottle["brands"]}
    hydro = brands["Hydro"]
    assert hydro["tracked"] is True
    # Hydro is organic #2 then #1 of three organic cards per run.
    assert hydro["organic"] == {"basic": round(2 / 6, 4), "weighted": round(1.5 / (2 * 11 / 6), 4)}
    assert (hydro["sponsored"], brands["Other"]["sponsored"]) == (
        {"basic": 0.0, "weighted": 0.0},
        {"basic": 1.0, "weighted": 1.0},
    )
    own, rival = bottle["competitors"]
    assert (own["asin"], own["own"], own["brand"], own["status"]) == (OWN, True, "Hydro", "failed")
    assert (own["organic_rank"], own["best_organic_rank"], own["worst_organic_rank"]) == (1, 1, 2)
    assert (rival["asin"], rival["own"], rival["brand"], rival["organic_rank"]) == (RIVAL, False, "Rival", 3)
    deep = client.get(url, params={"scope": "pages1-3", "days": 30}, headers=acme.viewer).json()["items"][0]
    hydro_deep = next(row for row in deep["brands"] if row["brand"] == "Hydro")
    assert (deep["pages_seen"], hydro_deep["sponsored_cards"]) == (2, 1)
    assert hydro_deep["sponsored"] == {"basic": round(1 / 3, 4), "weighted": round(0.5 / 2.5, 4)}
    recent = client.get(url, params={"days": 3}, headers=acme.viewer).json()["items"][0]
    assert (recent["snapshots"], recent["brands"], recent["competitors"][0]["status"]) == (0, [], "failed")
    bad = client.get(url, params={"scope": "page2"}, headers=acme.viewer)
    assert bad.status_code == 422


def test_competition_is_a_labelled_heuristic_without_invented_search_volume(
    client: TestClient, acme: ApiTenant, job: dict[str, Any]
) -> None:
    page = client.get(f"{RANKS}/jobs/{job['id']}/competition", headers=acme.viewer).json()
    bottle, flask = page["items"]
    assert (bottle["level"], bottle["total_results"], bottle["ad_density"]) == ("high", 20_000, 0.25)
    assert (bottle["page1_cards"], bottle["page1_sponsored_cards"], bottle["snapshots"]) == (8, 2, 2)
    assert (flask["level"], flask["total_results"], flask["ad_density"]) == ("low", 800, 0.0)
    for row in page["items"]:
        assert row["heuristic"] is True
        assert "heuristic" in row["method"]
        assert (row["search_volume"], row["search_volume_source"]) == (None, None)
    recent = client.get(f"{RANKS}/jobs/{job['id']}/competition", params={"days": 2}, headers=acme.viewer)
    assert recent.json()["items"][0]["level"] is None, "no successful check in the window: unknown"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_exports_as_csv_and_as_the_same_json(
    client: TestClient, acme: ApiTenant, job: dict[str, Any], clock: FakeClock
) -> None:
    combined = client.get(f"{RANKS}/export.csv", headers=acme.viewer)
    assert combined.status_code == 200
    assert combined.headers["content-type"].startswith("text/csv")
    assert combined.headers["content-disposition"] == 'attachment; filename="ranks-combined.csv"'
    rows = _csv(combined.text)
    assert len(rows) == 8, "bottle: 3 runs x 2 ASINs, flask: 1 run x 2 ASINs"
    failed = [row for row in rows if row["status"] == "failed"]
    assert {row["asin"] for row in failed} == {OWN, RIVAL}
    assert failed[0]["failure_reason"] == "page 1: blocked: robot check"
    assert failed[0]["organic_rank"] == "", "a failed check has no rank, not a zero"
    since = (clock.now() - timedelta(days=7)).date().isoformat()
    params = {"kind": "organic", "since": since, "keyword": " BOTTLE ", "asin": OWN.lower(), "job": job["id"]}
    organic = client.get(f"{RANKS}/export.csv", params=params, headers=acme.viewer)
    assert organic.headers["content-disposition"].endswith(
        f'filename="ranks-organic-job{job["id"]}-{since}.csv"'
    )
    organic_rows = _csv(organic.text)
    assert [(r["organic_rank"], r["role"], r["status"]) for r in organic_rows] == [
        ("1", "own", "ok"),
        ("", "own", "failed"),
    ]
    assert "sponsored_rank" not in organic_rows[0]
    as_json = client.get(f"{RANKS}/export", params=params, headers=acme.viewer).json()
    assert as_json["total"] == 2
    assert [item["organic_rank"] for item in as_json["items"]] == [1, None]
    assert "sponsored_rank" not in as_json["items"][0]
    sponsored = client.get(
        f"{RANKS}/export", params={"kind": "sponsored", "asin": OWN}, headers=acme.viewer
    ).json()
    assert [item["sponsored_rank"] for item in sponsored["items"]] == [2, None, None, None]
    assert "organic_rank" not in sponsored["items"][0]
    paged = client.get(f"{RANKS}/export", params={"limit": 3, "offset": 6}, headers=acme.viewer).json()
    assert (paged["total"], len(paged["items"])) == (8, 2)
    assert (
        client.get(f"{RANKS}/export", params={"marketplace": "uk"}, headers=acme.viewer).json()["total"] == 0
    )


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/export.csv", {"asin": "B0BAD"}, 422, "an ASIN has 10 characters; 'B0BAD' has 5"),
        ("/export.csv", {"since": "2026-02-01", "until": "2026-01-01"}, 422, "since must be before until"),
        ("/export", {"marketplace": "XX"}, 422, "unknown Amazon marketplace 'XX'"),
        ("/export", {"keyword": "a\x00b"}, 422, "a keyword cannot contain control characters"),
        ("/export.csv", {"kind": "everything"}, 422, None),
        ("/export.csv", {"since": "last tuesday"}, 422, None),
        ("/jobs/{job}/stats", {"days": 14}, 422, "days is one of 7, 30, 90 (14 given)"),
        ("/jobs/{job}/share-of-voice", {"days": 0}, 422, "days is 1 to 365 (0 given)"),
        ("/jobs/{job}/competition", {"days": 400}, 422, "days is 1 to 365 (400 given)"),
        ("/jobs/{job}/stats", {"asin": "B0AAAAAAAA"}, 422, "the job does not track B0AAAAAAAA"),
    ],
)
def test_bad_filters_get_a_clear_4xx(
    client: TestClient,
    acme: ApiTenant,
    job: dict[str, Any],
    path: str,
    params: dict[str, Any],
    status: int,
    message: str | None,
) -> None:
    response = client.get(RANKS + path.format(job=job["id"]), params=params, headers=acme.viewer)
    assert response.status_code == status, response.text
    if message is not None:
        assert response.json()["message"].startswith(message)


def test_another_workspace_sees_nothing(client: TestClient, globex: ApiTenant, job: dict[str, Any]) -> None:
    for path in ("stats", "share-of-voice", "competition"):
        response = client.get(f"{RANKS}/jobs/{job['id']}/{path}", headers=globex.viewer)
        assert response.status_code == 404, path
    assert (
        client.get(f"{RANKS}/export.csv", params={"job": job["id"]}, headers=globex.viewer).status_code == 404
    )
    everything = client.get(f"{RANKS}/export.csv", headers=globex.viewer)
    assert (everything.status_code, _csv(everything.text)) == (200, [])
    assert client.get(f"{RANKS}/export", headers=globex.viewer).json()["total"] == 0
    assert client.get(f"{RANKS}/export").status_code == 401
