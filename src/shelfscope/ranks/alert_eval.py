"""Evaluating a job's alert rules after a check run, and firing what they find.

Called once at the end of every ``ranks.check`` run (:func:`evaluate_run_alerts`). For each
keyword the run observed *healthily* (found or not found), each enabled rule compares the
observation with the last earlier healthy one of the same keyword, and anomaly rules with the
7 days before it. A failed keyword check (blocked, timeout, parse error) is skipped: it says
nothing about the rank, so it can never raise "rank moved" or "not found", and it never becomes
the baseline of the next comparison either.

Alerts go through :func:`shelfscope.alerts.firing.fire_alert`: once per rule cooldown per keyword,
deduplicated per run (a retried run evaluates again without firing twice), linked to the
keyword's chart. A failure here is logged and never fails the check run itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from shelfscope.alerts.firing import Alert, fire_alert
from shelfscope.logs import get_logger
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.alert_layout import check_layout
from shelfscope.ranks.alert_maths import Finding, Point, RuleParams, judge
from shelfscope.ranks.alert_rules import RankAlertRule
from shelfscope.ranks.models import Observation, ObservationStatus, TrackedKeyword, TrackingJob

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["chart_link", "evaluate_rules", "evaluate_run_alerts"]

log = get_logger(__name__)

ANOMALY_WINDOW = timedelta(days=7)
_HEALTHY = (ObservationStatus.OK.value, ObservationStatus.NOT_FOUND.value)


def chart_link(job_id: int, keyword_id: int | None = None) -> str:
    """The dashboard chart an alert opens."""
    return f"/ranks/jobs/{job_id}" + (f"?keyword={keyword_id}" if keyword_id is not None else "")


def _point(row: Observation) -> Point:
    return Point(
        found=row.status == ObservationStatus.OK.value,
        organic_rank=row.organic_rank,
        organic_page=row.organic_page,
        sponsored_rank=row.sponsored_rank,
    )


def _own(job: TrackingJob) -> tuple[ColumnElement[bool], ...]:
    return (Observation.job_id == job.id, Observation.asin == job.asin)


def _previous(session: Session, job: TrackingJob, current: Observation) -> Observation | None:
    return session.scalar(
        select(Observation)
        .where(
            *_own(job),
            Observation.keyword_id == current.keyword_id,
            Observation.status.in_(_HEALTHY),
            Observation.run_id != current.run_id,
            Observation.observed_at <= current.observed_at,
        )
        .order_by(Observation.observed_at.desc(), Observation.run_id.desc())
        .limit(1)
    )


def _history(session: Session, job: TrackingJob, current: Observation) -> list[int]:
    ranks = session.scalars(
        select(Observation.organic_rank).where(
            *_own(job),
            Observation.keyword_id == current.keyword_id,
            Observation.status == ObservationStatus.OK.value,
            Observation.organic_rank.is_not(None),
            Observation.run_id != current.run_id,
            Observation.observed_at >= current.observed_at - ANOMALY_WINDOW,
            Observation.observed_at <= current.observed_at,
        )
    )
    return [int(rank) for rank in ranks if rank is not None]


@dataclass(frozen=True, slots=True)
class _Context:
    job: TrackingJob
    keyword: str
    run_id: int


def _alert(ctx: _Context, rule: RankAlertRule, row: Observation, finding: Finding) -> Alert:
    job = ctx.job
    domain = amazon_marketplace(job.marketplace).domain
    product = f"{job.asin} ({job.name})" if job.name else job.asin
    rule_key, subject_key = f"ranks.rule:{rule.id}", f"keyword:{row.keyword_id}"
    return Alert(
        workspace_id=job.workspace_id,
        kind=finding.kind,
        rule_key=rule_key,
        subject_key=subject_key,
        dedupe_key=f"{rule_key}|{subject_key}|run:{ctx.run_id}",
        title=f"“{ctx.keyword}” on {domain}: {job.asin} {finding.what}"[:200],
        body=f"{product} for “{ctx.keyword}” on {domain} {finding.what}.",
        link=chart_link(job.id, row.keyword_id),
        level=finding.level,
        cooldown=timedelta(minutes=rule.cooldown_minutes),
        source="ranks",
        source_id=job.id,
        details={
            **finding.details,
            "job_id": job.id,
            "keyword_id": row.keyword_id,
            "rule_id": rule.id,
            "run_id": ctx.run_id,
            "asin": job.asin,
            "marketplace": job.marketplace,
        },
    )


def evaluate_rules(session: Session, platform: Platform, *, job: TrackingJob, run_id: int) -> int:
    """Judge every enabled rule of ``job`` on the run's healthy observations; returns alerts fired."""
    rules = list(
        session.scalars(
            select(RankAlertRule).where(
                RankAlertRule.workspace_id == job.workspace_id,
                RankAlertRule.job_id == job.id,
                RankAlertRule.enabled.is_(True),
            )
        )
    )
    if not rules:
        return 0
    rows = session.execute(
        select(Observation, TrackedKeyword.keyword)
        .join(TrackedKeyword, TrackedKeyword.id == Observation.keyword_id)
        .where(*_own(job), Observation.run_id == run_id, Observation.status.in_(_HEALTHY))
        .order_by(Observation.keyword_id)
    ).all()
    fired = 0
    for row, keyword in rows:
        applicable = [rule for rule in rules if rule.keyword_id in (None, row.keyword_id)]
        if not applicable:
            continue
        previous = _previous(session, job, row)
        history = _history(session, job, row) if any(r.kind == "anomaly" for r in applicable) else []
        ctx = _Context(job=job, keyword=keyword, run_id=run_id)
        for rule in applicable:
            params = RuleParams(kind=rule.kind, positions=rule.positions, percent=rule.percent,
                                direction=rule.direction)  # fmt: skip
            finding = judge(params, _point(previous) if previous else None, _point(row), history)
            if finding is not None and fire_alert(session, platform, _alert(ctx, rule, row, finding)):
                fired += 1
    return fired


def evaluate_run_alerts(platform: Platform, *, workspace_id: int, job_id: int, run_id: int) -> None:
    """The check runner's hook: rank rules of the job, then the marketplace's layout health."""
    try:
        with platform.db.session() as session:
            job = session.scalar(
                select(TrackingJob).where(TrackingJob.id == job_id, TrackingJob.workspace_id == workspace_id)
            )
            if job is None:
                return
            marketplace = job.marketplace
            fired = evaluate_rules(session, platform, job=job, run_id=run_id)
        with platform.db.session() as session:
            fired += check_layout(session, platform, marketplace=marketplace, now=_now(platform))
    except Exception:
        log.exception("rank_alert_evaluation_failed", job_id=job_id, run_id=run_id)
        return
    if fired:
        log.info("rank_alerts_fired", job_id=job_id, run_id=run_id, alerts=fired)


def _now(platform: Platform) -> datetime:
    return platform.clock.now()
