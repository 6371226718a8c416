"""The ``shelfscope`` command: every verb of the platform and its features.

Errors print one line on stderr: exit 2 for bad input or configuration, 1 for anything else.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from shelfscope import __version__
from shelfscope.cli_support import cli_platform, cli_settings, console, err_console
from shelfscope.errors import ShelfscopeError

__all__ = ["app", "main"]

app = typer.Typer(
    name="shelfscope",
    help="Self-hosted digital shelf data: keyword ranks, prices, seller accounts, AMC and web collection.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help texts say "[default: …]" literally; markup would swallow it
)

# Each module exposes ``register(app)`` adding its commands or command groups.
COMMAND_MODULES: tuple[str, ...] = (
    "shelfscope.serve",
    "shelfscope.auth.cli",
    "shelfscope.jobs.cli",
    "shelfscope.sandbox.cli",
    "shelfscope.ranks.cli",
    "shelfscope.ranks.cli_alerts",
    "shelfscope.alerts.cli",
    "shelfscope.fetch.cli",
    "shelfscope.seller.cli",
)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@app.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply database migrations (idempotent; serve also does this on start)."""
    from shelfscope.db.migrate import current_revision, upgrade

    with cli_platform(cli_settings(), migrate=False) as platform:
        upgrade(platform.db.engine, revision)
        console.print(f"database at revision {current_revision(platform.db.engine)}")


for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main() -> None:
    """Run the CLI; usage errors exit 2 (Typer), shelfscope errors print one line with their exit code."""
    try:
        app()
    except ShelfscopeError as exc:
        err_console.print(f"error: {exc.message}", style="red", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
