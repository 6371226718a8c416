"""Tracking jobs, keywords and the keyword table as services, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shelfscope.auth.models import AuditLog
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.platform import Platform
from shelfscope.ranks import check_runs, history, jobs, keywords
from shelfscope.ranks.checker import KeywordCheck
from shelfscope.ranks.models import JobStatus, Observation, ObservationStatus, TrackingJob
from shelfscope.ranks.observations import CheckTarget, record_check
from shelfscope.ranks.ranking import rank_pages
from shelfscope.ranks.serp import SerpPage, SerpResult
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace

OWN = "B0D7KQ3M2X"
RIVAL = "B0CZ8VN4TR"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def platform(settings: Settings, db: Database, clock: FakeClock) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=clock) as platform:
        yield platform


@pytest.fixture
def acme(db: Database) -> int:
    return make_workspace(db, "Acme")


@pytest.fixture
def globex(db: Database) -> int:
    return make_workspace(db, "Globex")


def _job(platform: Platform, workspace_id: int, **options: object) -> TrackingJob:
    with platform.db.session() as session:
        return jobs.create_job(
            session, platform, workspace_id=workspace_id, **({"asin": OWN, "marketplace": "DE"} | options)
        )  # type: ignore[arg-type]


def test_a_new_job_is_validated_normalised_and_due_soon(
    platform: Platform, acme: int, clock: FakeClock
) -> None:
    job = _job(
        platform,
        acme,
        asin=" b0d7kq3m2x",
        marketplace="amazon.de",
        frequency="6h",
        competitor_asins=[RIVAL.lower(), OWN],
        keywords=["Trinkflasche", "  trinkflasche ", "Isolierflasche"],
    )
    assert (job.asin, job.marketplace, job.frequency, job.depth) == (OWN, "DE", "6h", 3)
    assert (job.delay_min_seconds, job.delay_max_seconds) == (20, 30)
    assert job.competitor_asins == [RIVAL]
    assert job.status == "active"
    assert clock.now() <= job.next_run_at <= clock.now() + timedelta(seconds=60)
    with platform.db.session() as session:
        listed = keywords.list_keywords(session, workspace_id=acme, job_id=job.id)
        audited = session.scalars(
            select(AuditLog.action).where(
                AuditLog.entity_type == "tracking_job", AuditLog.entity_id == str(job.id)
            )
        ).all()
    assert [(k.keyword, k.normalised) for k in listed] == [
        ("Trinkflasche", "trinkflasche"),
        ("Isolierflasche", "isolierflasche"),
    ]
    assert audited == ["create"]


def test_one_job_per_asin_and_marketplace_in_a_workspace(platform: Platform, acme: int, globex: int) -> None:
    first = _job(platform, acme)
    with pytest.raises(Conflict, match=f"already tracked by job {first.id}"):
        _job(platform, acme, marketplace="de")
    assert _job(platform, acme, marketplace="UK").marketplace == "UK"
    assert _job(platform, globex).workspace_id == globex


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"asin": "B0SHORT"}, "asin"),
        ({"marketplace": "XX"}, "marketplace"),
        ({"depth": 8}, "depth"),
        ({"frequency": "monthly"}, "frequency"),
        ({"delay_min_seconds": 40, "delay_max_seconds": 30}, "delay_min_seconds"),
        ({"keywords": ["ok", "bad\x07keyword"]}, "keywords"),
        ({"name": "bell\x07name"}, "name"),
    ],
)
def test_bad_job_input_is_refused_naming_the_field(
    platform: Platform, acme: int, options: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        _job(platform, acme, **options)
    assert caught.value.field == field


def test_another_workspaces_job_is_reported_missing(platform: Platform, acme: int, globex: int) -> None:
    job = _job(platform, acme, keywords=["yoga mat"])
    with platform.db.session() as session:
        kw = keywords.list_keywords(session, workspace_id=acme, job_id=job.id)[0]
    calls = [
        lambda s: jobs.get_job(s, workspace_id=globex, job_id=job.id),
        lambda s: jobs.update_job(s, platform, workspace_id=globex, job_id=job.id, changes={"depth": 2}),
        lambda s: jobs.pause_job(s, platform, workspace_id=globex, job_id=job.id),
        lambda s: jobs.delete_job(s, platform, workspace_id=globex, job_id=job.id),
        lambda s: check_runs.run_job_now(s, platform, workspace_id=globex, job_id=job.id),
        lambda s: keywords.add_keyword(
            s, settings=platform.settings.ranks, workspace_id=globex, job_id=job.id, keyword="x"
        ),
        lambda s: keywords.remove_keyword(s, workspace_id=globex, job_id=job.id, keyword_id=kw.id),
        lambda s: history.keyword_statuses(s, workspace_id=globex, job_id=job.id, now=platform.clock.now()),
        lambda s: history.keyword_history_query(s, workspace_id=globex, job_id=job.id, keyword_id=kw.id),
    ]
    for call in calls:
        with pytest.raises(NotFound), platform.db.session() as session:
            call(session)
    with platform.db.session() as session:
        assert session.scalars(jobs.jobs_query(workspace_id=globex)).all() == []
        assert jobs.get_job(session, workspace_id=acme, job_id=job.id).depth == 3


def test_editing_a_job_reschedules_on_a_new_frequency(
    platform: Platform, acme: int, clock: FakeClock
) -> None:
    job = _job(platform, acme, frequency="daily")
    with platform.db.session() as session:
        edited = jobs.update_job(
            session,
            platform,
            workspace_id=acme,
            job_id=job.id,
            changes={"frequency": "weekly", "depth": 7, "competitor_asins": [RIVAL], "name": " Bottle  DE "},
        )
        assert (edited.frequency, edited.depth, edited.competitor_asins, edited.name) == (
            "weekly",
            7,
            [RIVAL],
            "Bottle DE",
        )
        week = timedelta(days=7)
        assert clock.now() + week * 0.9 <= edited.next_run_at <= clock.now() + week * 1.1
        with pytest.raises(InvalidInput, match="ASIN and marketplace of a job are fixed"):
            jobs.update_job(session, platform, workspace_id=acme, job_id=job.id, changes={"asin": RIVAL})


def test_pause_and_resume(platform: Platform, acme: int, clock: FakeClock) -> None:
    job = _job(platform, acme)
    with platform.db.session() as session:
        assert jobs.pause_job(session, platform, workspace_id=acme, job_id=job.id).status == "paused"
    clock.advance(timedelta(days=3))
    with platform.db.session() as session:
        resumed = jobs.resume_job(session, platform, workspace_id=acme, job_id=job.id)
        assert resumed.status == "active"
        assert clock.now() <= resumed.next_run_at <= clock.now() + timedelta(seconds=60)
        assert [
            j.id for j in session.scalars(jobs.jobs_query(workspace_id=acme, status=JobStatus.ACTIVE))
        ] == [job.id]


def test_deleting_a_job_deletes_its_keywords(platform: Platform, acme: int) -> None:
    job = _job(platform, acme, keywords=["a", "b"])
    with platform.db.session() as session:
        jobs.delete_job(session, platform, workspace_id=acme, job_id=job.id)
    with platform.db.session() as session:
        assert session.get(TrackingJob, job.id) is None
        assert keywords.keyword_counts(session, workspace_id=acme, job_ids=[job.id]) == {}


def test_keywords_one_at_a_time_refuse_duplicates_in_any_case_or_spacing(
    platform: Platform, acme: int
) -> None:
    job = _job(platform, acme, keywords=["Yoga Mat"])
    settings = platform.settings.ranks
    with platform.db.session() as session:
        added = keywords.add_keyword(
            session, settings=settings, workspace_id=acme, job_id=job.id, keyword=" thick  Mat "
        )
        assert (added.keyword, added.normalised) == ("thick Mat", "thick mat")
        with pytest.raises(Conflict, match="already tracks 'YOGA mat'"):
            keywords.add_keyword(
                session, settings=settings, workspace_id=acme, job_id=job.id, keyword="  YOGA   mat"
            )
        keywords.remove_keyword(session, workspace_id=acme, job_id=job.id, keyword_id=added.id)
        assert [k.keyword for k in keywords.list_keywords(session, workspace_id=acme, job_id=job.id)] == [
            "Yoga Mat"
        ]


def test_bulk_keywords_report_added_duplicates_and_invalid(platform: Platform, acme: int) -> None:
    job = _job(platform, acme, keywords=["yoga mat"])
    text = "Yoga Mat\nthick mat\n\nTHICK MAT\n" + "x" * 201 + "\nmat\x01bad\ngym mat\n"
    with platform.db.session() as session:
        report = keywords.add_keywords_from_text(
            session, settings=platform.settings.ranks, workspace_id=acme, job_id=job.id, text=text
        )
    assert report.added == ["thick mat", "gym mat"]
    assert report.duplicates == ["Yoga Mat", "THICK MAT"]
    assert [(line.line, line.reason) for line in report.invalid] == [
        (5, "a keyword has at most 200 characters (201 given)"),
        (6, "a keyword cannot contain control characters"),
    ]
    csv_text = 'keyword\n"mat, non slip",1\ngym mat,2\n'
    with platform.db.session() as session:
        from_csv = keywords.add_keywords_from_text(
            session,
            settings=platform.settings.ranks,
            workspace_id=acme,
            job_id=job.id,
            text=csv_text,
            csv_format=True,
        )
    assert (from_csv.added, from_csv.duplicates, from_csv.invalid) == (["mat, non slip"], ["gym mat"], [])


def test_a_job_holds_at_most_the_configured_number_of_keywords(platform: Platform, acme: int) -> None:
    small = platform.settings.ranks.model_copy(update={"max_keywords_per_job": 2})
    job = _job(platform, acme, keywords=["one"])
    with platform.db.session() as session:
        report = keywords.add_keywords(
            session, settings=small, workspace_id=acme, job_id=job.id, keywords=["two", "three"]
        )
        assert report.added == ["two"]
        assert [line.reason for line in report.invalid] == ["the job is full (2 keywords at most)"]
        with pytest.raises(InvalidInput, match="at most 2 keywords"):
            keywords.add_keyword(session, settings=small, workspace_id=acme, job_id=job.id, keyword="four")


def test_schedule_preview_follows_the_frequency(platform: Platform, clock: FakeClock) -> None:
    preview = jobs.preview_schedule(platform, frequency="hourly")
    assert preview.interval_seconds == 3600
    assert clock.now() <= preview.first_run_at <= clock.now() + timedelta(seconds=60)
    gap = preview.following_run_at - preview.first_run_at
    assert timedelta(minutes=54) <= gap <= timedelta(minutes=66)


def test_run_now_queues_one_check_at_a_time(platform: Platform, acme: int) -> None:
    job = _job(platform, acme)
    other = _job(platform, acme, marketplace="UK")
    with platform.db.session() as session:
        run = check_runs.run_job_now(session, platform, workspace_id=acme, job_id=job.id)
        assert (run.kind, run.payload, run.status) == ("ranks.check", {"job_id": job.id}, "queued")
        assert run.subject == f"{OWN} on amazon.de"
    with (
        pytest.raises(Conflict, match=f"already queued \\(run {run.id}\\)"),
        platform.db.session() as session,
    ):
        check_runs.run_job_now(session, platform, workspace_id=acme, job_id=job.id)
    with platform.db.session() as session:
        session.get(Run, run.id).status = RunStatus.SUCCEEDED.value  # type: ignore[union-attr]
    with platform.db.session() as session:
        second = check_runs.run_job_now(session, platform, workspace_id=acme, job_id=job.id)
        check_runs.run_job_now(session, platform, workspace_id=acme, job_id=other.id)
        listed = session.scalars(check_runs.job_runs_query(workspace_id=acme, job_id=job.id)).all()
        assert [r.id for r in listed] == [second.id, run.id]
        assert jobs.get_job(session, workspace_id=acme, job_id=job.id).last_run_id == second.id


# Keyword table and history ---------------------------------------------------------------------


def _check(cards: list[tuple[str, bool]], *, error: Exception | None = None) -> KeywordCheck:
    """A one-page check whose cards are (asin, sponsored) in order, or a failed one."""
    if error is not None:
        return KeywordCheck(
            marketplace="DE", query="q", depth=1, raw_pages=(), ranked=None, error=error, failed_page=1
        )  # type: ignore[arg-type]
    results, organic, sponsored = [], 0, 0
    for position, (asin, is_ad) in enumerate(cards, start=1):
        organic += not is_ad
        sponsored += is_ad
        results.append(
            SerpResult(
                position=position,
                asin=asin,
                sponsored=is_ad,
                organic_rank=None if is_ad else organic,
                sponsored_rank=sponsored if is_ad else None,
                title=None,
                brand=None,
                price=None,
                currency=None,
                rating=None,
                review_count=None,
            )
        )
    page = SerpPage(
        page_type="search", block_kind=None, marketplace="DE", query="q", corrected_query=None, total_results=500,
        total_results_text=None, page=1, has_next_page=False, layout="search-result", results=tuple(results),
    )  # fmt: skip
    return KeywordCheck(marketplace="DE", query="q", depth=1, raw_pages=(), ranked=rank_pages([page]))


def _filler(count: int) -> list[tuple[str, bool]]:
    return [(f"B0FILL{n:04d}", False) for n in range(count)]


def _record(platform: Platform, job: TrackingJob, keyword_id: int, run_id: int, check: KeywordCheck) -> None:
    target = CheckTarget(
        workspace_id=job.workspace_id,
        job_id=job.id,
        keyword_id=keyword_id,
        marketplace="DE",
        asins=job.tracked_asins,
    )
    with platform.db.session() as session:
        record_check(
            session, target, check, run_id=run_id, observed_at=platform.clock.now(), snapshot_pages=3
        )


def test_keyword_table_shows_last_healthy_ranks_change_and_extremes(
    platform: Platform, acme: int, clock: FakeClock
) -> None:
    from shelfscope.errors import Blocked

    job = _job(platform, acme, competitor_asins=[RIVAL], keywords=["bottle", "flask", "never checked"])
    with platform.db.session() as session:
        bottle, flask, _never = (
            k.id for k in keywords.list_keywords(session, workspace_id=acme, job_id=job.id)
        )
    history_of_bottle = [
        [*_filler(9), (OWN, False), (RIVAL, True)],  # organic 10, rival sponsored 1
        [(OWN, True), *_filler(3), (OWN, False)],  # organic 4, sponsored 1
        None,  # blocked: must not blank the ranks
    ]
    for run_id, cards in enumerate(history_of_bottle, start=1):
        clock.advance(timedelta(hours=6))
        check = _check(cards) if cards else _check([], error=Blocked("captcha page", kind="captcha"))
        _record(platform, job, bottle, run_id, check)
        _record(platform, job, flask, run_id, _check(_filler(5)))
    with platform.db.session() as session:
        table = history.keyword_statuses(session, workspace_id=acme, job_id=job.id, now=clock.now())
        rival = history.keyword_statuses(
            session, workspace_id=acme, job_id=job.id, asin=RIVAL.lower(), now=clock.now()
        )
    row = table[0]
    assert (row.keyword, row.status, row.failure_reason) == (
        "bottle",
        ObservationStatus.FAILED,
        "page 1: blocked: captcha page",
    )
    assert (row.organic_rank, row.sponsored_rank, row.page, row.position) == (4, 1, 1, 5)
    assert (row.change, row.delta, row.sponsored_change) == ("up", 6, "new")
    assert (row.best_organic_rank, row.worst_organic_rank) == (4, 10)
    assert row.last_checked_at == clock.now()
    assert row.last_success_at == clock.now() - timedelta(hours=6)
    assert (table[1].status, table[1].organic_rank, table[1].change) == (
        ObservationStatus.NOT_FOUND,
        None,
        None,
    )
    assert (table[2].keyword, table[2].status, table[2].last_checked_at) == ("never checked", None, None)
    assert (rival[0].sponsored_rank, rival[0].sponsored_change, rival[0].organic_rank) == (None, "lost", None)


def test_a_failure_never_overwrites_a_healthy_observation_of_the_same_run(
    platform: Platform, acme: int
) -> None:
    from shelfscope.errors import Timeout

    job = _job(platform, acme, keywords=["bottle"])
    with platform.db.session() as session:
        keyword_id = keywords.list_keywords(session, workspace_id=acme, job_id=job.id)[0].id
    _record(platform, job, keyword_id, 7, _check([*_filler(2), (OWN, False)]))
    _record(platform, job, keyword_id, 7, _check([], error=Timeout("slow")))
    _record(platform, job, keyword_id, 8, _check([], error=Timeout("slow")))
    _record(platform, job, keyword_id, 8, _check([(OWN, False)]))
    with platform.db.session() as session:
        rows = session.execute(
            select(Observation.run_id, Observation.status, Observation.organic_rank)
            .where(Observation.job_id == job.id)
            .order_by(Observation.run_id)
        ).all()
    assert [tuple(r) for r in rows] == [(7, "ok", 3), (8, "ok", 1)]


def test_history_is_newest_first_within_the_date_range(
    platform: Platform, acme: int, clock: FakeClock
) -> None:
    job = _job(platform, acme, keywords=["bottle"])
    with platform.db.session() as session:
        keyword_id = keywords.list_keywords(session, workspace_id=acme, job_id=job.id)[0].id
    start = clock.now()
    for run_id in range(1, 6):
        clock.advance(timedelta(days=1))
        _record(platform, job, keyword_id, run_id, _check([*_filler(run_id), (OWN, False)]))
    with platform.db.session() as session:
        query = history.keyword_history_query(
            session,
            workspace_id=acme,
            job_id=job.id,
            keyword_id=keyword_id,
            since=start + timedelta(days=2),
            until=start + timedelta(days=4),
        )
        ranks = [obs.organic_rank for obs in session.scalars(query)]
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        with pytest.raises(InvalidInput, match="does not track"):
            history.keyword_history_query(
                session, workspace_id=acme, job_id=job.id, keyword_id=keyword_id, asin=RIVAL
            )
        with pytest.raises(InvalidInput, match="since must be before until"):
            history.keyword_history_query(
                session,
                workspace_id=acme,
                job_id=job.id,
                keyword_id=keyword_id,
                since=clock.now(),
                until=start,
            )
    assert ranks == [4, 3]
    assert total == 2
