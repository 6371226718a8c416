"""Rank tracking commands. ``serp parse`` runs the SERP parser on saved pages; ``ranks …`` manages
tracking jobs (:mod:`.cli_jobs`), checks one-off and reparses the archive (:mod:`.cli_check`),
and prints the analyses and exports (:mod:`.cli_analysis`).

``shelfscope serp parse FILE… --marketplace DE --json`` prints one JSON object per file, one per
line (JSON Lines), in the shape ``{"file", "page_type", "block_kind", "marketplace", "query",
"corrected_query", "total_results", "results": […], "placements": […]}``. Prices and ratings are
decimal strings (``"12.99"``, ``"4.5"``) so that no value passes through a float; counts and
ranks are integers. Without ``--json`` a table per file is printed instead.

An unknown marketplace or a missing file exits 2 before anything is parsed; a page that cannot
be parsed exits 1 naming the file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from shelfscope.cli_support import console
from shelfscope.errors import InvalidInput, ParseError
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks.serp import SerpPage, parse_serp

__all__ = ["ranks_app", "register", "serp_app"]

serp_app = typer.Typer(help="Amazon search result pages: parse saved pages.", no_args_is_help=True)
ranks_app = typer.Typer(
    help="Keyword rank tracking: jobs, keywords, one-off checks, reparsing.", no_args_is_help=True
)


@serp_app.command("parse")
def serp_parse(
    files: Annotated[list[Path], typer.Argument(help="Saved Amazon search pages (HTML).")],
    marketplace: Annotated[
        str, typer.Option("--marketplace", "-m", help="Marketplace the pages came from (US, DE, UK …).")
    ],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object per file.")] = False,
) -> None:
    """Parse saved search pages: positions, ASINs, ad flags, prices, placements."""
    market = amazon_marketplace(marketplace)
    for path in files:
        if not path.is_file():
            raise InvalidInput(f"no such file: {path}", field="files")
    for path in files:
        try:
            page = parse_serp(path.read_bytes(), marketplace=market.code)
        except ParseError as exc:
            raise ParseError(f"{path}: {exc.message}") from exc
        if json_output:
            sys.stdout.write(json.dumps({"file": str(path), **page.to_json()}, ensure_ascii=False) + "\n")
        else:
            _print_table(path, page)
    sys.stdout.flush()


def _print_table(path: Path, page: SerpPage) -> None:
    header = f"{path}: {page.page_type}"
    if page.block_kind:
        header += f" ({page.block_kind})"
    if page.page_type == "search":
        header += f", query {page.query!r}, {len(page.results)} cards, total {page.total_results}"
        if page.corrected_query:
            header += f", corrected to {page.corrected_query!r}"
    console.print(header, highlight=False)
    if not page.results:
        return
    table = Table("pos", "asin", "ad", "organic", "sponsored", "price", "rating", "reviews", "title")
    for result in page.results:
        table.add_row(
            str(result.position),
            result.asin,
            "yes" if result.sponsored else "",
            str(result.organic_rank or ""),
            str(result.sponsored_rank or ""),
            f"{result.price} {result.currency}" if result.price is not None else "",
            str(result.rating or ""),
            str(result.review_count or ""),
            (result.title or "")[:60],
        )
    console.print(table)
    for placement in page.placements:
        console.print(f"  {placement.kind}: {', '.join(placement.asins)}", highlight=False)


def _ranks_commands() -> None:
    """Attach the ``ranks`` commands once, however often :func:`register` is called."""
    if ranks_app.registered_groups:
        return
    from shelfscope.ranks.cli_analysis import (
        competition_command,
        export_command,
        share_of_voice_command,
        stats_command,
    )
    from shelfscope.ranks.cli_check import check, reparse
    from shelfscope.ranks.cli_jobs import jobs_app, keywords_app

    ranks_app.add_typer(jobs_app, name="jobs")
    ranks_app.add_typer(keywords_app, name="keywords")
    ranks_app.command("check")(check)
    ranks_app.command("reparse")(reparse)
    ranks_app.command("stats")(stats_command)
    ranks_app.command("share-of-voice")(share_of_voice_command)
    ranks_app.command("competition")(competition_command)
    ranks_app.command("export")(export_command)


def register(app: typer.Typer) -> None:
    app.add_typer(serp_app, name="serp")
    _ranks_commands()
    app.add_typer(ranks_app, name="ranks")
