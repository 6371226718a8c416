"""Use cases of a job's keywords: add one, add many from pasted text or CSV, list, remove.

Duplicates are judged on the normalised form (case and whitespace folded), against the job's
keywords and within the same paste. A bulk add never fails as a whole for a few bad lines: it
reports what was added, what was a duplicate and what was invalid, and why.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shelfscope.errors import Conflict, InvalidInput, NotFound
from shelfscope.ranks.models import TrackedKeyword, TrackingJob
from shelfscope.ranks.validation import keyword_lines, validate_keyword
from shelfscope.settings import RanksSettings

__all__ = [
    "BulkReport",
    "InvalidLine",
    "add_keyword",
    "add_keywords",
    "add_keywords_from_text",
    "get_keyword",
    "keyword_counts",
    "list_keywords",
    "remove_keyword",
]


@dataclass(frozen=True, slots=True)
class InvalidLine:
    line: int
    text: str
    reason: str


@dataclass(slots=True)
class BulkReport:
    """What a bulk add did: keywords as entered, by outcome."""

    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    invalid: list[InvalidLine] = field(default_factory=list)


def _job(session: Session, workspace_id: int, job_id: int) -> TrackingJob:
    job = session.scalar(
        select(TrackingJob).where(TrackingJob.id == job_id, TrackingJob.workspace_id == workspace_id)
    )
    if job is None:
        raise NotFound(f"tracking job {job_id} not found")
    return job


def list_keywords(session: Session, *, workspace_id: int, job_id: int) -> list[TrackedKeyword]:
    """The job's keywords in the order they were added."""
    _job(session, workspace_id, job_id)
    query = select(TrackedKeyword).where(
        TrackedKeyword.job_id == job_id, TrackedKeyword.workspace_id == workspace_id
    )
    return list(session.scalars(query.order_by(TrackedKeyword.id)))


def get_keyword(session: Session, *, workspace_id: int, job_id: int, keyword_id: int) -> TrackedKeyword:
    keyword = session.scalar(
        select(TrackedKeyword).where(
            TrackedKeyword.id == keyword_id,
            TrackedKeyword.job_id == job_id,
            TrackedKeyword.workspace_id == workspace_id,
        )
    )
    if keyword is None:
        raise NotFound(f"keyword {keyword_id} of tracking job {job_id} not found")
    return keyword


def _existing(session: Session, job_id: int) -> set[str]:
    return set(session.scalars(select(TrackedKeyword.normalised).where(TrackedKeyword.job_id == job_id)))


def _room(session: Session, settings: RanksSettings, job_id: int) -> int:
    count = session.scalar(select(func.count()).where(TrackedKeyword.job_id == job_id)) or 0
    return settings.max_keywords_per_job - count


def _store(session: Session, rows: list[TrackedKeyword]) -> None:
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError as exc:  # the same keyword added concurrently
        raise Conflict("some of these keywords were added at the same time by someone else") from exc


def add_keyword(
    session: Session, *, settings: RanksSettings, workspace_id: int, job_id: int, keyword: str
) -> TrackedKeyword:
    """Add one keyword; :class:`Conflict` if the job already has it in any case or spacing."""
    _job(session, workspace_id, job_id)
    original, normalised = validate_keyword(keyword)
    if normalised in _existing(session, job_id):
        raise Conflict(f"the job already tracks {original!r}")
    if _room(session, settings, job_id) < 1:
        raise InvalidInput(f"a job tracks at most {settings.max_keywords_per_job} keywords", field="keyword")
    row = TrackedKeyword(workspace_id=workspace_id, job_id=job_id, keyword=original, normalised=normalised)
    _store(session, [row])
    return row


def add_keywords(
    session: Session,
    *,
    settings: RanksSettings,
    workspace_id: int,
    job_id: int,
    keywords: Iterable[str],
) -> BulkReport:
    """Add each of ``keywords``, skipping duplicates and reporting invalid ones."""
    return _add_lines(
        session,
        settings=settings,
        workspace_id=workspace_id,
        job_id=job_id,
        lines=list(enumerate(keywords, start=1)),
    )


def add_keywords_from_text(
    session: Session,
    *,
    settings: RanksSettings,
    workspace_id: int,
    job_id: int,
    text: str,
    csv_format: bool = False,
) -> BulkReport:
    """Add one keyword per line of ``text`` (or per CSV row, first column)."""
    try:
        lines = [(parsed.line, parsed.text) for parsed in keyword_lines(text, csv_format=csv_format)]
    except csv.Error as exc:
        raise InvalidInput(f"the CSV cannot be read: {exc}", field="text") from exc
    return _add_lines(session, settings=settings, workspace_id=workspace_id, job_id=job_id, lines=lines)


def _add_lines(
    session: Session,
    *,
    settings: RanksSettings,
    workspace_id: int,
    job_id: int,
    lines: list[tuple[int, str]],
) -> BulkReport:
    _job(session, workspace_id, job_id)
    seen = _existing(session, job_id)
    room = _room(session, settings, job_id)
    report = BulkReport()
    rows: list[TrackedKeyword] = []
    for number, text in lines:
        try:
            original, normalised = validate_keyword(text)
        except InvalidInput as exc:
            report.invalid.append(InvalidLine(number, text.strip(), exc.message))
            continue
        if normalised in seen:
            report.duplicates.append(original)
            continue
        if len(rows) >= room:
            reason = f"the job is full ({settings.max_keywords_per_job} keywords at most)"
            report.invalid.append(InvalidLine(number, original, reason))
            continue
        seen.add(normalised)
        rows.append(
            TrackedKeyword(workspace_id=workspace_id, job_id=job_id, keyword=original, normalised=normalised)
        )
        report.added.append(original)
    if rows:
        _store(session, rows)
    return report


def remove_keyword(session: Session, *, workspace_id: int, job_id: int, keyword_id: int) -> None:
    """Stop tracking a keyword; its history goes with it."""
    keyword = get_keyword(session, workspace_id=workspace_id, job_id=job_id, keyword_id=keyword_id)
    session.delete(keyword)
    session.flush()


def keyword_counts(session: Session, *, workspace_id: int, job_ids: Iterable[int]) -> dict[int, int]:
    """How many keywords each of ``job_ids`` tracks (jobs without any are absent)."""
    ids = list(job_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(TrackedKeyword.job_id, func.count())
        .where(TrackedKeyword.workspace_id == workspace_id, TrackedKeyword.job_id.in_(ids))
        .group_by(TrackedKeyword.job_id)
    )
    return {int(job_id): int(count) for job_id, count in rows}
