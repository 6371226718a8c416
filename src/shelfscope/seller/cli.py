"""Seller account commands: ``seller connections list`` and ``seller backfill --sandbox``.

``shelfscope seller backfill --sandbox --months 18 --json`` prints ``{"windows": {kind: {status:
n}}, "rows_ingested": {kind: n}, "duplicates_skipped", "reconciliation": {"settlement_lines",
"reconciled", "unreconciled"}, "cases_found", "ground_truth": {"rows", "cases"}}``. Settlement
windows come in two kinds, ``settlement`` (reports, last ~90 days) and ``settlement_groups``
(older periods from Finances event groups); both fill the ledger's ``settlement`` rows. Run it
twice with the same ``SHELFSCOPE_DATA_DIR`` and the second run ingests nothing.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from shelfscope.cli_support import cli_platform, cli_settings, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.seller.cli_cases import cases_app, ledger_app
from shelfscope.seller.models import SellerConnection
from shelfscope.seller.sandbox_run import sandbox_backfill

__all__ = ["register", "seller_app"]

seller_app = typer.Typer(help="Amazon seller accounts: connections, backfill, ledger.", no_args_is_help=True)
connections_app = typer.Typer(help="Amazon seller connections.", no_args_is_help=True)
seller_app.add_typer(connections_app, name="connections")
seller_app.add_typer(cases_app, name="cases")
seller_app.add_typer(ledger_app, name="ledger")


@connections_app.command("list")
def list_connections(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every seller connection of every workspace (tokens are never shown)."""
    with cli_platform() as platform, platform.db.session() as session:
        rows = [
            {
                "id": c.id,
                "workspace_id": c.workspace_id,
                "region": c.region,
                "selling_partner_id": c.selling_partner_id,
                "status": c.status,
                "marketplaces": list(c.marketplace_ids),
            }
            for c in session.scalars(select(SellerConnection).order_by(SellerConnection.id))
        ]
    if json_output:
        print_json(rows)
        return
    table = Table("id", "workspace", "region", "seller", "status", "marketplaces")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["workspace_id"]),
            str(row["region"]),
            str(row["selling_partner_id"]),
            str(row["status"]),
            ", ".join(str(m) for m in row["marketplaces"]),  # type: ignore[attr-defined]
        )
    console.print(table)


@seller_app.command("backfill")
def backfill(
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Run against an in-process sandbox.")] = False,
    months: Annotated[int, typer.Option("--months", min=1, max=24, help="History to fetch.")] = 18,
    speed: Annotated[
        float, typer.Option("--speed", min=1.0, help="Sandbox seconds per real second.")
    ] = 3600.0,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Connect, plan, backfill and ingest; with --sandbox, compare with the sandbox's ground truth."""
    if not sandbox:
        raise InvalidInput("only --sandbox is available from the CLI; real accounts connect in the dashboard")
    summary = sandbox_backfill(cli_settings(), months=months, speed=speed)
    if json_output:
        print_json(summary)
        return
    for kind, statuses in sorted(summary["windows"].items()):
        console.print(f"{kind}: {statuses} rows +{summary['rows_ingested'].get(kind, 0)}")
    console.print(f"duplicates skipped: {summary['duplicates_skipped']}")
    truth = summary["ground_truth"]["cases"]
    console.print(f"cases found: {summary['cases_found']} (the sandbox planted {truth})")


def register(app: typer.Typer) -> None:
    app.add_typer(seller_app, name="seller")
