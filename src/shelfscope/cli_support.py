"""What every CLI command shares: settings, the platform, output helpers and progress."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console

from shelfscope.logs import configure_logging
from shelfscope.platform import Platform
from shelfscope.settings import Settings, load_settings

__all__ = ["cli_platform", "cli_settings", "console", "err_console", "print_json"]

console = Console()
err_console = Console(stderr=True)


_LEVELS = ("debug", "info", "warning", "error")


def cli_settings(*, long_running: bool = False, **overrides: Any) -> Settings:
    """Settings for a CLI command; logs go to stderr so stdout stays parseable.

    One-shot commands log warnings and errors only, so their output is just their answer;
    ``serve``, ``worker`` and the like (``long_running``) log at the configured level.
    """
    settings = load_settings(**overrides)
    level = settings.log_level
    if not long_running and _LEVELS.index(level) < _LEVELS.index("warning"):
        level = "warning"
    configure_logging(level=level, json=settings.log_json)
    return settings


@contextmanager
def cli_platform(settings: Settings | None = None, *, migrate: bool = True) -> Iterator[Platform]:
    """A platform for one command, with the schema brought up to date first."""
    settings = settings or cli_settings()
    platform = Platform.from_settings(settings)
    try:
        if migrate:
            from shelfscope.db.migrate import upgrade

            upgrade(platform.db.engine)
        yield platform
    finally:
        platform.close()


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()
