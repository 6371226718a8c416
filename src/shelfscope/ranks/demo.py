"""The demo workspace's rank tracking: the sandbox's demo ASINs on US, DE and UK, with history.

A first start should already show charts, movers and share of voice, so the demo gets the last
:data:`HISTORY_DAYS` days of daily checks. Each past check records exactly what the sandbox's
storefront served that day (its ground truth for that date: organic and sponsored ranks, pages,
positions and the result grid), never made-up numbers. The jobs stay active and keep checking
the live sandbox, so history and live checks continue one another.

Working out a month of search pages takes a while, so the seed only creates the jobs and queues
a ``ranks.demo_history`` run: the server starts at once, and the Jobs page shows the history
arriving job by job. Each past check becomes a finished ``ranks.check`` child run of it (one
per job and day), so observations and snapshots keep their natural keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.db import upsert
from shelfscope.errors import InvalidInput
from shelfscope.events import publish_data_changed
from shelfscope.jobs import register_kind
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.jobs.service import create_run
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.check_runs import CHECK_KIND
from shelfscope.ranks.jobs import create_job
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import Frequency, Observation, ObservationStatus, SerpSnapshot, TrackingJob
from shelfscope.ranks.ranking import SNAPSHOT_VERSION
from shelfscope.sandbox.amazon import DEMO_KEYWORDS, DEMO_MARKETPLACES, AmazonSandboxSettings
from shelfscope.sandbox.amazon.catalogue import product_spec
from shelfscope.sandbox.amazon.demo import demo_product
from shelfscope.sandbox.amazon.layout import BannerRow, CarouselRow, VideoRow
from shelfscope.sandbox.amazon.truth import planned_page, row_asins, shows_brand_line
from shelfscope.sandbox.context import SandboxContext

if TYPE_CHECKING:
    from shelfscope.jobs.context import RunContext
    from shelfscope.platform import Platform

__all__ = [
    "DEMO_DEPTH",
    "HISTORY_DAYS",
    "HISTORY_KIND",
    "create_demo_jobs",
    "seed_demo",
    "write_history",
]

HISTORY_KIND = "ranks.demo_history"
HISTORY_DAYS = 30
DEMO_DEPTH = 3
COMPETITORS_PER_JOB = 2
_CHECK_HOUR = 6
_OBSERVATION_KEY = ["job_id", "keyword_id", "marketplace", "asin", "run_id"]
_PLACEMENT_KINDS: dict[type, str] = {
    BannerRow: "sponsored_brand",
    VideoRow: "sponsored_video",
    CarouselRow: "carousel",
}


def seed_demo(session: Session, platform: Platform, *, workspace_id: int, owner_id: int) -> None:
    """Entry point of ``DEMO_SEED_MODULES``: the demo jobs now, their last month in a run."""
    jobs = create_demo_jobs(session, platform, workspace_id=workspace_id, owner_id=owner_id)
    create_run(
        session,
        platform,
        workspace_id=workspace_id,
        kind=HISTORY_KIND,
        subject=f"Demo rank history: {HISTORY_DAYS} days of {len(jobs)} jobs",
        payload={"job_ids": [job.id for job in jobs], "days": HISTORY_DAYS},
        created_by_user_id=owner_id,
    )


def create_demo_jobs(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int,
    owner_id: int | None = None,
    marketplaces: Sequence[str] = DEMO_MARKETPLACES,
) -> list[TrackingJob]:
    """One daily job per demo ASIN and marketplace, for the keywords it ranks for there."""
    jobs = []
    for marketplace in marketplaces:
        for asin, keywords in DEMO_KEYWORDS[marketplace].items():
            product = demo_product(asin)
            jobs.append(
                create_job(
                    session,
                    platform,
                    workspace_id=workspace_id,
                    asin=asin,
                    marketplace=marketplace,
                    frequency=Frequency.DAILY.value,
                    depth=DEMO_DEPTH,
                    keywords=keywords,
                    name=product.titles["en"].split(",")[0] if product else "",
                    created_by_user_id=owner_id,
                )
            )
    session.flush()
    return jobs


def write_history(
    session: Session, platform: Platform, *, job: TrackingJob, days: int, parent_run_id: int | None = None
) -> int:
    """Write the ``days`` daily checks before today of ``job`` as the sandbox served them.

    A job without competitors first gets the two best other products of its first keyword's
    page 1 (who a seller would watch). Returns the number of past checks written.
    """
    sandbox = SandboxContext.from_settings(platform.settings.sandbox)
    today = platform.clock.now().date()
    history = [today - timedelta(days=offset) for offset in range(days, 0, -1)]
    keywords = list_keywords(session, workspace_id=job.workspace_id, job_id=job.id)
    if not history or not keywords:
        return 0
    if not job.competitor_asins:
        first = _served(sandbox, job.marketplace, keywords[0].normalised, history[0], depth=1)
        job.competitor_asins = _competitors(first[0], job.asin)
    snapshot_pages = platform.settings.ranks.snapshot_pages
    for day in history:
        observed_at = datetime.combine(day, time(_CHECK_HOUR), tzinfo=UTC) + timedelta(minutes=job.id % 50)
        run = _finished_run(session, job, observed_at, keywords=len(keywords), parent_id=parent_run_id)
        rows: list[dict[str, Any]] = []
        snapshots: list[dict[str, Any]] = []
        for keyword in keywords:
            pages = _served(sandbox, job.marketplace, keyword.normalised, day, depth=job.depth)
            common = {
                "workspace_id": job.workspace_id,
                "job_id": job.id,
                "keyword_id": keyword.id,
                "marketplace": job.marketplace,
                "run_id": run.id,
                "observed_at": observed_at,
            }
            rows.extend(_observation(common, pages, asin, depth=job.depth) for asin in job.tracked_asins)
            snapshots.append(_snapshot_row(common, pages[:snapshot_pages]))
        upsert(session, Observation, rows, key=_OBSERVATION_KEY)
        upsert(session, SerpSnapshot, snapshots, key=["job_id", "keyword_id", "run_id"])
    session.flush()
    return len(history)


@dataclass(frozen=True, slots=True)
class _Card:
    """One result card as the storefront served it, numbered as a check numbers it."""

    asin: str
    brand: str | None
    sponsored: bool
    organic_rank: int | None
    """Absolute across the pages read, like the tracker's."""
    sponsored_rank: int | None
    page: int
    position: int


@dataclass(frozen=True, slots=True)
class _Page:
    number: int
    total_results: int | None
    corrected_query: str | None
    cards: list[_Card]
    placements: list[list[Any]]


def _served(sandbox: SandboxContext, marketplace: str, keyword: str, day: date, *, depth: int) -> list[_Page]:
    """The search pages of ``keyword`` that day, page 1 first, as far as a check of ``depth`` reads.

    Read from the storefront's own page plan (what its HTML and its ground truth are drawn
    from), without the per-card listing details (price, BSR) that ranks never use: a month of
    history costs seconds instead of minutes.
    """
    market = amazon_marketplace(marketplace)
    corrections = AmazonSandboxSettings().corrections
    organic = sponsored = 0
    pages = []
    for number in range(1, depth + 1):
        plan = planned_page(sandbox.seed, market, keyword, number, day, corrections=corrections)
        cards = []
        for card in plan.cards:
            organic += 0 if card.sponsored else 1
            sponsored += 1 if card.sponsored else 0
            brand = product_spec(sandbox.seed, card.asin).brand if shows_brand_line(market) else None
            cards.append(
                _Card(
                    asin=card.asin,
                    brand=brand,
                    sponsored=card.sponsored,
                    organic_rank=None if card.sponsored else organic,
                    sponsored_rank=sponsored if card.sponsored else None,
                    page=number,
                    position=card.position,
                )
            )
        placements = [
            [_PLACEMENT_KINDS[type(row)], number, list(row_asins(row))]
            for row in plan.rows
            if isinstance(row, BannerRow | CarouselRow | VideoRow) and row_asins(row)
        ]
        total = None if plan.empty else plan.total_results
        pages.append(_Page(number, total, plan.corrected_query, cards, placements))
        if not plan.has_next_page or plan.empty:
            break
    return pages


def _competitors(page: _Page, own: str) -> list[str]:
    picked: list[str] = []
    for result in page.cards:
        if not result.sponsored and result.asin != own and demo_product(result.asin) is None:
            picked.append(result.asin)
        if len(picked) == COMPETITORS_PER_JOB:
            break
    return picked


def _finished_run(
    session: Session, job: TrackingJob, at: datetime, *, keywords: int, parent_id: int | None
) -> Run:
    finished = at + timedelta(seconds=keywords)
    run = Run(
        workspace_id=job.workspace_id,
        kind=CHECK_KIND,
        subject=f"{job.asin} on {amazon_marketplace(job.marketplace).domain}"
        + (f" ({job.name})" if job.name else ""),
        status=RunStatus.SUCCEEDED.value,
        payload={"job_id": job.id},
        result={"job_id": job.id, "keywords": keywords, "demo_history": True},
        progress_done=keywords,
        progress_total=keywords,
        attempts=1,
        parent_id=parent_id,
        queued_at=at,
        available_at=at,
        enqueued_at=at,
        started_at=at,
        heartbeat_at=finished,
        finished_at=finished,
        message="the demo storefront's results of that day",
    )
    session.add(run)
    session.flush()
    return run


def _observation(common: dict[str, Any], pages: list[_Page], asin: str, *, depth: int) -> dict[str, Any]:
    """What a check of these pages records for ``asin``: its first organic and first sponsored card."""
    organic = next((r for p in pages for r in p.cards if r.asin == asin and not r.sponsored), None)
    sponsored = next((r for p in pages for r in p.cards if r.asin == asin and r.sponsored), None)
    first = organic or sponsored
    return {
        **common,
        "asin": asin,
        "status": (ObservationStatus.OK if first else ObservationStatus.NOT_FOUND).value,
        "failure_reason": None,
        "found": first is not None,
        "organic_rank": organic.organic_rank if organic else None,
        "organic_page": organic.page if organic else None,
        "organic_position": organic.position if organic else None,
        "sponsored_rank": sponsored.sponsored_rank if sponsored else None,
        "sponsored_page": sponsored.page if sponsored else None,
        "sponsored_position": sponsored.position if sponsored else None,
        "page": first.page if first else None,
        "position": first.position if first else None,
        "depth": depth,
        "pages_checked": len(pages),
        "total_results": pages[0].total_results,
        "page_keys": [],
    }


def _snapshot_row(common: dict[str, Any], pages: list[_Page]) -> dict[str, Any]:
    """The run's :class:`~shelfscope.ranks.models.SerpSnapshot` of these pages, in its compact form."""
    results = [
        [
            c.asin,
            c.brand,
            c.sponsored,
            c.sponsored_rank if c.sponsored else c.organic_rank,
            c.page,
            c.position,
        ]
        for page in pages
        for c in page.cards
    ]
    placements = [placement for page in pages for placement in page.placements]
    return {
        **common,
        "total_results": pages[0].total_results,
        "corrected_query": pages[0].corrected_query,
        "results": {"v": SNAPSHOT_VERSION, "results": results, "placements": placements},
    }


def _written(session: Session, parent_run_id: int, job_id: int) -> bool:
    """Whether an earlier attempt of the history run already wrote this job (one transaction each)."""
    query = select(Run.id).where(Run.parent_id == parent_run_id, Run.payload["job_id"].as_integer() == job_id)
    return session.scalar(query.limit(1)) is not None


def history_run(ctx: RunContext) -> dict[str, Any]:
    """Handler of ``ranks.demo_history``: each job's history in its own transaction, resumably."""
    if ctx.workspace_id is None:
        raise InvalidInput("the demo history belongs to a workspace")
    job_ids = [int(job_id) for job_id in ctx.payload.get("job_ids", [])]
    days = int(ctx.payload.get("days", HISTORY_DAYS))
    checks = 0
    for index, job_id in enumerate(job_ids):
        ctx.check_cancelled()
        with ctx.platform.db.session() as session:
            job = session.get(TrackingJob, job_id)
            if job is None or job.workspace_id != ctx.workspace_id or _written(session, ctx.run_id, job_id):
                continue  # deleted meanwhile, or written by an earlier attempt
            checks += write_history(session, ctx.platform, job=job, days=days, parent_run_id=ctx.run_id)
            label = f"{job.asin} on {job.marketplace}"
        publish_data_changed(
            ctx.platform.bus, workspace_id=ctx.workspace_id, entity="rank_jobs", ids=[job_id]
        )
        ctx.progress(index + 1, len(job_ids), f"{label}: {days} days written")
    return {"jobs": len(job_ids), "days": days, "checks_written": checks}


register_kind(HISTORY_KIND, history_run, max_attempts=3)
