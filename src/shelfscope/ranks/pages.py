"""Where a keyword check gets its search pages: the network, or the shared page cache.

Proxy bandwidth is what tracking costs, so a public search page fetched for one job serves
every job that needs the same (marketplace, keyword, page) within ``ranks.page_cache_seconds``,
in any workspace. The cache row names only the page; which workspaces read it is never stored
with it. Each workspace counts what the reuse saved it (:class:`PageCacheSavings`).

Only pages that parsed as search pages are shared (:meth:`PageSource.accept`), so a page the
parser failed on is never served to another job. Every fetched page goes to the archive first,
so even a failed one can be looked at and reparsed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shelfscope.archive import RawArchive
from shelfscope.clock import Clock
from shelfscope.db import Database, upsert
from shelfscope.errors import NotFound
from shelfscope.fetch import Request, Site
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.fetcher import PageFetcher
from shelfscope.ranks.models import PageCache, PageCacheSavings
from shelfscope.ranks.storefront import search_url

__all__ = [
    "SERP_ARCHIVE",
    "LivePageSource",
    "PageSource",
    "RawPage",
    "SharedPageSource",
    "add_savings",
    "savings_of",
]

SERP_ARCHIVE = "amazon-serp"
"""The archive namespace of raw search pages."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RawPage:
    """One search page as bytes, and what getting it cost."""

    marketplace: str
    query: str
    number: int
    body: bytes
    archive_key: str | None
    bytes_fetched: int
    """Wire bytes of the fetch; 0 when the page came from the cache."""
    from_cache: bool = False
    cached_bytes: int = 0
    """What the page cost whoever fetched it, when it came from the cache: the bytes saved."""


class PageSource(Protocol):
    def fetch(self, *, marketplace: str, query: str, page: int) -> RawPage:
        """Page ``page`` of ``query``'s results, or an error from :mod:`shelfscope.errors`."""
        ...

    def accept(self, raw: RawPage) -> None:
        """``raw`` parsed as a good search page: it may now serve other checks."""
        ...


@dataclass
class LivePageSource:
    """Pages from the network through the fetch engine, archived as they arrive."""

    fetcher: PageFetcher
    base_url_of: dict[str, str]
    """Storefront base URL per marketplace code."""
    archive: RawArchive | None = None
    run_id: int | None = None
    pages_fetched: int = 0
    bytes_fetched: int = 0

    def fetch(self, *, marketplace: str, query: str, page: int) -> RawPage:
        market = amazon_marketplace(marketplace)
        request = Request(
            url=search_url(self.base_url_of[market.code], query=query, page=page),
            site=Site.AMAZON,
            marketplace=market.code,
            expected_page="serp",
            run_id=None if self.run_id is None else str(self.run_id),
            meta={"query": query, "page": page},
        )
        response = self.fetcher.fetch(request)
        self.pages_fetched += 1
        self.bytes_fetched += response.bytes_in
        key = self.archive.put(response.body) if self.archive is not None else None
        return RawPage(
            marketplace=market.code,
            query=query,
            number=page,
            body=response.body,
            archive_key=key,
            bytes_fetched=response.bytes_in,
        )

    def accept(self, raw: RawPage) -> None:
        return None


@dataclass
class SharedPageSource:
    """The page cache in front of a :class:`LivePageSource`, for one workspace's run."""

    live: LivePageSource
    db: Database
    archive: RawArchive
    clock: Clock
    workspace_id: int
    window_seconds: float
    pages_reused: int = 0
    bytes_saved: int = 0
    _unflushed: list[int] = field(default_factory=list)

    def fetch(self, *, marketplace: str, query: str, page: int) -> RawPage:
        cached = self._cached(marketplace, query, page)
        if cached is not None:
            return cached
        return self.live.fetch(marketplace=marketplace, query=query, page=page)

    def _cached(self, marketplace: str, query: str, page: int) -> RawPage | None:
        if self.window_seconds <= 0:
            return None
        fresh_after = self.clock.now() - timedelta(seconds=self.window_seconds)
        with self.db.session() as session:
            row = session.scalar(
                select(PageCache).where(
                    PageCache.marketplace == marketplace,
                    PageCache.keyword == query,
                    PageCache.page == page,
                    PageCache.fetched_at >= fresh_after,
                )
            )
        if row is None:
            return None
        try:
            body = self.archive.get(row.archive_key)
        except NotFound:
            return None
        self.pages_reused += 1
        self.bytes_saved += row.bytes
        self._unflushed.append(row.bytes)
        return RawPage(
            marketplace=marketplace,
            query=query,
            number=page,
            body=body,
            archive_key=row.archive_key,
            bytes_fetched=0,
            from_cache=True,
            cached_bytes=row.bytes,
        )

    def accept(self, raw: RawPage) -> None:
        if raw.from_cache or raw.archive_key is None or self.window_seconds <= 0:
            return
        row = {
            "marketplace": raw.marketplace,
            "keyword": raw.query,
            "page": raw.number,
            "fetched_at": self.clock.now(),
            "archive_key": raw.archive_key,
            "bytes": raw.bytes_fetched,
        }
        with self.db.session() as session:
            upsert(session, PageCache, [row], key=["marketplace", "keyword", "page"])

    def flush_savings(self) -> None:
        """Add the reuses since the last flush to the workspace's counter."""
        if not self._unflushed:
            return
        pages, saved = len(self._unflushed), sum(self._unflushed)
        with self.db.session() as session:
            add_savings(
                session, workspace_id=self.workspace_id, pages=pages, bytes_saved=saved, now=self.clock.now()
            )
        self._unflushed.clear()


def add_savings(session: Session, *, workspace_id: int, pages: int, bytes_saved: int, now: datetime) -> None:
    """Increment a workspace's page-reuse counters in one statement (safe under concurrency)."""
    table: Table = PageCacheSavings.__table__  # type: ignore[assignment]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(
        workspace_id=workspace_id, pages_reused=pages, bytes_saved=bytes_saved, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["workspace_id"],
        set_={
            "pages_reused": table.c.pages_reused + stmt.excluded.pages_reused,
            "bytes_saved": table.c.bytes_saved + stmt.excluded.bytes_saved,
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt)


def savings_of(session: Session, *, workspace_id: int) -> tuple[int, int]:
    """``(pages_reused, bytes_saved)`` of a workspace since it started tracking."""
    row = session.get(PageCacheSavings, workspace_id)
    return (row.pages_reused, row.bytes_saved) if row is not None else (0, 0)
