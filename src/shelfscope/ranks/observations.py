"""Storing what a keyword check saw: one observation per tracked ASIN, and the run's snapshot.

Writes are upserts on the natural key (job, keyword, marketplace, ASIN, run), so running a run
twice, or reparsing it, rewrites the same rows instead of adding any. A failed check writes
``failed`` rows with the reason, and it only ever replaces a failed row: a healthy observation
of the same run is never overwritten by a later failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shelfscope.db import upsert
from shelfscope.ranks.checker import KeywordCheck
from shelfscope.ranks.models import Observation, ObservationStatus, SerpSnapshot

__all__ = ["CheckTarget", "observation_rows", "record_check"]

_KEY = ("job_id", "keyword_id", "marketplace", "asin", "run_id")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckTarget:
    """Which job and keyword a check was for, and which ASINs it ranks."""

    workspace_id: int
    job_id: int
    keyword_id: int
    marketplace: str
    asins: Sequence[str]


def observation_rows(
    target: CheckTarget, check: KeywordCheck, *, run_id: int, observed_at: datetime
) -> list[dict[str, Any]]:
    """One row per tracked ASIN: its ranks, ``not_found`` within the depth, or ``failed``."""
    common = {
        "workspace_id": target.workspace_id,
        "job_id": target.job_id,
        "keyword_id": target.keyword_id,
        "marketplace": target.marketplace,
        "run_id": run_id,
        "observed_at": observed_at,
        "depth": check.depth,
        "page_keys": check.page_keys,
        "pages_checked": len(check.ranked.pages) if check.ranked else (check.failed_page or 1) - 1,
        "total_results": check.ranked.total_results if check.ranked else None,
    }
    rows = []
    for asin in target.asins:
        if not check.ok:
            rows.append({**common, **_unknown(asin), "status": ObservationStatus.FAILED.value,
                         "failure_reason": check.failure_reason})  # fmt: skip
            continue
        rank = check.rank_of(asin)
        status = ObservationStatus.OK if rank.found else ObservationStatus.NOT_FOUND
        rows.append(
            {
                **common,
                "asin": asin,
                "status": status.value,
                "failure_reason": None,
                "found": rank.found,
                "organic_rank": rank.organic_rank,
                "organic_page": rank.organic_page,
                "organic_position": rank.organic_position,
                "sponsored_rank": rank.sponsored_rank,
                "sponsored_page": rank.sponsored_page,
                "sponsored_position": rank.sponsored_position,
                "page": rank.page,
                "position": rank.position,
            }
        )
    return rows


def _unknown(asin: str) -> dict[str, Any]:
    return {
        "asin": asin,
        "found": False,
        "organic_rank": None,
        "organic_page": None,
        "organic_position": None,
        "sponsored_rank": None,
        "sponsored_page": None,
        "sponsored_position": None,
        "page": None,
        "position": None,
    }


def _write_failed(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert failed rows; an existing row of the same key changes only if it failed too."""
    table: Table = Observation.__table__  # type: ignore[assignment]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(rows)
    updated = [name for name in rows[0] if name not in _KEY]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={name: stmt.excluded[name] for name in updated},
        where=table.c.status == ObservationStatus.FAILED.value,
    )
    session.execute(stmt)


def record_check(
    session: Session,
    target: CheckTarget,
    check: KeywordCheck,
    *,
    run_id: int,
    observed_at: datetime,
    snapshot_pages: int,
) -> list[dict[str, Any]]:
    """Upsert the check's observations (and, when it succeeded, its snapshot); returns the rows."""
    rows = observation_rows(target, check, run_id=run_id, observed_at=observed_at)
    if not rows:
        return rows
    if check.ok:
        upsert(session, Observation, rows, key=_KEY)
    else:
        _write_failed(session, rows)
    if check.ranked is not None:
        snapshot = {
            "workspace_id": target.workspace_id,
            "job_id": target.job_id,
            "keyword_id": target.keyword_id,
            "run_id": run_id,
            "marketplace": target.marketplace,
            "observed_at": observed_at,
            "total_results": check.ranked.total_results,
            "corrected_query": check.ranked.corrected_query,
            "results": check.ranked.snapshot(max_pages=snapshot_pages),
        }
        upsert(session, SerpSnapshot, [snapshot], key=["job_id", "keyword_id", "run_id"])
    return rows
