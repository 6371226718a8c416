"""Response bodies of the rank analyses: statistics, share of voice, competition and exports."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shelfscope.ranks.competition import METHOD, CompetitionLevel
from shelfscope.ranks.history import Change
from shelfscope.ranks.models import ObservationStatus
from shelfscope.ranks.sov import SovScope

__all__ = [
    "BrandShareOut",
    "CompetitorRankOut",
    "ExportRowOut",
    "KeywordCompetitionOut",
    "KeywordShareOut",
    "KeywordStatsOut",
    "ShareOut",
]

_Rows = ConfigDict(from_attributes=True)


class KeywordStatsOut(BaseModel):
    """A keyword's statistics over ``days``; failed checks count only in ``failed_checks``."""

    model_config = _Rows

    keyword_id: int
    keyword: str
    asin: str
    days: int
    checks: int
    successful_checks: int
    failed_checks: int
    found_checks: int
    found_rate: float | None
    best_organic_rank: int | None
    worst_organic_rank: int | None
    average_organic_rank: float | None
    best_sponsored_rank: int | None
    worst_sponsored_rank: int | None
    average_sponsored_rank: float | None
    days_checked: int
    days_on_page1: int
    volatility: float | None
    trend: Change | None
    trend_delta: int | None
    last_checked_at: datetime | None


class ShareOut(BaseModel):
    """A share of the cards (``basic``) and of the position weights (``weighted``), 0 to 1."""

    model_config = _Rows

    basic: float | None
    weighted: float | None


class BrandShareOut(BaseModel):
    model_config = _Rows

    brand: str | None
    tracked: bool
    organic_cards: int
    sponsored_cards: int
    organic: ShareOut
    sponsored: ShareOut
    combined: ShareOut


class CompetitorRankOut(BaseModel):
    model_config = _Rows

    asin: str
    own: bool
    brand: str | None
    status: ObservationStatus | None
    last_checked_at: datetime | None
    organic_rank: int | None
    sponsored_rank: int | None
    page: int | None
    position: int | None
    best_organic_rank: int | None
    worst_organic_rank: int | None


class KeywordShareOut(BaseModel):
    """Share of voice of one keyword, its brands and the tracked ASINs side by side."""

    model_config = _Rows

    keyword_id: int
    keyword: str
    scope: SovScope
    days: int
    snapshots: int
    pages_seen: int
    organic_cards: int
    sponsored_cards: int
    brand_count: int
    tracked_brand: str | None
    brands: list[BrandShareOut]
    competitors: list[CompetitorRankOut]


class KeywordCompetitionOut(BaseModel):
    """A heuristic competition level and its inputs; search volume only from a real source."""

    model_config = _Rows

    keyword_id: int
    keyword: str
    level: CompetitionLevel | None
    heuristic: bool
    method: str = METHOD
    total_results: int | None
    ad_density: float | None
    page1_cards: int
    page1_sponsored_cards: int
    snapshots: int
    observed_at: datetime | None
    search_volume: int | None
    search_volume_source: str | None


class ExportRowOut(BaseModel):
    """One observation of an export; the columns a kind leaves out are absent."""

    observed_at: datetime
    job_id: int
    marketplace: str
    keyword: str
    asin: str
    role: str
    status: ObservationStatus
    failure_reason: str | None
    organic_rank: int | None = None
    organic_page: int | None = None
    organic_position: int | None = None
    sponsored_rank: int | None = None
    sponsored_page: int | None = None
    sponsored_position: int | None = None
    page: int | None = None
    position: int | None = None
    pages_checked: int
    depth: int
    total_results: int | None
    run_id: int
