"""Executing one ``ranks.check`` run: every keyword of a job, once, through the shared page cache.

The run is resumable and idempotent. Keywords that already have a healthy observation for this
run (from an earlier attempt, before a worker died or the run was retried) are skipped;
everything is written with upserts on the natural key. Between keyword checks the run pauses
for a random time in the job's delay range (not in sandbox mode), watching for cancellation.

How it ends: every keyword checked → succeeded; some failed → ``partial``, naming each failed
keyword and why; none succeeded at all → the first failure is raised, so the job system retries
the run with backoff (transient errors) or fails it (permanent ones). Either way the job's alert
rules are evaluated first (:mod:`.alert_eval`), on the healthy observations only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from shelfscope.archive import RawArchive
from shelfscope.errors import InvalidInput, ShelfscopeError
from shelfscope.events import publish_data_changed
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.alert_eval import evaluate_run_alerts
from shelfscope.ranks.checker import KeywordCheck, check_keyword
from shelfscope.ranks.fetcher import EngineFetcher, PageFetcher
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import Observation, ObservationStatus, TrackingJob
from shelfscope.ranks.observations import CheckTarget, record_check
from shelfscope.ranks.pages import SERP_ARCHIVE, LivePageSource, SharedPageSource
from shelfscope.ranks.storefront import storefront_base_url

if TYPE_CHECKING:
    from shelfscope.jobs.context import RunContext
    from shelfscope.platform import Platform

__all__ = ["RunTally", "execute_check", "keyword_pause_seconds"]

Sleep = Callable[[float], None]
_PAUSE_SLICE = 1.0
_MAX_REASON_TEXT = 1500


@dataclass(frozen=True, slots=True)
class _Job:
    """What the run needs of its job, read once (the job may be edited while the run works)."""

    id: int
    workspace_id: int
    asin: str
    marketplace: str
    depth: int
    asins: tuple[str, ...]
    delay: tuple[int, int]

    @classmethod
    def of(cls, job: TrackingJob) -> _Job:
        return cls(
            id=job.id,
            workspace_id=job.workspace_id,
            asin=job.asin,
            marketplace=job.marketplace,
            depth=job.depth,
            asins=tuple(job.tracked_asins),
            delay=(job.delay_min_seconds, job.delay_max_seconds),
        )


@dataclass
class RunTally:
    keywords: int = 0
    resumed: int = 0
    found: int = 0
    not_found: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[ShelfscopeError] = field(default_factory=list)

    def count(self, keyword: str, check: KeywordCheck, own: dict[str, Any]) -> None:
        if check.error is not None:
            self.failed.append((keyword, check.failure_reason or check.error.message))
            self.errors.append(check.error)
        elif own["status"] == ObservationStatus.OK.value:
            self.found += 1
        else:
            self.not_found += 1

    @property
    def succeeded(self) -> int:
        return self.resumed + self.found + self.not_found

    def partial_reason(self) -> str:
        listed = "; ".join(f"{keyword!r} ({reason})" for keyword, reason in self.failed)
        text = f"{len(self.failed)} of {self.keywords} keywords failed: {listed}"
        return text if len(text) <= _MAX_REASON_TEXT else text[: _MAX_REASON_TEXT - 1] + "…"


def keyword_pause_seconds(platform: Platform, delay: tuple[int, int], rng: random.Random) -> float:
    """The pause before the next keyword check: the job's range, or 0 when pauses are off."""
    settings = platform.settings
    if not settings.ranks.pauses_enabled or settings.sandbox.enabled or settings.sandbox.url:
        return 0.0
    return rng.uniform(*delay)


def _pause(ctx: RunContext, seconds: float, sleep: Sleep) -> None:
    """Wait ``seconds`` in short slices, stopping at once when the run is cancelled."""
    remaining = seconds
    while remaining > 0:
        ctx.check_cancelled()
        step = min(_PAUSE_SLICE, remaining)
        sleep(step)
        remaining -= step
    ctx.check_cancelled()


def _done_keywords(platform: Platform, run_id: int, job_id: int) -> set[int]:
    with platform.db.session() as session:
        return set(
            session.scalars(
                select(Observation.keyword_id).where(
                    Observation.run_id == run_id,
                    Observation.job_id == job_id,
                    Observation.status != ObservationStatus.FAILED.value,
                )
            )
        )


def execute_check(
    ctx: RunContext,
    *,
    fetcher: PageFetcher | None = None,
    sleep: Sleep = time.sleep,
    rng: random.Random | None = None,
) -> dict[str, Any]:
    """Check every keyword of the run's job once; the handler of ``ranks.check``."""
    platform = ctx.platform
    if ctx.workspace_id is None:
        raise InvalidInput("a rank check must belong to a workspace")
    with platform.db.session() as session:
        job = _Job.of(get_job(session, workspace_id=ctx.workspace_id, job_id=int(ctx.payload["job_id"])))
        keywords = [
            (k.id, k.keyword, k.normalised)
            for k in list_keywords(session, workspace_id=job.workspace_id, job_id=job.id)
        ]
    done = _done_keywords(platform, ctx.run_id, job.id)
    todo = [kw for kw in keywords if kw[0] not in done]
    tally = RunTally(keywords=len(keywords), resumed=len(keywords) - len(todo))
    ctx.progress(tally.resumed, len(keywords), "starting")
    source = _page_source(platform, job, ctx.run_id, fetcher)
    try:
        _check_all(ctx, job, todo, source, tally, sleep=sleep, rng=rng or random.Random())  # noqa: S311
    finally:
        if fetcher is None:
            source.live.fetcher.close()
    publish_data_changed(platform.bus, workspace_id=job.workspace_id, entity="rank_jobs", ids=[job.id])
    evaluate_run_alerts(platform, workspace_id=job.workspace_id, job_id=job.id, run_id=ctx.run_id)
    return _finish(ctx, job, tally, source)


def _page_source(platform: Platform, job: _Job, run_id: int, fetcher: PageFetcher | None) -> SharedPageSource:
    settings = platform.settings
    archive = RawArchive.from_settings(settings, SERP_ARCHIVE)
    market = amazon_marketplace(job.marketplace)
    live = LivePageSource(
        fetcher=fetcher or EngineFetcher.for_workspace(platform, workspace_id=job.workspace_id),
        base_url_of={market.code: storefront_base_url(settings, market)},
        archive=archive,
        run_id=run_id,
    )
    return SharedPageSource(
        live=live,
        db=platform.db,
        archive=archive,
        clock=platform.clock,
        workspace_id=job.workspace_id,
        window_seconds=settings.ranks.page_cache_seconds,
    )


def _check_all(
    ctx: RunContext,
    job: _Job,
    todo: list[tuple[int, str, str]],
    source: SharedPageSource,
    tally: RunTally,
    *,
    sleep: Sleep,
    rng: random.Random,
) -> None:
    platform = ctx.platform
    for index, (keyword_id, keyword, query) in enumerate(todo):
        ctx.check_cancelled()
        if index:
            _pause(ctx, keyword_pause_seconds(platform, job.delay, rng), sleep)
        check = check_keyword(source, marketplace=job.marketplace, query=query, depth=job.depth)
        target = CheckTarget(
            workspace_id=job.workspace_id,
            job_id=job.id,
            keyword_id=keyword_id,
            marketplace=job.marketplace,
            asins=job.asins,
        )
        with platform.db.session() as session:
            rows = record_check(
                session,
                target,
                check,
                run_id=ctx.run_id,
                observed_at=platform.clock.now(),
                snapshot_pages=platform.settings.ranks.snapshot_pages,
            )
        source.flush_savings()
        tally.count(keyword, check, rows[0])
        if check.error is not None:
            ctx.log.warning("rank_check_failed", job_id=job.id, keyword=keyword, reason=check.failure_reason)
        ctx.progress(
            tally.succeeded + len(tally.failed), tally.keywords, _progress_message(keyword, check, rows[0])
        )


def _progress_message(keyword: str, check: KeywordCheck, own: dict[str, Any]) -> str:
    if check.error is not None:
        return f"{keyword}: failed ({check.error.code})"
    if own["status"] == ObservationStatus.NOT_FOUND.value:
        return f"{keyword}: not in the first {own['pages_checked']} pages"
    parts = []
    if own["organic_rank"] is not None:
        parts.append(f"organic #{own['organic_rank']}")
    if own["sponsored_rank"] is not None:
        parts.append(f"sponsored #{own['sponsored_rank']}")
    return f"{keyword}: {', '.join(parts)} (page {own['page']})"


def _finish(ctx: RunContext, job: _Job, tally: RunTally, source: SharedPageSource) -> dict[str, Any]:
    if tally.errors and tally.succeeded == 0:
        raise tally.errors[0]
    if tally.failed:
        ctx.set_partial(tally.partial_reason())
    return {
        "job_id": job.id,
        "keywords": tally.keywords,
        "resumed": tally.resumed,
        "found": tally.found,
        "not_found": tally.not_found,
        "failed": [{"keyword": keyword, "reason": reason} for keyword, reason in tally.failed],
        "pages_fetched": source.live.pages_fetched,
        "bytes_fetched": source.live.bytes_fetched,
        "pages_reused": source.pages_reused,
        "bytes_saved": source.bytes_saved,
    }
