"""The "layout changed" alert: a marketplace's search pages suddenly stop parsing.

The parser raises ``ParseError`` instead of returning zero cards, so a storefront redesign shows
up as keyword checks failing with ``parse_error``. Over the last ``ranks.layout_alert_window_hours``
the share of page fetches on one marketplace that failed to parse is measured across all jobs
(a layout is the same for every workspace): a healthy check read ``pages_checked`` pages, a
failed one read ``pages_checked`` good pages and then the page that failed. When the share
reaches ``ranks.layout_alert_share`` over at least ``ranks.layout_alert_min_pages`` pages, every
workspace with an active job on that marketplace is alerted, once per cooldown. The alert says
only the share, never whose checks it was measured on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from shelfscope.alerts.firing import Alert, fire_alert
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.models import JobStatus, Observation, ObservationStatus, TrackingJob

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["LAYOUT_RULE", "ParseHealth", "check_layout", "parse_health"]

LAYOUT_RULE = "ranks.layout_changed"
_PARSE_FAILURE = "%: parse_error:%"
"""How a keyword check's failure reason names a parse failure ("page 2: parse_error: …")."""


@dataclass(frozen=True, slots=True)
class ParseHealth:
    pages: int
    parse_failures: int

    @property
    def share(self) -> float:
        return self.parse_failures / self.pages if self.pages else 0.0


def parse_health(session: Session, *, marketplace: str, since: datetime) -> ParseHealth:
    """Page fetches and parse failures of the marketplace's checks since ``since`` (own ASINs only,
    so a check counts once however many competitors it ranks)."""
    failed = Observation.status == ObservationStatus.FAILED.value
    parse_failed = and_(failed, Observation.failure_reason.like(_PARSE_FAILURE))
    row = session.execute(
        select(
            func.coalesce(func.sum(Observation.pages_checked + case((failed, 1), else_=0)), 0),
            func.coalesce(func.sum(case((parse_failed, 1), else_=0)), 0),
        )
        .select_from(TrackingJob)
        # (workspace, job, observed_at) is an index of observations: one range scan per job.
        .join(
            Observation,
            and_(
                Observation.workspace_id == TrackingJob.workspace_id,
                Observation.job_id == TrackingJob.id,
                Observation.observed_at >= since,
                Observation.asin == TrackingJob.asin,
            ),
        )
        .where(TrackingJob.marketplace == marketplace)
    ).one()
    return ParseHealth(pages=int(row[0]), parse_failures=int(row[1]))


def check_layout(session: Session, platform: Platform, *, marketplace: str, now: datetime) -> int:
    """Alert the marketplace's workspaces if its pages stopped parsing; returns alerts fired."""
    settings = platform.settings.ranks
    health = parse_health(
        session, marketplace=marketplace, since=now - timedelta(hours=settings.layout_alert_window_hours)
    )
    if health.pages < settings.layout_alert_min_pages or health.share < settings.layout_alert_share:
        return 0
    affected = session.execute(
        select(TrackingJob.workspace_id, func.min(TrackingJob.id))
        .where(TrackingJob.marketplace == marketplace, TrackingJob.status == JobStatus.ACTIVE.value)
        .group_by(TrackingJob.workspace_id)
        .order_by(TrackingJob.workspace_id)
    ).all()
    domain = amazon_marketplace(marketplace).domain
    percent = round(health.share * 100)
    cooldown = timedelta(minutes=platform.settings.alerts.default_cooldown_minutes)
    fired = 0
    for workspace_id, job_id in affected:
        alert = Alert(
            workspace_id=workspace_id,
            kind="layout_changed",
            rule_key=LAYOUT_RULE,
            subject_key=f"marketplace:{marketplace}",
            dedupe_key=f"{LAYOUT_RULE}|{marketplace}|{now.isoformat()}",
            title=f"{domain} search pages changed layout: {percent} % fail to parse",
            body=(
                f"{percent} % of recent {domain} search pages could not be parsed. Those checks are "
                "recorded as failed (never as unranked) until the parser is updated; "
                "`shelfscope ranks reparse` fills them in afterwards from the archive."
            ),
            link=f"/ranks/jobs/{job_id}",
            level="error",
            cooldown=cooldown,
            source="ranks",
            source_id=None,
            details={"marketplace": marketplace, "share": round(health.share, 3)},
        )
        if fire_alert(session, platform, alert) is not None:
            fired += 1
    return fired
