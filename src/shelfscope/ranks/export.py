"""Rank exports: every observation of a workspace, filtered, as CSV (streamed) or JSON pages.

Three kinds share one row source: ``combined`` (organic and sponsored columns), ``organic`` and
``sponsored`` (only that rank's columns). Every kind keeps every check, failed ones included
with their ``status`` and reason, so a failed check is never read as "not ranked".

The CSV is produced from a server-side cursor (``yield_per``): rows are fetched, written and
sent in batches, and memory stays flat whatever the export's size. The query is built and its
filters checked before streaming starts, so bad input answers 4xx instead of a broken file.
Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) get a leading
apostrophe.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from shelfscope.db import Database
from shelfscope.errors import InvalidInput
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.models import Observation, TrackedKeyword, TrackingJob
from shelfscope.ranks.validation import validate_asin, validate_keyword, validate_marketplace

__all__ = [
    "ExportFilters",
    "ExportKind",
    "export_columns",
    "export_filename",
    "export_filters",
    "export_page",
    "export_query",
    "export_rows",
    "stream_csv",
]

_BATCH = 1000
_ROWS_PER_CHUNK = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = frozenset({"keyword", "failure_reason"})


class ExportKind(enum.StrEnum):
    COMBINED = "combined"
    ORGANIC = "organic"
    SPONSORED = "sponsored"


_HEAD = ("observed_at", "job_id", "marketplace", "keyword", "asin", "role", "status", "failure_reason")
_ORGANIC = ("organic_rank", "organic_page", "organic_position")
_SPONSORED = ("sponsored_rank", "sponsored_page", "sponsored_position")
_TAIL = ("pages_checked", "depth", "total_results", "run_id")
_COLUMNS = {
    ExportKind.COMBINED: (*_HEAD, *_ORGANIC, *_SPONSORED, "page", "position", *_TAIL),
    ExportKind.ORGANIC: (*_HEAD, *_ORGANIC, *_TAIL),
    ExportKind.SPONSORED: (*_HEAD, *_SPONSORED, *_TAIL),
}


def export_columns(kind: ExportKind) -> tuple[str, ...]:
    """The columns of an export kind, in order; ``role`` is ``own`` or ``competitor``."""
    return _COLUMNS[kind]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportFilters:
    """Checked filters: times in UTC, ASIN upper-cased, keyword normalised, marketplace a code."""

    since: datetime | None = None
    until: datetime | None = None
    asin: str | None = None
    keyword: str | None = None
    marketplace: str | None = None
    job_id: int | None = None


def _utc(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{field} is out of range", field=field) from None


def export_filters(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    asin: str | None = None,
    keyword: str | None = None,
    marketplace: str | None = None,
    job_id: int | None = None,
) -> ExportFilters:
    """Checked and normalised filters (times without an offset are UTC), or InvalidInput."""
    start, end = _utc(since, "since"), _utc(until, "until")
    if start is not None and end is not None and start >= end:
        raise InvalidInput("since must be before until", field="until")
    wanted = validate_keyword(keyword)[1] if keyword is not None else None
    if job_id is not None and job_id < 1:
        raise InvalidInput("job is a positive id", field="job")
    return ExportFilters(
        since=start,
        until=end,
        asin=validate_asin(asin) if asin is not None else None,
        keyword=wanted,
        marketplace=validate_marketplace(marketplace) if marketplace is not None else None,
        job_id=job_id,
    )


def export_query(session: Session, *, workspace_id: int, filters: ExportFilters) -> Select[Any]:
    """The workspace's observations matching ``filters``, oldest first (NotFound: foreign job)."""
    if filters.job_id is not None:
        get_job(session, workspace_id=workspace_id, job_id=filters.job_id)
    query = (
        select(
            Observation.observed_at,
            Observation.job_id,
            Observation.marketplace,
            TrackedKeyword.keyword,
            Observation.asin,
            TrackingJob.asin.label("own_asin"),
            Observation.status,
            Observation.failure_reason,
            *(getattr(Observation, name) for name in (*_ORGANIC, *_SPONSORED, "page", "position", *_TAIL)),
        )
        .join(TrackedKeyword, TrackedKeyword.id == Observation.keyword_id)
        .join(TrackingJob, TrackingJob.id == Observation.job_id)
        .where(Observation.workspace_id == workspace_id, TrackingJob.workspace_id == workspace_id)
    )
    if filters.since is not None:
        query = query.where(Observation.observed_at >= filters.since)
    if filters.until is not None:
        query = query.where(Observation.observed_at < filters.until)
    if filters.asin is not None:
        query = query.where(Observation.asin == filters.asin)
    if filters.keyword is not None:
        query = query.where(TrackedKeyword.normalised == filters.keyword)
    if filters.marketplace is not None:
        query = query.where(Observation.marketplace == filters.marketplace)
    if filters.job_id is not None:
        query = query.where(Observation.job_id == filters.job_id)
    return query.order_by(Observation.observed_at, Observation.id)


def export_rows(rows: Iterable[Row[Any]], kind: ExportKind) -> Iterator[dict[str, Any]]:
    """Rows of :func:`export_query` as dicts with the kind's columns."""
    columns = _COLUMNS[kind]
    for row in rows:
        values = row._mapping
        role = "own" if values["asin"] == values["own_asin"] else "competitor"
        yield {name: role if name == "role" else values[name] for name in columns}


def export_page(
    session: Session, *, workspace_id: int, kind: ExportKind, filters: ExportFilters, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of the export and the number of rows of the whole export."""
    query = export_query(session, workspace_id=workspace_id, filters=filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(export_rows(session.execute(query.limit(limit).offset(offset)), kind))
    return rows, total


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if name in _TEXT_COLUMNS and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def stream_csv(
    db: Database, query: Select[Any], kind: ExportKind, *, rows_per_chunk: int = _ROWS_PER_CHUNK
) -> Iterator[str]:
    """The CSV text of ``query`` (from :func:`export_query`) in chunks: a header, then rows.

    Opens its own session, so it can outlive the request's; rows come from a server-side
    cursor in batches and at most ``rows_per_chunk`` of them are held as text at a time.
    """
    columns = _COLUMNS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    with db.session() as session:
        result = session.execute(query.execution_options(yield_per=_BATCH))
        for count, row in enumerate(export_rows(result, kind), start=1):
            writer.writerow([_cell(name, row[name]) for name in columns])
            if count % rows_per_chunk == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def export_filename(kind: ExportKind, filters: ExportFilters) -> str:
    """``ranks-organic-2026-01-01-to-2026-02-01.csv``: what the file holds, in its name."""
    parts = ["ranks", kind.value]
    if filters.job_id is not None:
        parts.append(f"job{filters.job_id}")
    if filters.since is not None:
        parts.append(f"{filters.since:%Y-%m-%d}")
    if filters.until is not None:
        parts.append(f"to-{filters.until:%Y-%m-%d}")
    return "-".join(parts) + ".csv"
