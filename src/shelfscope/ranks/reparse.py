"""Re-deriving stored observations from archived pages with the current parser.

When the parser improves (a new layout is understood, a sponsored marker is added), every
check whose raw pages are still in the archive can be recomputed: ``shelfscope ranks reparse
--job … --since …``. Each (keyword, run) is checked again from its archived pages, in the same
order and up to the same depth, and its observations are upserted under the same natural key,
so reparsing twice changes nothing the second time. The job's current competitor ASINs get
rows too, so a competitor added today gains history from the archive.

A check that originally failed before every page was read (blocked, timed out) has pages that
were never fetched: it is skipped, never turned into "not found". A healthy observation is
never replaced by a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from shelfscope.archive import RawArchive
from shelfscope.errors import NotFound
from shelfscope.ranks.checker import check_keyword
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import Observation, ObservationStatus, TrackedKeyword
from shelfscope.ranks.observations import CheckTarget, record_check
from shelfscope.ranks.pages import SERP_ARCHIVE, RawPage

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["ArchivedPages", "ReparseReport", "reparse_job"]

_COMPARED = ("status", "organic_rank", "sponsored_rank", "page", "position")


@dataclass
class ReparseReport:
    """How many checks were looked at and what became of them."""

    checks: int = 0
    reparsed: int = 0
    changed: int = 0
    failed: int = 0
    """Still unreadable with the current parser."""
    incomplete: int = 0
    """The original check failed before all its pages were fetched: nothing to reparse."""
    pruned: int = 0
    """Some of the check's pages are no longer in the archive."""

    def to_json(self) -> dict[str, int]:
        return {
            "checks": self.checks,
            "reparsed": self.reparsed,
            "changed": self.changed,
            "failed": self.failed,
            "incomplete": self.incomplete,
            "pruned": self.pruned,
        }


@dataclass
class ArchivedPages:
    """A page source serving one check's pages from the archive, in their original order."""

    archive: RawArchive
    keys: list[str]

    def fetch(self, *, marketplace: str, query: str, page: int) -> RawPage:
        if page > len(self.keys):
            raise NotFound(f"page {page} of {query!r} was never fetched")
        key = self.keys[page - 1]
        return RawPage(
            marketplace=marketplace,
            query=query,
            number=page,
            body=self.archive.get(key),
            archive_key=key,
            bytes_fetched=0,
            from_cache=True,
        )

    def accept(self, raw: RawPage) -> None:
        return None


def _checks(platform: Platform, job_id: int, since: datetime, until: datetime | None) -> list[Observation]:
    """One stored observation per (keyword, run) since ``since``, the job's own ASIN preferred."""
    with platform.db.session() as session:
        query = select(Observation).where(Observation.job_id == job_id, Observation.observed_at >= since)
        if until is not None:
            query = query.where(Observation.observed_at < until)
        rows = session.scalars(query.order_by(Observation.observed_at, Observation.id)).all()
        own = get_job(session, workspace_id=rows[0].workspace_id, job_id=job_id).asin if rows else None
    chosen: dict[tuple[int, int], Observation] = {}
    for row in rows:
        key = (row.keyword_id, row.run_id)
        if key not in chosen or row.asin == own:
            chosen[key] = row
    return list(chosen.values())


def _values(row: Observation | dict[str, Any]) -> tuple[Any, ...]:
    if isinstance(row, dict):
        return tuple(row[name] for name in _COMPARED)
    return tuple(getattr(row, name) for name in _COMPARED)


def reparse_job(
    platform: Platform,
    *,
    workspace_id: int,
    job_id: int,
    since: datetime,
    until: datetime | None = None,
) -> ReparseReport:
    """Recompute the job's observations since ``since`` from the archive."""
    with platform.db.session() as session:
        job = get_job(session, workspace_id=workspace_id, job_id=job_id)
        asins = tuple(job.tracked_asins)
        rows = session.execute(
            select(TrackedKeyword.id, TrackedKeyword.normalised).where(TrackedKeyword.job_id == job_id)
        )
        queries = {int(keyword_id): str(query) for keyword_id, query in rows}
    archive = RawArchive.from_settings(platform.settings, SERP_ARCHIVE)
    report = ReparseReport()
    for stored in _checks(platform, job_id, since, until):
        report.checks += 1
        _reparse_one(
            platform=platform,
            archive=archive,
            stored=stored,
            asins=asins,
            query=queries[stored.keyword_id],
            report=report,
        )
    return report


def _reparse_one(
    *,
    platform: Platform,
    archive: RawArchive,
    stored: Observation,
    asins: tuple[str, ...],
    query: str,
    report: ReparseReport,
) -> None:
    keys = [str(key) for key in stored.page_keys]
    if not all(archive.has(key) for key in keys):
        report.pruned += 1
        return
    check = check_keyword(
        ArchivedPages(archive, keys), marketplace=stored.marketplace, query=query, depth=stored.depth
    )
    if isinstance(check.error, NotFound):
        report.incomplete += 1
        return
    target = CheckTarget(
        workspace_id=stored.workspace_id,
        job_id=stored.job_id,
        keyword_id=stored.keyword_id,
        marketplace=stored.marketplace,
        asins=asins,
    )
    with platform.db.session() as session:
        rows = record_check(
            session,
            target,
            check,
            run_id=stored.run_id,
            observed_at=stored.observed_at,
            snapshot_pages=platform.settings.ranks.snapshot_pages,
        )
    if not check.ok:
        report.failed += 1
        return
    report.reparsed += 1
    mine = next((row for row in rows if row["asin"] == stored.asin), None)
    was_failed = stored.status == ObservationStatus.FAILED.value
    if mine is not None and (was_failed or _values(mine) != _values(stored)):
        report.changed += 1
