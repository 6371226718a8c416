"""What the rank analyses share: a window of days back from now, and a page of keywords.

Statistics, share of voice and competition all answer "per keyword of a job over the last N
days". The window and the slicing of a job's keywords live here once, so the API, the CLI and
the dashboard cut the same way and say the same thing about a bad value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from shelfscope.errors import InvalidInput
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import TrackedKeyword

__all__ = [
    "MAX_WINDOW_DAYS",
    "Sliced",
    "chosen_asin",
    "keyword_slice",
    "validate_days",
    "window_since",
]

T = TypeVar("T")

MAX_WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class Sliced(Generic[T]):
    """One slice of a per-keyword result and how many keywords there are in all."""

    items: list[T]
    total: int


def validate_days(days: int, *, allowed: Sequence[int] | None = None) -> int:
    """``days`` if it is one of ``allowed`` (or 1 to :data:`MAX_WINDOW_DAYS`), else InvalidInput."""
    if allowed is not None:
        if days not in allowed:
            choices = ", ".join(str(n) for n in allowed)
            raise InvalidInput(f"days is one of {choices} ({days} given)", field="days")
        return days
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"days is 1 to {MAX_WINDOW_DAYS} ({days} given)", field="days")
    return days


def window_since(now: datetime, days: int) -> datetime:
    """The start of a window of ``days`` ending at ``now``."""
    return now - timedelta(days=days)


def keyword_slice(
    session: Session, *, workspace_id: int, job_id: int, offset: int = 0, limit: int | None = None
) -> tuple[list[TrackedKeyword], int]:
    """The job's keywords in the order they were added, sliced, and their total.

    Raises NotFound for another workspace's job, so every analysis is scoped by the job.
    """
    if offset < 0 or (limit is not None and limit < 1):
        raise InvalidInput("offset is 0 or more and limit 1 or more", field="limit")
    keywords = list_keywords(session, workspace_id=workspace_id, job_id=job_id)
    end = None if limit is None else offset + limit
    return keywords[offset:end], len(keywords)


def chosen_asin(tracked_asins: Sequence[str], asin: str | None) -> str:
    """``asin`` (any case) if the job tracks it, else InvalidInput; None means the job's own ASIN."""
    if asin is None:
        return tracked_asins[0]
    wanted = asin.strip().upper()
    if wanted not in tracked_asins:
        raise InvalidInput(f"the job does not track {wanted}", field="asin")
    return wanted
