"""One keyword check: read search pages 1..depth, parse them, and say where each ASIN stands.

The check stops early only when a page has no next page; otherwise it reads every page up to
the depth, because "not found" is a claim about all of them. Any page that cannot be had or
read (blocked after the engine's retries, timed out, not a search page, a parse error) fails the
whole check: the result is ``failed`` with the reason, never "not ranked". It works on any
:class:`~shelfscope.ranks.pages.PageSource`, so the scheduled tracker, the one-off
``ranks check`` command and ``ranks reparse`` share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelfscope.errors import ShelfscopeError
from shelfscope.ranks.pages import PageSource, RawPage
from shelfscope.ranks.ranking import AsinRank, RankedPages, rank_pages
from shelfscope.ranks.serp import SerpPage, parse_serp, require_search_page

__all__ = ["KeywordCheck", "check_keyword", "parse_page"]

MAX_REASON = 480


def parse_page(body: bytes, *, marketplace: str) -> SerpPage:
    """A search page, or ``Blocked``/``ParseError``: never a wall read as "no results"."""
    return require_search_page(parse_serp(body, marketplace=marketplace))


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordCheck:
    """The pages one check read and what they showed, or why the check failed."""

    marketplace: str
    query: str
    depth: int
    raw_pages: tuple[RawPage, ...]
    ranked: RankedPages | None
    error: ShelfscopeError | None = None
    failed_page: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.ranked is not None

    @property
    def page_keys(self) -> list[str]:
        return [raw.archive_key for raw in self.raw_pages if raw.archive_key is not None]

    @property
    def failure_reason(self) -> str | None:
        if self.error is None:
            return None
        reason = f"page {self.failed_page}: {self.error.code}: {self.error.message}"
        return reason[:MAX_REASON]

    def rank_of(self, asin: str) -> AsinRank:
        if self.ranked is None:
            raise ValueError("a failed check has no ranks")
        return self.ranked.rank_of(asin)


def check_keyword(source: PageSource, *, marketplace: str, query: str, depth: int) -> KeywordCheck:
    """Read up to ``depth`` pages of ``query`` from ``source`` and rank their cards."""
    raw_pages: list[RawPage] = []
    parsed: list[SerpPage] = []
    for number in range(1, depth + 1):
        try:
            raw = source.fetch(marketplace=marketplace, query=query, page=number)
        except ShelfscopeError as exc:
            return _failed(marketplace, query, depth, raw_pages, exc, number)
        raw_pages.append(raw)
        try:
            page = parse_page(raw.body, marketplace=marketplace)
        except ShelfscopeError as exc:
            return _failed(marketplace, query, depth, raw_pages, exc, number)
        source.accept(raw)
        parsed.append(page)
        if not page.has_next_page:
            break
    return KeywordCheck(
        marketplace=marketplace,
        query=query,
        depth=depth,
        raw_pages=tuple(raw_pages),
        ranked=rank_pages(parsed),
    )


def _failed(  # noqa: PLR0917 - a private constructor shortcut
    marketplace: str,
    query: str,
    depth: int,
    raw_pages: list[RawPage],
    error: ShelfscopeError,
    number: int,
) -> KeywordCheck:
    return KeywordCheck(
        marketplace=marketplace,
        query=query,
        depth=depth,
        raw_pages=tuple(raw_pages),
        ranked=None,
        error=error,
        failed_page=number,
    )
