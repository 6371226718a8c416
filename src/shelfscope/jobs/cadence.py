"""When a schedule fires next: a cron expression or a fixed interval, evaluated in UTC."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from croniter import croniter

from shelfscope.errors import InvalidInput

__all__ = ["MIN_INTERVAL_SECONDS", "next_fire_after", "validate_cadence"]

# Shorter than a minute is a polling loop, not a schedule; cron has minute resolution too.
MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 366 * 24 * 3600
_MIN, _MAX = MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS


def validate_cadence(*, cron: str | None, interval_seconds: int | None) -> None:
    """Exactly one of a valid five-field cron expression or an interval of at least a minute."""
    if (cron is None) == (interval_seconds is None):
        raise InvalidInput("give exactly one of cron or interval_seconds", field="cron")
    if cron is not None:
        if len(cron.split()) != 5 or not croniter.is_valid(cron):
            raise InvalidInput(
                f"{cron!r} is not a five-field cron expression, e.g. '0 6 * * *'", field="cron"
            )
    elif interval_seconds is not None and not _MIN <= interval_seconds <= _MAX:
        raise InvalidInput(
            f"interval_seconds must be between {MIN_INTERVAL_SECONDS} and {MAX_INTERVAL_SECONDS}",
            field="interval_seconds",
        )


def next_fire_after(
    now: datetime, *, cron: str | None, interval_seconds: int | None, previous: datetime | None = None
) -> datetime:
    """The first fire time strictly after ``now``.

    An interval keeps its phase (``previous + k * interval``), so a schedule that fell behind
    (scheduler down for an hour) fires once on catch-up, not once per missed interval.
    """
    if cron is not None:
        fire: datetime = croniter(cron, now).get_next(datetime)
        return fire
    if interval_seconds is None:
        raise InvalidInput("a schedule needs cron or interval_seconds", field="cron")
    step = timedelta(seconds=interval_seconds)
    if previous is None or previous > now:
        return now + step if previous is None else previous
    missed = math.floor((now - previous) / step) + 1
    return previous + missed * step
