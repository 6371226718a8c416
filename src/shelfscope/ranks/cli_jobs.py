"""``shelfscope ranks jobs …`` and ``ranks keywords …``: tracking jobs from the command line.

``jobs list``/``jobs create`` act in one workspace (``--workspace``, id or slug); commands that
take a job id are local administration and find the workspace from the job. Mutations are
audited as made by the CLI. Bad input exits 2 with one line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform
from shelfscope.ranks import check_runs, history, jobs, keywords
from shelfscope.ranks.keywords import BulkReport
from shelfscope.ranks.models import Frequency, TrackingJob

__all__ = ["jobs_app", "keywords_app"]

jobs_app = typer.Typer(help="Tracking jobs: an ASIN on a marketplace, on a schedule.", no_args_is_help=True)
keywords_app = typer.Typer(help="Keywords of a tracking job.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", help="Workspace id or slug.")]
JobArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Tracking job id.")]


@contextmanager
def _session() -> Iterator[tuple[Platform, Session]]:
    from shelfscope.auth.audit import AuditActor, actor_context

    with cli_platform() as platform, actor_context(AuditActor(via="cli")), platform.db.session() as session:
        yield platform, session


def _workspace(session: Session, ref: str) -> int:
    from shelfscope.auth.workspaces import find_workspace

    return find_workspace(session, ref=ref).id


def _job_dict(job: TrackingJob) -> dict[str, Any]:
    from shelfscope.ranks.schemas import JobOut

    return JobOut.model_validate(job).model_dump(mode="json")


@jobs_app.command("list")
def jobs_list(*, workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    """List the workspace's tracking jobs, newest first."""
    with _session() as (_, session):
        workspace_id = _workspace(session, workspace)
        rows = list(session.scalars(jobs.jobs_query(workspace_id=workspace_id)))
        counts = keywords.keyword_counts(session, workspace_id=workspace_id, job_ids=[job.id for job in rows])
        if as_json:
            items = [_job_dict(job) | {"keyword_count": counts.get(job.id, 0)} for job in rows]
            print_json({"items": items, "total": len(rows)})
            return
        table = Table(
            "id", "asin", "market", "frequency", "depth", "keywords", "status", "next run", "last run"
        )
        for job in rows:
            last = f"{job.last_run_at:%Y-%m-%d %H:%M}" if job.last_run_at else ""
            table.add_row(
                str(job.id), job.asin, job.marketplace, job.frequency, str(job.depth),
                str(counts.get(job.id, 0)), job.status, f"{job.next_run_at:%Y-%m-%d %H:%M}", last,
            )  # fmt: skip
        console.print(table)


@jobs_app.command("create")
def jobs_create(
    *,
    workspace: WorkspaceOpt,
    asin: Annotated[str, typer.Option(help="The ASIN to track (B0… or an ISBN-10).")],
    marketplace: Annotated[str, typer.Option("--marketplace", "-m", help="DE, UK, US … or a domain.")],
    frequency: Annotated[Frequency, typer.Option(case_sensitive=False, help="How often.")] = Frequency.DAILY,
    depth: Annotated[int, typer.Option(help="Search pages per keyword, 1 to 7.")] = 3,
    competitor: Annotated[list[str] | None, typer.Option(help="A competitor ASIN (repeatable).")] = None,
    keyword: Annotated[
        list[str] | None, typer.Option("--keyword", "-k", help="A keyword (repeatable).")
    ] = None,
    name: Annotated[str, typer.Option(help="A label for people.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Start tracking an ASIN on a marketplace."""
    with _session() as (platform, session):
        job = jobs.create_job(
            session,
            platform,
            workspace_id=_workspace(session, workspace),
            asin=asin,
            marketplace=marketplace,
            frequency=frequency.value,
            depth=depth,
            competitor_asins=competitor or [],
            keywords=keyword or [],
            name=name,
        )
        if as_json:
            print_json(_job_dict(job))
            return
        console.print(
            f"job {job.id}: {job.asin} on {job.marketplace}, next run {job.next_run_at:%Y-%m-%d %H:%M} UTC"
        )


@contextmanager
def _with_job(job_id: int) -> Iterator[tuple[Platform, Session, int]]:
    """A CLI session in the workspace of job ``job_id``."""
    with _session() as (platform, session):
        yield platform, session, jobs.job_workspace_id(session, job_id=job_id)


@jobs_app.command("pause")
def jobs_pause(job_id: JobArg) -> None:
    """Stop scheduling a job."""
    with _with_job(job_id) as (platform, session, workspace_id):
        jobs.pause_job(session, platform, workspace_id=workspace_id, job_id=job_id)
    console.print(f"job {job_id}: paused")


@jobs_app.command("resume")
def jobs_resume(job_id: JobArg) -> None:
    """Schedule a paused job again."""
    with _with_job(job_id) as (platform, session, workspace_id):
        job = jobs.resume_job(session, platform, workspace_id=workspace_id, job_id=job_id)
        console.print(f"job {job_id}: active, next run {job.next_run_at:%Y-%m-%d %H:%M} UTC")


@jobs_app.command("delete")
def jobs_delete(job_id: JobArg) -> None:
    """Delete a job with its keywords and history."""
    with _with_job(job_id) as (platform, session, workspace_id):
        jobs.delete_job(session, platform, workspace_id=workspace_id, job_id=job_id)
    console.print(f"job {job_id}: deleted")


@jobs_app.command("run")
def jobs_run(job_id: JobArg) -> None:
    """Queue a check of every keyword of a job now (a worker executes it)."""
    with _with_job(job_id) as (platform, session, workspace_id):
        run = check_runs.run_job_now(session, platform, workspace_id=workspace_id, job_id=job_id)
        console.print(f"job {job_id}: run {run.id} queued")


def _print_report(report: BulkReport, *, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "added": report.added,
                "duplicates": report.duplicates,
                "invalid": [{"line": i.line, "text": i.text, "reason": i.reason} for i in report.invalid],
            }
        )
        return
    console.print(
        f"{len(report.added)} added, {len(report.duplicates)} duplicates, {len(report.invalid)} invalid",
        highlight=False,
    )
    for invalid in report.invalid:
        console.print(f"  line {invalid.line}: {invalid.text!r}: {invalid.reason}", highlight=False)


@keywords_app.command("add")
def keywords_add(
    job_id: JobArg,
    words: Annotated[list[str], typer.Argument(metavar="KEYWORD…", help="Keywords to add.")],
    as_json: JsonOpt = False,
) -> None:
    """Add keywords to a job (duplicates in any case or spacing are skipped)."""
    with _with_job(job_id) as (platform, session, workspace_id):
        report = keywords.add_keywords(
            session,
            settings=platform.settings.ranks,
            workspace_id=workspace_id,
            job_id=job_id,
            keywords=words,
        )
        _print_report(report, as_json=as_json)


@keywords_app.command("import")
def keywords_import(
    job_id: JobArg,
    file: Annotated[Path, typer.Argument(help="One keyword per line, or a CSV with --csv; - reads stdin.")],
    csv_format: Annotated[bool, typer.Option("--csv", help="Read the first column of a CSV.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add keywords to a job from a file."""
    if str(file) == "-":
        text = sys.stdin.read()
    elif file.is_file():
        text = file.read_text(encoding="utf-8-sig", errors="replace")
    else:
        raise InvalidInput(f"no such file: {file}", field="file")
    with _with_job(job_id) as (platform, session, workspace_id):
        report = keywords.add_keywords_from_text(
            session,
            settings=platform.settings.ranks,
            workspace_id=workspace_id,
            job_id=job_id,
            text=text,
            csv_format=csv_format,
        )
        _print_report(report, as_json=as_json)


@keywords_app.command("list")
def keywords_list(job_id: JobArg, as_json: JsonOpt = False) -> None:
    """The keyword table: last healthy ranks, change and the last check's status."""
    with _with_job(job_id) as (platform, session, workspace_id):
        rows = history.keyword_statuses(
            session, workspace_id=workspace_id, job_id=job_id, now=platform.clock.now()
        )
        if as_json:
            from shelfscope.ranks.schemas import KeywordStatusOut

            print_json({"items": [KeywordStatusOut.model_validate(r).model_dump(mode="json") for r in rows]})
            return
        table = Table(
            "id", "keyword", "organic", "sponsored", "page", "change", "best", "worst", "status", "checked"
        )
        for row in rows:
            change = f"{row.change} {row.delta:+d}" if row.delta else (row.change or "")
            checked = f"{row.last_checked_at:%Y-%m-%d %H:%M}" if row.last_checked_at else "never"
            table.add_row(
                str(row.keyword_id), row.keyword, _num(row.organic_rank), _num(row.sponsored_rank),
                _num(row.page), change, _num(row.best_organic_rank), _num(row.worst_organic_rank),
                row.status or "", checked,
            )  # fmt: skip
        console.print(table)


def _num(value: int | None) -> str:
    return "" if value is None else str(value)
