"""``shelfscope ranks stats|share-of-voice|competition|export``: the rank analyses from the command line.

The first three take a job id (local administration finds the workspace from the job) and print
a table or, with ``--json``, the API's item shapes. ``ranks export`` writes CSV to stdout or to
``--output``, streamed from the database like the API's; it needs ``--workspace`` or ``--job``.
Bad input exits 2 with one line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform
from shelfscope.ranks import competition, export, sov, stats
from shelfscope.ranks.cli_check import parse_when
from shelfscope.ranks.windows import validate_days

__all__ = ["competition_command", "export_command", "share_of_voice_command", "stats_command"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
JobOpt = Annotated[int, typer.Option("--job", min=1, max=2**63 - 1, help="Tracking job id.")]
DaysOpt = Annotated[int, typer.Option("--days", help="Days back from now.")]


@contextmanager
def _job_session(job_id: int) -> Iterator[tuple[Platform, Session, int]]:
    from shelfscope.ranks.jobs import job_workspace_id

    with cli_platform() as platform, platform.db.session() as session:
        yield platform, session, job_workspace_id(session, job_id=job_id)


def _num(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def stats_command(
    *,
    job: JobOpt,
    days: Annotated[int, typer.Option("--days", help="7, 30 or 90.")] = 30,
    asin: Annotated[str | None, typer.Option(help="A competitor ASIN [default: the job's].")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Per keyword over 7, 30 or 90 days: best, worst and average ranks, page-1 days, volatility."""
    validate_days(days, allowed=stats.STAT_WINDOWS)
    with _job_session(job) as (platform, session, workspace_id):
        rows = stats.keyword_stats(
            session, workspace_id=workspace_id, job_id=job, days=days, now=platform.clock.now(), asin=asin
        ).items
    if as_json:
        from shelfscope.ranks.schemas_analysis import KeywordStatsOut

        print_json({"items": [KeywordStatsOut.model_validate(r).model_dump(mode="json") for r in rows]})
        return
    table = Table(
        "id", "keyword", "best", "worst", "avg", "ad best", "ad avg", "page 1 days", "found", "volatility",
        "trend", "checks", "failed",
    )  # fmt: skip
    for row in rows:
        trend = f"{row.trend} {row.trend_delta:+d}" if row.trend_delta else (row.trend or "")
        table.add_row(
            str(row.keyword_id), row.keyword, _num(row.best_organic_rank), _num(row.worst_organic_rank),
            _num(row.average_organic_rank), _num(row.best_sponsored_rank), _num(row.average_sponsored_rank),
            f"{row.days_on_page1}/{row.days_checked}", _pct(row.found_rate), _num(row.volatility), trend,
            str(row.checks), str(row.failed_checks),
        )  # fmt: skip
    console.print(table)


def share_of_voice_command(
    *,
    job: JobOpt,
    scope: Annotated[sov.SovScope, typer.Option(help="page1 or pages1-3.")] = sov.SovScope.PAGE1,
    days: DaysOpt = 30,
    brands: Annotated[int, typer.Option(min=1, max=100, help="Top brands per keyword.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Share of voice per keyword and brand (organic, sponsored, combined; basic and weighted)."""
    validate_days(days)
    with _job_session(job) as (platform, session, workspace_id):
        rows = sov.share_of_voice(
            session, workspace_id=workspace_id, job_id=job, scope=scope, days=days,
            now=platform.clock.now(), top_brands=brands,
        ).items  # fmt: skip
    if as_json:
        from shelfscope.ranks.schemas_analysis import KeywordShareOut

        print_json({"items": [KeywordShareOut.model_validate(r).model_dump(mode="json") for r in rows]})
        return
    for row in rows:
        console.print(
            f"{row.keyword} ({row.snapshots} runs, {row.organic_cards} organic and "
            f"{row.sponsored_cards} sponsored cards, {row.brand_count} brands)",
            highlight=False,
        )
        table = Table(
            "brand", "organic", "org. weighted", "sponsored", "spons. weighted", "combined", "comb. weighted"
        )
        for brand in row.brands:
            name = (brand.brand or "(no brand)") + (" *" if brand.tracked else "")
            shares = (brand.organic, brand.sponsored, brand.combined)
            table.add_row(name, *(_pct(v) for share in shares for v in (share.basic, share.weighted)))
        console.print(table)
        ranks = Table("asin", "", "brand", "organic", "sponsored", "page", "best", "worst", "status")
        for rank in row.competitors:
            ranks.add_row(
                rank.asin, "own" if rank.own else "competitor", rank.brand or "", _num(rank.organic_rank),
                _num(rank.sponsored_rank), _num(rank.page), _num(rank.best_organic_rank),
                _num(rank.worst_organic_rank), rank.status or "",
            )  # fmt: skip
        console.print(ranks)


def competition_command(*, job: JobOpt, days: DaysOpt = 30, as_json: JsonOpt = False) -> None:
    """Competition level per keyword: a heuristic from total results and page-1 ad density."""
    validate_days(days)
    with _job_session(job) as (platform, session, workspace_id):
        rows = competition.keyword_competition(
            session, workspace_id=workspace_id, job_id=job, now=platform.clock.now(), days=days
        ).items
    if as_json:
        from shelfscope.ranks.schemas_analysis import KeywordCompetitionOut

        print_json({"items": [KeywordCompetitionOut.model_validate(r).model_dump(mode="json") for r in rows]})
        return
    table = Table("id", "keyword", "level", "total results", "ad density", "runs", "search volume")
    for row in rows:
        table.add_row(
            str(row.keyword_id), row.keyword, row.level or "unknown", _num(row.total_results),
            _pct(row.ad_density), str(row.snapshots), _num(row.search_volume) or "unknown",
        )  # fmt: skip
    console.print(table)
    console.print(f"Competition is a {competition.METHOD}.", highlight=False)


def export_command(
    *,
    kind: Annotated[export.ExportKind, typer.Option(help="combined, organic or sponsored.")] = (
        export.ExportKind.COMBINED
    ),
    since: Annotated[str | None, typer.Option(help="From this date (UTC), e.g. 2026-01-31.")] = None,
    until: Annotated[str | None, typer.Option(help="…and before this date.")] = None,
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Workspace id or slug.")] = None,
    job: Annotated[int | None, typer.Option(min=1, max=2**63 - 1, help="Only this tracking job.")] = None,
    asin: Annotated[str | None, typer.Option(help="Only this ASIN.")] = None,
    keyword: Annotated[str | None, typer.Option("--keyword", "-k", help="Only this keyword.")] = None,
    marketplace: Annotated[
        str | None, typer.Option("--marketplace", "-m", help="Only this marketplace.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file [stdout].")
    ] = None,
) -> None:
    """Export observations as CSV, streamed: combined, organic-only or sponsored-only."""
    if workspace is None and job is None:
        raise InvalidInput("give --workspace or --job", field="workspace")
    filters = export.export_filters(
        since=parse_when(since, field="since") if since else None,
        until=parse_when(until, field="until") if until else None,
        asin=asin,
        keyword=keyword,
        marketplace=marketplace,
        job_id=job,
    )
    with cli_platform() as platform:
        with platform.db.session() as session:
            workspace_id = _export_workspace(session, workspace, job)
            query = export.export_query(session, workspace_id=workspace_id, filters=filters)
        if output is None:
            _write(sys.stdout, export.stream_csv(platform.db, query, kind))
            return
        with output.open("w", encoding="utf-8", newline="") as file:
            _write(file, export.stream_csv(platform.db, query, kind))


def _export_workspace(session: Session, workspace: str | None, job: int | None) -> int:
    from shelfscope.auth.workspaces import find_workspace
    from shelfscope.ranks.jobs import job_workspace_id

    if workspace is not None:
        return find_workspace(session, ref=workspace).id
    assert job is not None
    return job_workspace_id(session, job_id=job)


def _write(stream: TextIO, chunks: Iterator[str]) -> None:
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()
