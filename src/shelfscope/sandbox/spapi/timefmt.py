"""ISO 8601 times as SP-API accepts and writes them."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["api_time", "finance_time", "parse_time"]


def parse_time(text: str) -> datetime:
    """An ISO 8601 date or date-time; ``Z`` and offsets accepted, a naive time is UTC.

    Clients send ``2024-03-01T00:00:00Z``, ``…+00:00``, ``….123Z`` or a bare ``datetime.isoformat()``
    of a naive time (python-amazon-sp-api users often do); Amazon reads the last as UTC.
    Raises ``ValueError`` for anything else.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def api_time(moment: datetime) -> str:
    """``2024-03-10T13:47:20+00:00``, as the Reports API writes times."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def finance_time(moment: datetime) -> str:
    """``2024-03-03T18:22:01Z``, as the Finances API writes times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
