"""``shelfscope ranks check`` (one-off check, printed) and ``ranks reparse`` (archive → observations).

``ranks check --asin B0… --marketplace DE --keyword "trinkflasche" [--keyword …] [--depth 3]``
fetches and ranks right now and stores nothing. ``--sandbox`` starts the sandbox in-process and
checks against its storefronts, which works offline. Any failed keyword exits 1 after the table;
bad input exits 2 before anything is fetched.
"""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from shelfscope.cli_support import cli_platform, cli_settings, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.checker import KeywordCheck, check_keyword
from shelfscope.ranks.fetcher import EngineFetcher
from shelfscope.ranks.jobs import job_workspace_id
from shelfscope.ranks.pages import LivePageSource
from shelfscope.ranks.reparse import reparse_job
from shelfscope.ranks.storefront import storefront_base_url
from shelfscope.ranks.validation import (
    validate_asin,
    validate_competitors,
    validate_depth,
    validate_keyword,
    validate_marketplace,
)
from shelfscope.settings import Settings

__all__ = ["check", "parse_when", "reparse"]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _with_sandbox(settings: Settings, stack: ExitStack) -> Settings:
    from shelfscope.sandbox import SandboxServer

    server = SandboxServer.from_settings(settings)
    server.start()
    stack.callback(server.stop)
    sandbox = settings.sandbox.model_copy(update={"enabled": True, "url": server.url})
    return settings.model_copy(update={"sandbox": sandbox})


def _fetcher(settings: Settings, workspace: str | None, stack: ExitStack) -> EngineFetcher:
    """The settings' own proxy policy, or a workspace's proxies (and request log)."""
    if workspace is None:
        return EngineFetcher.from_settings(settings)
    from shelfscope.auth.workspaces import find_workspace

    platform = stack.enter_context(cli_platform(settings))
    with platform.db.session() as session:
        workspace_id = find_workspace(session, ref=workspace).id
    return EngineFetcher.for_workspace(platform, workspace_id=workspace_id)


def _rows(check: KeywordCheck, asins: list[str], keyword: str) -> list[dict[str, Any]]:
    rows = []
    for asin in asins:
        row: dict[str, Any] = {"keyword": keyword, "asin": asin, "pages": len(check.raw_pages)}
        if not check.ok:
            rows.append(row | {"status": "failed", "reason": check.failure_reason})
            continue
        rank = check.rank_of(asin)
        rows.append(
            row
            | {
                "status": "ok" if rank.found else "not_found",
                "organic_rank": rank.organic_rank,
                "sponsored_rank": rank.sponsored_rank,
                "page": rank.page,
                "position": rank.position,
            }
        )
    return rows


def _print(rows: list[dict[str, Any]]) -> None:
    table = Table("keyword", "asin", "organic", "sponsored", "page", "position", "status")
    for row in rows:
        status = row["status"] if row["status"] != "failed" else f"failed: {row['reason']}"
        numbers = (_text(row.get(name)) for name in ("organic_rank", "sponsored_rank", "page", "position"))
        table.add_row(row["keyword"], row["asin"], *numbers, status)
    console.print(table)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def check(
    *,
    asin: Annotated[str, typer.Option(help="The ASIN to rank (B0… or an ISBN-10).")],
    marketplace: Annotated[str, typer.Option("--marketplace", "-m", help="DE, UK, US … or a domain.")],
    keyword: Annotated[list[str], typer.Option("--keyword", "-k", help="A keyword (repeatable).")],
    depth: Annotated[int, typer.Option(help="Search pages to read, 1 to 7.")] = 3,
    competitor: Annotated[list[str] | None, typer.Option(help="Also rank this ASIN (repeatable).")] = None,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Check against the in-process sandbox.")] = False,
    workspace: Annotated[
        str | None, typer.Option("--workspace", "-w", help="Go out through this workspace's proxies.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check where an ASIN ranks for keywords right now, and print it (nothing is stored)."""
    own = validate_asin(asin)
    asins = [own, *validate_competitors(competitor or [], own_asin=own)]
    market = amazon_marketplace(validate_marketplace(marketplace))
    validate_depth(depth)
    queries = [validate_keyword(text) for text in keyword]
    rows: list[dict[str, Any]] = []
    failed = False
    with ExitStack() as stack:
        settings = cli_settings()
        if sandbox:
            settings = _with_sandbox(settings, stack)
        fetcher = stack.enter_context(_fetcher(settings, workspace, stack))
        source = LivePageSource(
            fetcher=fetcher, base_url_of={market.code: storefront_base_url(settings, market)}
        )
        for original, query in queries:
            result = check_keyword(source, marketplace=market.code, query=query, depth=depth)
            failed = failed or not result.ok
            rows += _rows(result, asins, original)
    if as_json:
        print_json({"marketplace": market.code, "depth": depth, "items": rows})
    else:
        _print(rows)
    if failed:
        raise typer.Exit(1)


def parse_when(text: str, *, field: str) -> datetime:
    """An ISO date (midnight UTC) or date-time (UTC when it has no offset)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"--{field} {text!r} is not a date (2026-01-31) or date-time", field=field
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def reparse(
    *,
    job: Annotated[int, typer.Option(min=1, max=2**63 - 1, help="Tracking job id.")],
    since: Annotated[str, typer.Option(help="Reparse checks from this date (UTC), e.g. 2026-01-31.")],
    until: Annotated[str | None, typer.Option(help="…and before this date.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recompute a job's observations from archived pages with the current parser."""
    start = parse_when(since, field="since")
    end = parse_when(until, field="until") if until else None
    if end is not None and end <= start:
        raise InvalidInput("--until must be after --since", field="until")
    with cli_platform() as platform:
        with platform.db.session() as session:
            workspace_id = job_workspace_id(session, job_id=job)
        report = reparse_job(platform, workspace_id=workspace_id, job_id=job, since=start, until=end)
    if as_json:
        print_json(report.to_json())
        return
    console.print(
        f"job {job}: {report.checks} checks, {report.reparsed} reparsed ({report.changed} changed), "
        f"{report.failed} still failing, {report.incomplete} incomplete, "
        f"{report.pruned} no longer archived",
        highlight=False,
    )
