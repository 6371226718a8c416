"""Recording rank checks the way the runner does, for the analysis, export and CLI tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from shelfscope.errors import Blocked
from shelfscope.ranks.checker import KeywordCheck
from shelfscope.ranks.models import TrackingJob
from shelfscope.ranks.observations import CheckTarget, record_check
from shelfscope.ranks.ranking import rank_pages
from shelfscope.ranks.serp import SerpPage, SerpResult


@dataclass(frozen=True)
class Card:
    asin: str
    brand: str | None
    sponsored: bool = False


def serp_page(cards: Sequence[Card], *, page: int = 1, total_results: int | None = 5_000) -> SerpPage:
    """A parsed search page holding ``cards`` in order (ads and organic numbered apart)."""
    organic = sponsored = 0
    results = []
    for position, card in enumerate(cards, start=1):
        if card.sponsored:
            sponsored += 1
        else:
            organic += 1
        results.append(
            SerpResult(
                position=position,
                asin=card.asin,
                sponsored=card.sponsored,
                organic_rank=None if card.sponsored else organic,
                sponsored_rank=sponsored if card.sponsored else None,
                title=None,
                brand=card.brand,
                price=None,
                currency=None,
                rating=None,
                review_count=None,
            )
        )
    return SerpPage(
        page_type="search", block_kind=None, marketplace="DE", query="q", corrected_query=None,
        total_results=total_results, total_results_text=None, page=page, has_next_page=False,
        layout="search-result", results=tuple(results),
    )  # fmt: skip


def record(
    session: Session,
    job: TrackingJob,
    *,
    keyword_id: int,
    run_id: int,
    observed_at: datetime,
    pages: Sequence[SerpPage] | None,
) -> None:
    """Store one run's check of a keyword: ranked ``pages``, or a blocked check when None."""
    target = CheckTarget(
        workspace_id=job.workspace_id,
        job_id=job.id,
        keyword_id=keyword_id,
        marketplace=job.marketplace,
        asins=job.tracked_asins,
    )
    if pages is None:
        check = KeywordCheck(
            marketplace=job.marketplace, query="q", depth=job.depth, raw_pages=(), ranked=None,
            error=Blocked("robot check", kind="captcha"), failed_page=1,
        )  # fmt: skip
    else:
        check = KeywordCheck(
            marketplace=job.marketplace, query="q", depth=job.depth, raw_pages=(), ranked=rank_pages(pages)
        )
    record_check(session, target, check, run_id=run_id, observed_at=observed_at, snapshot_pages=3)
