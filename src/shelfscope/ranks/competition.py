"""How contested a keyword is: a heuristic level from total results and ad density.

This is a heuristic, labelled so everywhere it is shown: Amazon publishes no competition
figure. Its two inputs are what the search pages themselves show:

* **total results**: the latest "1-48 of over 20,000 results" count of the keyword;
* **ad density**: sponsored cards / all cards on page 1, pooled over the window's runs.

Each input scores 0, 1 or 2 against :data:`RESULTS_THRESHOLDS` and :data:`AD_DENSITY_THRESHOLDS`;
their sum (0-1 low, 2 medium, 3-4 high) is the level. With one input missing, that input alone
decides (0 low, 1 medium, 2 high); with both missing the level is None (unknown).

**Search volume is never estimated.** Only a real source may provide it: the seller's Brand
Analytics search-term data, once a seller connection syncs it. No such data is synced today, so
``search_volume`` and ``search_volume_source`` are None for every keyword.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import SerpSnapshot
from shelfscope.ranks.windows import Sliced, keyword_slice, validate_days, window_since

__all__ = [
    "AD_DENSITY_THRESHOLDS",
    "METHOD",
    "RESULTS_THRESHOLDS",
    "CompetitionLevel",
    "KeywordCompetition",
    "competition_level",
    "keyword_competition",
]

RESULTS_THRESHOLDS: tuple[int, int] = (1_000, 10_000)
"""Fewer than 1,000 results scores 0, fewer than 10,000 scores 1, more scores 2."""
AD_DENSITY_THRESHOLDS: tuple[float, float] = (0.15, 0.30)
"""Under 15 % ads on page 1 scores 0, under 30 % scores 1, more scores 2."""
METHOD = (
    "heuristic: total results (<1,000 / <10,000 / more) and page-1 ad density (<15 % / <30 % / more) "
    "score 0-2 each; sum 0-1 low, 2 medium, 3-4 high; one input alone: 0 low, 1 medium, 2 high"
)
_BATCH = 200


class CompetitionLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordCompetition:
    keyword_id: int
    keyword: str
    level: CompetitionLevel | None
    """None when neither input is known (no successful check in the window)."""
    total_results: int | None
    ad_density: float | None
    page1_cards: int
    page1_sponsored_cards: int
    snapshots: int
    observed_at: datetime | None
    """When the latest snapshot used was taken."""
    heuristic: bool = True
    search_volume: int | None = None
    search_volume_source: str | None = None


def _score(value: float, thresholds: tuple[float, float]) -> int:
    low, high = thresholds
    return 0 if value < low else 1 if value < high else 2


def competition_level(total_results: int | None, ad_density: float | None) -> CompetitionLevel | None:
    """The heuristic level of a keyword from its inputs (see the module docstring)."""
    scores = []
    if total_results is not None:
        scores.append(_score(total_results, RESULTS_THRESHOLDS))
    if ad_density is not None:
        scores.append(_score(ad_density, AD_DENSITY_THRESHOLDS))
    if not scores:
        return None
    total = sum(scores) if len(scores) == 2 else scores[0] * 2
    return (
        CompetitionLevel.LOW
        if total <= 1
        else CompetitionLevel.MEDIUM
        if total == 2
        else CompetitionLevel.HIGH
    )


@dataclass(slots=True)
class _Inputs:
    snapshots: int = 0
    cards: int = 0
    sponsored: int = 0
    total_results: int | None = None
    observed_at: datetime | None = None

    def add(self, observed_at: datetime, total_results: int | None, results: dict[str, Any]) -> None:
        self.snapshots += 1
        for card in results.get("results", []):
            if int(card[4]) == 1:
                self.cards += 1
                self.sponsored += bool(card[2])
        if total_results is not None:
            self.total_results = total_results
        self.observed_at = observed_at


def keyword_competition(
    session: Session,
    *,
    workspace_id: int,
    job_id: int,
    now: datetime,
    days: int = 30,
    offset: int = 0,
    limit: int | None = None,
) -> Sliced[KeywordCompetition]:
    """The competition level of each keyword of the job, with its inputs, over ``days``."""
    validate_days(days)
    job = get_job(session, workspace_id=workspace_id, job_id=job_id)
    keywords, total = keyword_slice(
        session, workspace_id=workspace_id, job_id=job_id, offset=offset, limit=limit
    )
    inputs = {keyword.id: _Inputs() for keyword in keywords}
    query = (
        select(
            SerpSnapshot.keyword_id,
            SerpSnapshot.observed_at,
            SerpSnapshot.total_results,
            SerpSnapshot.results,
        )
        .where(
            SerpSnapshot.workspace_id == workspace_id,
            SerpSnapshot.job_id == job.id,
            SerpSnapshot.keyword_id.in_(list(inputs)),
            SerpSnapshot.observed_at >= window_since(now, days),
            SerpSnapshot.observed_at <= now,
        )
        .order_by(SerpSnapshot.observed_at, SerpSnapshot.id)
        .execution_options(yield_per=_BATCH)
    )
    for keyword_id, observed_at, total_results, results in session.execute(query):
        inputs[keyword_id].add(observed_at, total_results, results)
    items = []
    for keyword in keywords:
        seen = inputs[keyword.id]
        density = round(seen.sponsored / seen.cards, 4) if seen.cards else None
        items.append(
            KeywordCompetition(
                keyword_id=keyword.id,
                keyword=keyword.keyword,
                level=competition_level(seen.total_results, density),
                total_results=seen.total_results,
                ad_density=density,
                page1_cards=seen.cards,
                page1_sponsored_cards=seen.sponsored,
                snapshots=seen.snapshots,
                observed_at=seen.observed_at,
            )
        )
    return Sliced(items=items, total=total)
