"""Structured logging: console text for people, JSON lines for machines."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

__all__ = ["RedactSecrets", "configure_logging", "get_logger"]


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time of writing.

    Binding the stream at configure time breaks when it is later replaced or closed (test
    runners capture and close theirs), and cached loggers would keep the dead stream.
    """

    def write(self, message: str) -> int:
        return sys.stderr.write(message)

    def flush(self) -> None:
        sys.stderr.flush()


_SECRET_QUERY = re.compile(r"([?&](?:token|access_token|refresh_token|api_key)=)[^&\s\"]+", re.IGNORECASE)


class RedactSecrets(logging.Filter):
    """Blank credentials passed in query strings (``/api/v1/ws?token=…``) before a line is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _SECRET_QUERY.sub(r"\1[redacted]", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _SECRET_QUERY.sub(r"\1[redacted]", record.msg)
        return True


def configure_logging(*, level: str = "info", json: bool = False) -> None:
    """Configure structlog and the standard library once per process entry point."""
    numeric = logging.getLevelName(level.upper())
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=numeric, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


def get_logger(name: str | None = None, **bound: Any) -> structlog.stdlib.BoundLogger:
    """A logger carrying ``bound`` context (run id, workspace, job) on every line.

    The logger stays a lazy proxy until first used: module-level loggers are created at import,
    before :func:`configure_logging` runs, and binding then would freeze structlog's default
    configuration (output on stdout, which breaks ``--json`` commands).
    """
    return structlog.get_logger(name, **bound)  # type: ignore[no-any-return]
