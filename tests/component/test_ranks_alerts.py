"""Rank alert rules evaluated on real check runs against the sandbox's storefronts.

A previous healthy check is seeded with a rank far from what the sandbox serves, then a real
run (fetch engine, HTTP, parser, database) observes the true rank and the hook at the end of
the run evaluates the job's rules. Failed checks never alert; alerts respect their cooldown;
a marketplace whose pages stop parsing raises "layout changed".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import select

import shelfscope.ranks.tasks  # noqa: F401 - registers the run kind
from shelfscope.alerts.channels import create_channel
from shelfscope.alerts.models import AlertDelivery, AlertEvent, Notification
from shelfscope.auth.bootstrap import bootstrap_owner
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.demo import seed_demo
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.models import Run
from shelfscope.platform import Platform
from shelfscope.ranks import check_runs, jobs
from shelfscope.ranks.alert_rules import RankAlertRule, create_rule, rule_label
from shelfscope.ranks.models import Observation, TrackedKeyword, TrackingJob
from shelfscope.sandbox import SandboxServer
from shelfscope.sandbox.amazon import DEMO_KEYWORDS, asin_ranking, configure
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform, make_workspace

BOTTLE = "B0D7KQ3M2X"
GONE = "B0NOTSOLD0"  # in no sandbox catalogue: never on any page
KEYWORD = next(iter(DEMO_KEYWORDS["DE"][BOTTLE]))
_fake_runs = count(900_000)


@dataclass
class Rig:
    platform: Platform
    server: SandboxServer
    clock: FakeClock


@pytest.fixture
def rig(settings: Settings, db: Database) -> Iterator[Rig]:
    server = SandboxServer.from_settings(settings)
    server.start()
    tuned = settings.model_copy(
        update={
            "sandbox": settings.sandbox.model_copy(update={"enabled": True, "url": server.url}),
            "fetch": settings.fetch.model_copy(update={"retry_base_seconds": 0.0, "retry_max_seconds": 0.0}),
            "ranks": settings.ranks.model_copy(update={"start_jitter_seconds": 0}),
        }
    )
    clock = FakeClock()
    try:
        with jobs_platform(tuned, db, clock=clock) as platform:
            yield Rig(platform=platform, server=server, clock=clock)
    finally:
        server.stop()


def _job(rig: Rig, workspace_id: int, asin: str = BOTTLE, **options: Any) -> tuple[int, int]:
    with rig.platform.db.session() as session:
        job = jobs.create_job(
            session, rig.platform, workspace_id=workspace_id, asin=asin, marketplace="DE", keywords=[KEYWORD],
            **options,
        )  # fmt: skip
        keyword_id = session.scalars(select(TrackedKeyword.id).where(TrackedKeyword.job_id == job.id)).one()
        return job.id, keyword_id


def _rule(rig: Rig, workspace_id: int, job_id: int, **options: Any) -> int:
    with rig.platform.db.session() as session:
        return create_rule(session, workspace_id=workspace_id, job_id=job_id, **options).id


def _seed(
    rig: Rig,
    workspace_id: int,
    job_id: int,
    keyword_id: int,
    *,
    asin: str = BOTTLE,
    minutes_ago: int = 30,
    **seen: Any,
) -> None:
    """A healthy observation of an earlier (pretend) run: the baseline the next run compares with."""
    found = seen.get("organic_rank") is not None or seen.get("sponsored_rank") is not None
    row = Observation(
        workspace_id=workspace_id, job_id=job_id, keyword_id=keyword_id, marketplace="DE", asin=asin,
        run_id=next(_fake_runs), observed_at=rig.clock.now() - timedelta(minutes=minutes_ago),
        status="ok" if found else "not_found", found=found, depth=3, pages_checked=1,
        organic_rank=seen.get("organic_rank"), organic_page=seen.get("organic_page"),
        sponsored_rank=seen.get("sponsored_rank"),
    )  # fmt: skip
    with rig.platform.db.session() as session:
        session.add(row)


def _run(rig: Rig, workspace_id: int, job_id: int) -> Run:
    with rig.platform.db.session() as session:
        run_id = check_runs.run_job_now(session, rig.platform, workspace_id=workspace_id, job_id=job_id).id
    execute_run(rig.platform, run_id, worker="test-worker")
    with rig.platform.db.session() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run


def _events(rig: Rig, workspace_id: int) -> list[AlertEvent]:
    with rig.platform.db.session() as session:
        query = select(AlertEvent).where(AlertEvent.workspace_id == workspace_id).order_by(AlertEvent.id)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def _truth(rig: Rig) -> dict[str, Any]:
    return asin_ranking(rig.server.context, "DE", KEYWORD, BOTTLE, depth=3)


def test_a_real_rank_move_fires_an_alert_with_the_served_ranks_and_a_chart_link(
    rig: Rig, db: Database
) -> None:
    workspace_id = make_workspace(db)
    job_id, keyword_id = _job(rig, workspace_id)
    truth = _truth(rig)
    assert truth["organic_rank"] is not None
    before = truth["organic_rank"] + 40
    _seed(rig, workspace_id, job_id, keyword_id, organic_rank=before, organic_page=3)
    _rule(rig, workspace_id, job_id, kind="rank_moved", positions=10)

    run = _run(rig, workspace_id, job_id)

    assert run.status == "succeeded"
    (event,) = _events(rig, workspace_id)
    assert event.kind == "rank_moved"
    assert event.details["previous_rank"] == before
    assert event.details["rank"] == truth["organic_rank"]
    assert event.details["delta"] == 40
    assert event.link == f"/ranks/jobs/{job_id}?keyword={keyword_id}"
    assert f"#{before} to #{truth['organic_rank']}" in event.title
    with rig.platform.db.session() as session:
        notes = list(session.scalars(select(Notification).where(Notification.workspace_id == workspace_id)))
    assert [(n.kind, n.link) for n in notes] == [("alert:rank_moved", event.link)]
    toasts = [e for e in rig.platform.bus.events if e.type == "notification"]  # type: ignore[attr-defined]
    assert [t.payload["link"] for t in toasts] == [event.link]


def test_alerts_fire_once_per_cooldown(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id, keyword_id = _job(rig, workspace_id)
    far = _truth(rig)["organic_rank"] + 30
    _rule(rig, workspace_id, job_id, kind="rank_moved", positions=5, cooldown_minutes=360)
    start = rig.clock.now()
    fired = []
    for hours in (0, 2, 5, 7):  # runs at t, t+2h and t+5h fall in one 6 h cooldown; t+7h is after it
        rig.clock.advance(start + timedelta(hours=hours) - rig.clock.now())
        _seed(rig, workspace_id, job_id, keyword_id, minutes_ago=10, organic_rank=far, organic_page=2)
        assert _run(rig, workspace_id, job_id).status == "succeeded"
        fired.append(len(_events(rig, workspace_id)))
    assert fired == [1, 1, 1, 2]


def test_a_blocked_check_never_alerts_and_never_becomes_the_baseline(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id, keyword_id = _job(rig, workspace_id)
    truth = _truth(rig)
    seen = {"organic_rank": truth["organic_rank"], "organic_page": truth["page"],
            "sponsored_rank": truth["sponsored_rank"]}  # fmt: skip
    _seed(rig, workspace_id, job_id, keyword_id, **seen)
    for kind in ("not_found", "page_one", "top_ten", "sponsored", "anomaly"):
        _rule(rig, workspace_id, job_id, kind=kind)
    _rule(rig, workspace_id, job_id, kind="rank_moved", positions=1)
    configure(rig.server.context, error_503_rate=1.0)

    blocked = _run(rig, workspace_id, job_id)

    assert blocked.error is not None and blocked.error.startswith("blocked:")
    with rig.platform.db.session() as session:
        statuses = set(session.scalars(select(Observation.status).where(Observation.run_id == blocked.id)))
    assert statuses == {"failed"}
    assert _events(rig, workspace_id) == []
    # The run's next attempt succeeds and compares with the seeded healthy check, not with the
    # failure: the rank is the same, so nothing fires.
    configure(rig.server.context, error_503_rate=0.0)
    rig.clock.advance(timedelta(hours=1))
    execute_run(rig.platform, blocked.id, worker="test-worker")
    with rig.platform.db.session() as session:
        retried = session.get(Run, blocked.id)
        assert retried is not None and retried.status == "succeeded"
    assert _events(rig, workspace_id) == []


def test_an_asin_that_drops_out_of_the_pages_searched_raises_not_found(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id, keyword_id = _job(rig, workspace_id, asin=GONE, depth=1)
    assert asin_ranking(rig.server.context, "DE", KEYWORD, GONE, depth=1)["found"] is False
    _seed(rig, workspace_id, job_id, keyword_id, asin=GONE, organic_rank=5, organic_page=1)
    _rule(rig, workspace_id, job_id, kind="not_found", keyword_id=keyword_id)
    _rule(rig, workspace_id, job_id, kind="page_one")

    _run(rig, workspace_id, job_id)

    kinds = sorted(event.kind for event in _events(rig, workspace_id))
    assert kinds == ["not_found", "page_one"]


def test_rising_parse_failures_raise_layout_changed_once_for_each_affected_workspace(
    rig: Rig, db: Database
) -> None:
    alpha, beta, gamma = make_workspace(db, "Alpha"), make_workspace(db, "Beta"), make_workspace(db, "Gamma")
    job_a, _ = _job(rig, alpha)
    job_b, keyword_b = _job(rig, beta)
    with rig.platform.db.session() as session:  # Gamma tracks another marketplace only
        jobs.create_job(
            session, rig.platform, workspace_id=gamma, asin=BOTTLE, marketplace="UK", keywords=["x"]
        )
    with rig.platform.db.session() as session:
        for index in range(12):
            session.add(
                Observation(
                    workspace_id=beta,
                    job_id=job_b,
                    keyword_id=keyword_b,
                    marketplace="DE",
                    asin=BOTTLE,
                    run_id=next(_fake_runs),
                    observed_at=rig.clock.now() - timedelta(minutes=index + 1),
                    status="failed",
                    failure_reason="page 1: parse_error: no result cards on a search page",
                    depth=3,
                    pages_checked=0,
                )
            )

    _run(rig, alpha, job_a)
    rig.clock.advance(timedelta(minutes=5))
    _run(rig, alpha, job_a)

    for workspace_id, job_id in ((alpha, job_a), (beta, job_b)):
        (event,) = _events(rig, workspace_id)
        assert event.kind == "layout_changed" and event.level == "error"
        assert event.link == f"/ranks/jobs/{job_id}"
        assert event.details["marketplace"] == "DE"
        assert 0.3 <= event.details["share"] < 1
    assert _events(rig, gamma) == []


def test_an_alert_queues_one_delivery_run_per_immediate_channel(rig: Rig, db: Database) -> None:
    workspace_id = make_workspace(db)
    job_id, keyword_id = _job(rig, workspace_id)
    with rig.platform.db.session() as session:
        hook = create_channel(session, rig.platform, workspace_id=workspace_id, name="hook", kind="webhook",
                              url="http://127.0.0.1:9/hook").id  # fmt: skip
        create_channel(session, rig.platform, workspace_id=workspace_id, name="daily", kind="email",
                       recipients=["ops@example.com"], digest=True)  # fmt: skip
    _seed(
        rig, workspace_id, job_id, keyword_id, organic_rank=_truth(rig)["organic_rank"] + 50, organic_page=3
    )
    _rule(rig, workspace_id, job_id, kind="rank_moved", percent=50)

    _run(rig, workspace_id, job_id)

    with rig.platform.db.session() as session:
        deliveries = list(
            session.scalars(select(AlertDelivery).where(AlertDelivery.workspace_id == workspace_id))
        )
        runs = {run.id: run for run in session.scalars(select(Run).where(Run.kind == "alerts.deliver"))}
    assert [(d.channel_id, d.status) for d in deliveries] == [(hook, "pending")]
    assert runs[deliveries[0].run_id or 0].payload == {"delivery_id": deliveries[0].id}


def test_the_demo_workspace_watches_every_demo_job(rig: Rig) -> None:
    with rig.platform.db.session() as session:
        assert (
            bootstrap_owner(session, email="owner@example.com", password="correct-horse-battery") is not None
        )
    workspace_id = seed_demo(rig.platform)
    with rig.platform.db.session() as session:
        job_ids = set(session.scalars(select(TrackingJob.id).where(TrackingJob.workspace_id == workspace_id)))
        rules = list(session.scalars(select(RankAlertRule).where(RankAlertRule.workspace_id == workspace_id)))
        assert job_ids and {rule.job_id for rule in rules} == job_ids
        labels = {rule_label(rule) for rule in rules}
    assert labels == {
        "rank moved ≥ 5 positions or ≥ 30 %",
        "entered or left page 1",
        "lost or regained a sponsored placement",
        "not found (de-indexed)",
    }
