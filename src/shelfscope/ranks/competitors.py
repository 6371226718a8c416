"""The job's ASIN and its competitors side by side, per keyword, over a window of days.

Each tracked ASIN gets the ranks of its last *successful* check in the window (a failed check
never blanks them), the status of its last check, and its best and worst organic rank in the
window, so a table can put the tracked product next to every competitor keyword by keyword.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.ranks.models import Observation, ObservationStatus, TrackingJob

__all__ = ["CompetitorRank", "side_by_side"]

_BATCH = 2000
_Ranks = tuple[int | None, int | None, int | None, int | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class CompetitorRank:
    asin: str
    own: bool
    """True for the job's own ASIN, False for a competitor."""
    brand: str | None
    status: ObservationStatus | None
    """Of the last check in the window; None when it was not checked in the window."""
    last_checked_at: datetime | None
    organic_rank: int | None
    sponsored_rank: int | None
    page: int | None
    position: int | None
    best_organic_rank: int | None
    worst_organic_rank: int | None


@dataclass(slots=True)
class _Latest:
    status: str | None = None
    checked_at: datetime | None = None
    healthy: _Ranks = (None, None, None, None)
    best: int | None = None
    worst: int | None = None

    def add(self, status: str, observed_at: datetime, ranks: _Ranks) -> None:
        """The next check in time order: (organic, sponsored, page, position) of a healthy one."""
        self.status, self.checked_at = status, observed_at
        if status == ObservationStatus.FAILED.value:
            return
        self.healthy = ranks
        organic = ranks[0]
        if organic is not None:
            self.best = organic if self.best is None else min(self.best, organic)
            self.worst = organic if self.worst is None else max(self.worst, organic)


def side_by_side(
    session: Session,
    *,
    job: TrackingJob,
    keyword_ids: Sequence[int],
    since: datetime,
    until: datetime,
    brands: dict[str, str] | None = None,
) -> dict[int, list[CompetitorRank]]:
    """Per keyword id, one row per tracked ASIN (the job's own first, then competitors in order).

    ``job`` must already be the caller's workspace's; ``brands`` maps ASINs to the brand the
    search pages showed for them.
    """
    asins = job.tracked_asins
    latest: dict[tuple[int, str], _Latest] = {}
    query = (
        select(
            Observation.keyword_id,
            Observation.asin,
            Observation.status,
            Observation.observed_at,
            Observation.organic_rank,
            Observation.sponsored_rank,
            Observation.page,
            Observation.position,
        )
        .where(
            Observation.workspace_id == job.workspace_id,
            Observation.job_id == job.id,
            Observation.keyword_id.in_(list(keyword_ids)),
            Observation.asin.in_(asins),
            Observation.observed_at >= since,
            Observation.observed_at <= until,
        )
        .order_by(Observation.observed_at, Observation.id)
        .execution_options(yield_per=_BATCH)
    )
    for keyword_id, asin, status, observed_at, organic, sponsored, page, position in session.execute(query):
        latest.setdefault((keyword_id, asin), _Latest()).add(
            status, observed_at, (organic, sponsored, page, position)
        )
    named = brands or {}
    return {
        keyword_id: [
            _row(asin, asin == job.asin, named.get(asin), latest.get((keyword_id, asin))) for asin in asins
        ]
        for keyword_id in keyword_ids
    }


def _row(asin: str, own: bool, brand: str | None, seen: _Latest | None) -> CompetitorRank:
    seen = seen or _Latest()
    organic, sponsored, page, position = seen.healthy
    return CompetitorRank(
        asin=asin,
        own=own,
        brand=brand,
        status=ObservationStatus(seen.status) if seen.status else None,
        last_checked_at=seen.checked_at,
        organic_rank=organic,
        sponsored_rank=sponsored,
        page=page,
        position=position,
        best_organic_rank=seen.best,
        worst_organic_rank=seen.worst,
    )
