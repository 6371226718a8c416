"""When a tracking job runs next: its frequency, spread out with random jitter.

Jitter matters twice: hundreds of daily jobs created at 9:00 must not all fetch Amazon at
9:00 the next day, and a tracker that hits the same keyword at the same second every day looks
like a bot. So each next run is the interval plus or minus a random share of it, and a new job
starts within a minute rather than on the dot.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from shelfscope.ranks.models import Frequency
from shelfscope.settings import RanksSettings

__all__ = ["first_run_at", "job_pauses", "next_run_after"]


def _rng(rng: random.Random | None) -> random.Random:
    return rng or random.Random()  # noqa: S311 - spreading load, not security


def first_run_at(now: datetime, *, settings: RanksSettings, rng: random.Random | None = None) -> datetime:
    """When a new (or resumed) job first runs: soon, within ``start_jitter_seconds``."""
    return now + timedelta(seconds=_rng(rng).uniform(0, settings.start_jitter_seconds))


def next_run_after(
    now: datetime, *, frequency: Frequency, settings: RanksSettings, rng: random.Random | None = None
) -> datetime:
    """The run after one that starts at ``now``: one interval later, give or take the jitter.

    Counting from the run's start (not from the missed slot) means a scheduler that was down
    for a day runs each job once on catch-up, not once per missed interval.
    """
    interval = frequency.seconds
    spread = settings.schedule_jitter * interval
    return now + timedelta(seconds=interval + _rng(rng).uniform(-spread, spread))


def job_pauses(
    count: int, *, settings: RanksSettings, sandbox: bool, rng: random.Random | None = None
) -> list[float]:
    """Seconds from now at which each of ``count`` jobs dispatched together may start.

    Consecutive jobs are ``job_pause_min..max`` seconds apart, so one tick's batch reaches the
    marketplace as a trickle, not a burst. Zero everywhere when pauses are off or in sandbox mode.
    """
    if not settings.pauses_enabled or sandbox:
        return [0.0] * count
    generator = _rng(rng)
    offsets, at = [], 0.0
    for index in range(count):
        if index:
            at += generator.uniform(settings.job_pause_min_seconds, settings.job_pause_max_seconds)
        offsets.append(at)
    return offsets
