"""When tracking jobs run: frequency plus jitter, a prompt first run, and pauses between jobs."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from shelfscope.ranks.models import Frequency
from shelfscope.ranks.schedule import first_run_at, job_pauses, next_run_after
from shelfscope.settings import RanksSettings

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_next_run_is_one_interval_later_within_the_jitter() -> None:
    settings = RanksSettings(schedule_jitter=0.1)
    rng = random.Random(7)
    for frequency in Frequency:
        runs = [next_run_after(NOW, frequency=frequency, settings=settings, rng=rng) for _ in range(200)]
        spread = timedelta(seconds=frequency.seconds * 0.1)
        base = NOW + timedelta(seconds=frequency.seconds)
        assert all(base - spread <= run <= base + spread for run in runs)
        assert len(set(runs)) > 150, "jitter spreads jobs out"


def test_without_jitter_the_next_run_is_exactly_one_interval_later() -> None:
    settings = RanksSettings(schedule_jitter=0)
    assert next_run_after(NOW, frequency=Frequency.SIX_HOURS, settings=settings) == NOW + timedelta(hours=6)


def test_a_new_job_runs_within_the_start_jitter() -> None:
    settings = RanksSettings(start_jitter_seconds=60)
    firsts = [first_run_at(NOW, settings=settings, rng=random.Random(i)) for i in range(50)]
    assert all(NOW <= first <= NOW + timedelta(seconds=60) for first in firsts)
    assert first_run_at(NOW, settings=RanksSettings(start_jitter_seconds=0)) == NOW


def test_jobs_of_one_batch_start_a_random_pause_apart() -> None:
    settings = RanksSettings(job_pause_min_seconds=5, job_pause_max_seconds=15)
    offsets = job_pauses(20, settings=settings, sandbox=False, rng=random.Random(1))
    assert offsets[0] == 0
    gaps = [later - earlier for earlier, later in itertools.pairwise(offsets)]
    assert all(5 <= gap <= 15 for gap in gaps)


def test_no_pauses_in_sandbox_mode_or_when_turned_off() -> None:
    assert job_pauses(3, settings=RanksSettings(), sandbox=True) == [0.0, 0.0, 0.0]
    assert job_pauses(2, settings=RanksSettings(pauses_enabled=False), sandbox=False) == [0.0, 0.0]
