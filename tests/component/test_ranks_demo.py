"""The demo's rank tracking: its jobs, and a history that is what the sandbox served on each day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shelfscope.auth.bootstrap import bootstrap_owner
from shelfscope.db import Database
from shelfscope.demo import seed_demo
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.service import create_run
from shelfscope.platform import Platform
from shelfscope.ranks.demo import HISTORY_DAYS, HISTORY_KIND, create_demo_jobs, write_history
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import JobStatus, Observation, SerpSnapshot, TrackingJob
from shelfscope.sandbox.amazon import (
    DEMO_ASINS,
    DEMO_KEYWORDS,
    DEMO_MARKETPLACES,
    asin_ranking,
    ground_truth_page,
)
from shelfscope.sandbox.context import SandboxContext
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace

BOTTLE = "B0D7KQ3M2X"


@pytest.fixture
def platform(settings: Settings, db: Database) -> Iterator[Platform]:
    with jobs_platform(settings, db) as platform:
        yield platform


def _bottle_job(platform: Platform, workspace_id: int) -> int:
    with platform.db.session() as session:
        jobs = create_demo_jobs(session, platform, workspace_id=workspace_id, marketplaces=["DE"])
        return next(job.id for job in jobs if job.asin == BOTTLE)


def _history_run(platform: Platform, workspace_id: int, job_ids: list[int], days: int) -> int:
    with platform.db.session() as session:
        payload = {"job_ids": job_ids, "days": days}
        return create_run(
            session, platform, workspace_id=workspace_id, kind=HISTORY_KIND, payload=payload, enqueue=False
        ).id


def test_demo_tracks_every_demo_asin_on_us_de_and_uk_and_queues_its_history(platform: Platform) -> None:
    with platform.db.session() as session:
        owner = bootstrap_owner(session, email="owner@example.com", password="correct-horse-battery")
        assert owner is not None
    workspace_id = seed_demo(platform)
    assert workspace_id is not None
    with platform.db.session() as session:
        jobs = list(session.scalars(select(TrackingJob).where(TrackingJob.workspace_id == workspace_id)))
        assert {(job.asin, job.marketplace) for job in jobs} == {
            (asin, market) for market in DEMO_MARKETPLACES for asin in DEMO_ASINS
        }
        for job in jobs:
            tracked = [k.keyword for k in list_keywords(session, workspace_id=workspace_id, job_id=job.id)]
            assert tracked == list(DEMO_KEYWORDS[job.marketplace][job.asin])
            assert job.status == JobStatus.ACTIVE.value
            assert job.next_run_at <= platform.clock.now() + timedelta(
                seconds=60
            )  # live checks follow at once
        history = session.scalar(
            select(Run).where(Run.workspace_id == workspace_id, Run.kind == HISTORY_KIND)
        )
        assert history is not None and history.status == RunStatus.QUEUED.value
        assert sorted(history.payload["job_ids"]) == sorted(job.id for job in jobs)
        assert history.payload["days"] == HISTORY_DAYS


def test_history_is_what_the_storefront_served_on_each_past_day(platform: Platform, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id = _bottle_job(platform, workspace_id)
    run_id = _history_run(platform, workspace_id, [job_id], days=2)
    assert execute_run(platform, run_id, worker="test-worker") == RunStatus.SUCCEEDED
    sandbox = SandboxContext.from_settings(platform.settings.sandbox)
    today = platform.clock.now().date()
    with platform.db.session() as session:
        job = session.get(TrackingJob, job_id)
        assert job is not None
        assert len(job.competitor_asins) == 2 and BOTTLE not in job.competitor_asins
        children = list(session.scalars(select(Run).where(Run.parent_id == run_id).order_by(Run.id)))
        assert [child.status for child in children] == [RunStatus.SUCCEEDED.value] * 2
        keywords = list_keywords(session, workspace_id=workspace_id, job_id=job_id)
        for child, day in zip(children, (today - timedelta(days=2), today - timedelta(days=1)), strict=True):
            assert child.finished_at is not None and child.finished_at.date() == day
            rows = session.scalars(select(Observation).where(Observation.run_id == child.id))
            seen = {(row.keyword_id, row.asin): row for row in rows}
            assert len(seen) == len(keywords) * len(job.tracked_asins)
            for keyword in keywords:
                for asin in job.tracked_asins:
                    truth = asin_ranking(sandbox, "DE", keyword.normalised, asin, depth=3, day=day)
                    row = seen[(keyword.id, asin)]
                    measured = (row.found, row.organic_rank, row.sponsored_rank, row.page, row.position)
                    expected = (
                        truth["found"],
                        truth["organic_rank"],
                        truth["sponsored_rank"],
                        truth["page"],
                        truth["position"],
                    )
                    assert measured == expected, (keyword.keyword, asin, day)
                snapshot = session.scalar(
                    select(SerpSnapshot).where(
                        SerpSnapshot.run_id == child.id, SerpSnapshot.keyword_id == keyword.id
                    )
                )
                assert snapshot is not None
                served = [
                    ground_truth_page(sandbox, "DE", keyword.normalised, page=p, day=day) for p in (1, 2, 3)
                ]
                expected_cards = [[r.asin, r.brand, r.sponsored] for page in served for r in page.results]
                assert [card[:3] for card in snapshot.results["results"]] == expected_cards


def test_an_interrupted_history_run_resumes_without_writing_a_job_twice(
    platform: Platform, db: Database
) -> None:
    workspace_id = make_workspace(db)
    with platform.db.session() as session:
        jobs = create_demo_jobs(session, platform, workspace_id=workspace_id, marketplaces=["UK"])[:2]
        job_ids = [job.id for job in jobs]
        first_asin = jobs[0].asin
    run_id = _history_run(platform, workspace_id, job_ids, days=1)
    with platform.db.session() as session:  # the first job was written before the worker died
        first = session.get(TrackingJob, job_ids[0])
        assert first is not None
        write_history(session, platform, job=first, days=1, parent_run_id=run_id)
    assert execute_run(platform, run_id, worker="test-worker") == RunStatus.SUCCEEDED
    with platform.db.session() as session:
        children = session.scalars(select(Run.payload).where(Run.parent_id == run_id)).all()
        assert sorted(payload["job_id"] for payload in children) == sorted(job_ids)
        result = session.scalar(select(Run.result).where(Run.id == run_id))
        assert result == {"jobs": 2, "days": 1, "checks_written": 1}
        count = session.scalar(
            select(func.count()).select_from(Observation).where(Observation.job_id == job_ids[0])
        )
        keywords = len(DEMO_KEYWORDS["UK"][first_asin])
        assert count == keywords * 3  # own ASIN and two competitors, one day
