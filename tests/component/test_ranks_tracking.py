"""Rank tracking end to end against the sandbox's Amazon storefronts on 127.0.0.1.

Schedule → scheduler tick → run executed by the job system → observations, compared with what
the sandbox says it served (its ground truth). Bot defences, shared pages, partial runs and
reparsing are exercised the same way: real fetch engine, real HTTP, real database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

import shelfscope.ranks.tasks  # noqa: F401 - registers the run kind and the due source
from shelfscope.archive import RawArchive
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import Timeout
from shelfscope.fetch import Request, Response
from shelfscope.fetch.models_db import RequestLogEntry
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.scheduler import tick
from shelfscope.platform import Platform
from shelfscope.ranks import check_runs, jobs
from shelfscope.ranks.fetcher import EngineFetcher
from shelfscope.ranks.models import Observation, SerpSnapshot, TrackedKeyword
from shelfscope.ranks.pages import SERP_ARCHIVE, savings_of
from shelfscope.ranks.reparse import reparse_job
from shelfscope.sandbox import SandboxServer
from shelfscope.sandbox.amazon import DEMO_KEYWORDS, asin_ranking, configure, served_log
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace

BOTTLE = "B0D7KQ3M2X"  # a demo product the sandbox ranks for the keywords below
MAT = "B0CZ8VN4TR"
KEYWORDS = list(DEMO_KEYWORDS["DE"][BOTTLE])  # three German keywords


@dataclass
class Rig:
    platform: Platform
    server: SandboxServer
    clock: FakeClock

    @property
    def sandbox(self) -> Any:
        return self.server.context


@pytest.fixture
def rig(settings: Settings, db: Database) -> Iterator[Rig]:
    server = SandboxServer.from_settings(settings)
    server.start()
    tuned = settings.model_copy(
        update={
            "sandbox": settings.sandbox.model_copy(update={"enabled": True, "url": server.url}),
            "fetch": settings.fetch.model_copy(update={"retry_base_seconds": 0.0, "retry_max_seconds": 0.0}),
            # Storefront URLs come from the sandbox registry (ranks.amazon_base_url is unset).
            "ranks": settings.ranks.model_copy(update={"start_jitter_seconds": 0}),
        }
    )
    clock = FakeClock()
    try:
        with jobs_platform(tuned, db, clock=clock) as platform:
            yield Rig(platform=platform, server=server, clock=clock)
    finally:
        server.stop()


def _job(rig: Rig, workspace_id: int, asin: str = BOTTLE, **options: Any) -> int:
    with rig.platform.db.session() as session:
        job = jobs.create_job(
            session,
            rig.platform,
            workspace_id=workspace_id,
            asin=asin,
            marketplace="DE",
            keywords=options.pop("keywords", KEYWORDS),
            **options,
        )
        return job.id


def _execute(rig: Rig, run_id: int) -> Run:
    execute_run(rig.platform, run_id, worker="test-worker")
    with rig.platform.db.session() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run


def _run_now(rig: Rig, workspace_id: int, job_id: int) -> Run:
    with rig.platform.db.session() as session:
        run_id = check_runs.run_job_now(session, rig.platform, workspace_id=workspace_id, job_id=job_id).id
    return _execute(rig, run_id)


def _observations(rig: Rig, run_id: int) -> dict[tuple[str, str], Observation]:
    """The run's observations by (normalised keyword, ASIN)."""
    with rig.platform.db.session() as session:
        rows = session.execute(
            select(Observation, TrackedKeyword.normalised)
            .join(TrackedKeyword, TrackedKeyword.id == Observation.keyword_id)
            .where(Observation.run_id == run_id)
        ).all()
    return {(keyword, row.asin): row for row, keyword in rows}


def _truth(rig: Rig, keyword: str, asin: str, depth: int = 3) -> dict[str, Any]:
    return asin_ranking(rig.sandbox, "DE", keyword, asin, depth=depth)


def _measured(row: Observation) -> dict[str, Any]:
    return {
        "asin": row.asin,
        "found": row.found,
        "organic_rank": row.organic_rank,
        "sponsored_rank": row.sponsored_rank,
        "page": row.page,
        "position": row.position,
    }


def _expected(truth: dict[str, Any]) -> dict[str, Any]:
    return {
        key: truth[key] for key in ("asin", "found", "organic_rank", "sponsored_rank", "page", "position")
    }


def test_scheduled_run_observes_exactly_what_the_sandbox_served(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id = _job(rig, workspace_id, competitor_asins=[MAT])
    report = tick(rig.platform)
    assert report.source_runs["ranks.jobs"] == 1
    (run_id,) = report.dispatched
    run = _execute(rig, run_id)
    assert run.status == RunStatus.SUCCEEDED.value, run.error
    assert run.result is not None
    assert (run.result["keywords"], run.result["failed"]) == (3, [])
    observed = _observations(rig, run_id)
    assert len(observed) == 6  # 3 keywords x (own ASIN + competitor)
    for keyword in KEYWORDS:
        for asin in (BOTTLE, MAT):
            row = observed[(keyword, asin)]
            assert _measured(row) == _expected(_truth(rig, keyword, asin)), (keyword, asin)
            assert row.status == ("ok" if row.found else "not_found")
    assert any(observed[(k, BOTTLE)].found for k in KEYWORDS), "the demo product ranks for its keywords"
    with rig.platform.db.session() as session:
        snapshots = session.scalars(select(SerpSnapshot).where(SerpSnapshot.run_id == run_id)).all()
        job = jobs.get_job(session, workspace_id=workspace_id, job_id=job_id)
        assert (job.last_run_id, job.last_run_at) == (run_id, rig.clock.now())
    assert len(snapshots) == 3
    with rig.platform.db.session() as session:  # the workspace's bandwidth, per run, in the request log
        logged = session.scalars(
            select(RequestLogEntry).where(
                RequestLogEntry.workspace_id == workspace_id, RequestLogEntry.run_id == str(run_id)
            )
        ).all()
    assert len(logged) == run.result["pages_fetched"] == sum(o.pages_checked for o in observed.values()) // 2
    first = snapshots[0].results["results"][0]
    assert len(first) == 6 and first[4] == 1, "asin, brand, sponsored, rank, page, position"
    archive = RawArchive.from_settings(rig.platform.settings, SERP_ARCHIVE)
    keys = observed[(KEYWORDS[0], BOTTLE)].page_keys
    assert len(keys) == observed[(KEYWORDS[0], BOTTLE)].pages_checked
    assert all(archive.has(key) for key in keys)


def test_running_a_run_again_never_double_counts(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id = _job(rig, workspace_id)
    run = _run_now(rig, workspace_id, job_id)
    before = {key: _measured(row) for key, row in _observations(rig, run.id).items()}
    with rig.platform.db.session() as session:  # as the reconciler does when a worker seems dead
        session.execute(update(Run).where(Run.id == run.id).values(status=RunStatus.QUEUED.value))
    again = _execute(rig, run.id)
    assert again.status == RunStatus.SUCCEEDED.value
    assert again.result is not None and again.result["resumed"] == 3, "healthy keywords are not fetched again"
    after = {key: _measured(row) for key, row in _observations(rig, run.id).items()}
    assert after == before
    with rig.platform.db.session() as session:
        assert len(session.scalars(select(Observation.id)).all()) == 3


def test_captchas_mid_run_are_retried_and_never_recorded_as_unranked(rig: Rig, db: Database) -> None:
    configure(rig.sandbox, captcha_after_requests=2, rate_window_seconds=3600, captcha_block_seconds=3600)
    workspace_id = make_workspace(db)
    run = _run_now(rig, workspace_id, _job(rig, workspace_id))
    assert run.status == RunStatus.SUCCEEDED.value, run.error
    assert served_log(rig.sandbox).counts().get("captcha", 0) >= 1, "the sandbox did serve CAPTCHAs"
    for (keyword, asin), row in _observations(rig, run.id).items():
        assert row.status != "failed"
        assert _measured(row) == _expected(_truth(rig, keyword, asin))


def test_a_blocked_run_is_retried_later_and_recorded_as_failed_not_unranked(rig: Rig, db: Database) -> None:
    configure(rig.sandbox, error_503_rate=1.0)
    workspace_id = make_workspace(db)
    job_id = _job(rig, workspace_id, keywords=KEYWORDS[:2])
    with rig.platform.db.session() as session:
        run_id = check_runs.run_job_now(session, rig.platform, workspace_id=workspace_id, job_id=job_id).id
    first = _execute(rig, run_id)
    assert first.status == RunStatus.QUEUED.value, "every keyword failed: the run retries with backoff"
    assert first.error is not None and first.error.startswith("blocked:")
    failed = _observations(rig, run_id)
    assert {row.status for row in failed.values()} == {"failed"}
    assert all(row.organic_rank is None and not row.found for row in failed.values())
    assert all(
        row.failure_reason and row.failure_reason.startswith("page 1: blocked:") for row in failed.values()
    )
    configure(rig.sandbox, error_503_rate=0.0)
    rig.clock.advance(timedelta(hours=1))
    second = _execute(rig, run_id)
    assert second.status == RunStatus.SUCCEEDED.value, second.error
    for (keyword, asin), row in _observations(rig, run_id).items():
        assert row.status in {"ok", "not_found"}
        assert _measured(row) == _expected(_truth(rig, keyword, asin))


def test_a_page_fetched_for_one_workspace_serves_another_and_counts_bytes_saved(
    rig: Rig, db: Database
) -> None:
    alpha, beta = make_workspace(db, "Alpha"), make_workspace(db, "Beta")
    keyword = KEYWORDS[:1]
    first = _run_now(rig, alpha, _job(rig, alpha, BOTTLE, keywords=keyword))
    searches = served_log(rig.sandbox).counts()["search"]
    second = _run_now(rig, beta, _job(rig, beta, MAT, keywords=[keyword[0].upper()]))
    assert served_log(rig.sandbox).counts()["search"] == searches, "nothing fetched the second time"
    assert first.result is not None and second.result is not None
    assert second.result["pages_fetched"] == 0
    assert second.result["pages_reused"] == first.result["pages_fetched"] >= 1
    assert second.result["bytes_saved"] == first.result["bytes_fetched"] > 0
    with rig.platform.db.session() as session:
        assert savings_of(session, workspace_id=beta) == (
            first.result["pages_fetched"],
            first.result["bytes_fetched"],
        )
        assert savings_of(session, workspace_id=alpha) == (0, 0)
    row = next(iter(_observations(rig, second.id).values()))
    assert _measured(row) == _expected(_truth(rig, keyword[0], MAT))
    rig.clock.advance(timedelta(minutes=11))  # past the 10-minute window: fetched afresh
    third = _run_now(rig, beta, _only_job(rig, beta))
    assert third.result is not None and third.result["pages_fetched"] == first.result["pages_fetched"]


def _only_job(rig: Rig, workspace_id: int) -> int:
    with rig.platform.db.session() as session:
        (job,) = session.scalars(jobs.jobs_query(workspace_id=workspace_id)).all()
        return job.id


class _TimesOut(EngineFetcher):
    """The real engine, except that one keyword never answers (which the sandbox cannot stage)."""

    def fetch(self, request: Request) -> Response:
        if request.meta.get("query") == KEYWORDS[1]:
            raise Timeout(f"{request.host} did not answer within 60s")
        return super().fetch(request)


def test_a_run_with_some_failed_keywords_ends_partial_naming_them(
    rig: Rig, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shelfscope.ranks.runner.EngineFetcher", _TimesOut)
    workspace_id = make_workspace(db)
    run = _run_now(rig, workspace_id, _job(rig, workspace_id))
    assert run.status == RunStatus.PARTIAL.value
    assert run.error == (
        f"1 of 3 keywords failed: {KEYWORDS[1]!r} (page 1: timeout: 127.0.0.1 did not answer within 60s)"
    )
    assert run.result is not None
    assert run.result["failed"] == [
        {"keyword": KEYWORDS[1], "reason": "page 1: timeout: 127.0.0.1 did not answer within 60s"}
    ]
    observed = _observations(rig, run.id)
    assert observed[(KEYWORDS[1], BOTTLE)].status == "failed"
    for keyword in (KEYWORDS[0], KEYWORDS[2]):
        assert _measured(observed[(keyword, BOTTLE)]) == _expected(_truth(rig, keyword, BOTTLE))


def test_reparse_reproduces_the_observations_from_the_archive(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id = _job(rig, workspace_id)
    started = rig.clock.now()
    run = _run_now(rig, workspace_id, job_id)
    original = {key: _measured(row) for key, row in _observations(rig, run.id).items()}
    with rig.platform.db.session() as session:  # what an older, buggy parser might have stored
        session.execute(update(Observation).values(organic_rank=999, status="failed", found=False))
    report = reparse_job(rig.platform, workspace_id=workspace_id, job_id=job_id, since=started)
    assert report.to_json() == {
        "checks": 3,
        "reparsed": 3,
        "changed": 3,
        "failed": 0,
        "incomplete": 0,
        "pruned": 0,
    }
    assert {key: _measured(row) for key, row in _observations(rig, run.id).items()} == original
    again = reparse_job(rig.platform, workspace_id=workspace_id, job_id=job_id, since=started)
    assert (again.reparsed, again.changed) == (3, 0)
    later = reparse_job(
        rig.platform, workspace_id=workspace_id, job_id=job_id, since=started + timedelta(days=1)
    )
    assert later.checks == 0


def test_an_embedded_worker_and_scheduler_track_a_new_job_on_their_own(
    settings: Settings, sqlite_db: Database
) -> None:
    """The ``serve`` set-up: scheduler and worker threads, Huey in between, real clock."""
    from shelfscope.clock import SystemClock
    from shelfscope.jobs.embedded import EmbeddedJobs
    from tests.jobs_support import jobs_settings, wait_until

    with SandboxServer.from_settings(settings) as server:
        tuned = jobs_settings(settings, scheduler_interval_seconds=0.1, heartbeat_seconds=0.1).model_copy(
            update={
                "sandbox": settings.sandbox.model_copy(update={"enabled": True, "url": server.url}),
                "ranks": settings.ranks.model_copy(update={"start_jitter_seconds": 0}),
            }
        )
        with jobs_platform(tuned, sqlite_db, clock=SystemClock()) as platform:
            workspace_id = make_workspace(sqlite_db)
            rig = Rig(platform=platform, server=server, clock=FakeClock())
            job_id = _job(rig, workspace_id, keywords=KEYWORDS[:2])
            embedded = EmbeddedJobs.from_platform(platform)
            embedded.start()
            try:

                def checked() -> bool:
                    with platform.db.session() as session:
                        job = jobs.get_job(session, workspace_id=workspace_id, job_id=job_id)
                        run = session.get(Run, job.last_run_id) if job.last_run_id else None
                        return run is not None and run.status == RunStatus.SUCCEEDED.value

                wait_until(checked, timeout=60)
            finally:
                embedded.stop()
            with platform.db.session() as session:
                run_id = jobs.get_job(session, workspace_id=workspace_id, job_id=job_id).last_run_id
            assert run_id is not None
            for (keyword, asin), row in _observations(rig, run_id).items():
                assert _measured(row) == _expected(_truth(rig, keyword, asin))
            platform.queue.huey.flush()
