"""Schedule cadences: the next fire time after now, for cron and intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shelfscope.errors import InvalidInput
from shelfscope.jobs.cadence import next_fire_after, validate_cadence

NOW = datetime(2026, 3, 10, 12, 7, 30, tzinfo=UTC)


def test_cron_fires_at_the_next_matching_minute() -> None:
    assert next_fire_after(NOW, cron="*/15 * * * *", interval_seconds=None) == datetime(
        2026, 3, 10, 12, 15, tzinfo=UTC
    )
    assert next_fire_after(NOW, cron="0 6 * * 1", interval_seconds=None) == datetime(
        2026, 3, 16, 6, 0, tzinfo=UTC
    )


def test_cron_exactly_at_a_fire_time_moves_to_the_next_one() -> None:
    at = datetime(2026, 3, 10, 12, 15, tzinfo=UTC)
    assert next_fire_after(at, cron="*/15 * * * *", interval_seconds=None) == datetime(
        2026, 3, 10, 12, 30, tzinfo=UTC
    )


def test_first_interval_fire_is_one_interval_from_now() -> None:
    assert next_fire_after(NOW, cron=None, interval_seconds=900) == NOW + timedelta(seconds=900)


def test_interval_keeps_its_phase_and_skips_missed_fires() -> None:
    previous = NOW - timedelta(minutes=47)  # fires every 10 min: missed 4, next is 3 min from now
    assert next_fire_after(NOW, cron=None, interval_seconds=600, previous=previous) == previous + timedelta(
        minutes=50
    )


def test_a_previous_fire_in_the_future_is_kept() -> None:
    ahead = NOW + timedelta(minutes=2)
    assert next_fire_after(NOW, cron=None, interval_seconds=600, previous=ahead) == ahead


@pytest.mark.parametrize(
    ("cron", "interval", "message"),
    [
        (None, None, "exactly one"),
        ("0 * * * *", 60, "exactly one"),
        ("0 * * *", None, "five-field"),
        ("0 * * * * *", None, "five-field"),
        ("70 * * * *", None, "five-field"),
        (None, 59, "between 60"),
        (None, 10**9, "between 60"),
    ],
)
def test_invalid_cadences_name_the_problem(cron: str | None, interval: int | None, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        validate_cadence(cron=cron, interval_seconds=interval)


def test_valid_cadences_pass() -> None:
    validate_cadence(cron="30 2 * * *", interval_seconds=None)
    validate_cadence(cron=None, interval_seconds=3600)
