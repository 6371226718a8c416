"""The fetch settings group: defaults, validation, environment, and what the engine reads from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from shelfscope.errors import ConfigError
from shelfscope.fetch import FakeClient, FetchEngine, Timeouts
from shelfscope.settings import Settings, load_settings


def test_defaults_follow_the_design(tmp_path: Path) -> None:
    fetch = Settings(data_dir=tmp_path).fetch
    assert (fetch.delays["default"].min_seconds, fetch.delays["default"].max_seconds) == (2.0, 8.0)
    assert fetch.session_max_age_seconds == 300.0
    assert fetch.max_attempts == 3
    assert fetch.allow_direct is False
    assert Timeouts.from_settings(fetch) == Timeouts(connect=10.0, read=30.0, total=60.0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"delays": {"default": {"min_seconds": 9, "max_seconds": 2}}},
            "min_seconds 9 exceeds max_seconds 2",
        ),
        ({"delays": {"keyword": {"min_seconds": 20, "max_seconds": 30}}}, "needs a 'default' profile"),
        ({"connect_timeout_seconds": 90}, "cannot exceed fetch.total_timeout_seconds"),
        ({"max_attempts": 0}, r"fetch\.max_attempts"),
    ],
)
def test_invalid_fetch_settings_name_the_problem(
    tmp_path: Path, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(data_dir=tmp_path, dev=True, fetch=overrides)


def test_fetch_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHELFSCOPE_FETCH__MAX_ATTEMPTS", "5")
    monkeypatch.setenv("SHELFSCOPE_FETCH__DELAYS", '{"default": {"min_seconds": 1, "max_seconds": 3}}')
    fetch = Settings(data_dir=tmp_path).fetch
    assert fetch.max_attempts == 5
    assert fetch.delays["default"].max_seconds == 3


async def test_sandbox_mode_and_the_switch_turn_delays_off(tmp_path: Path) -> None:
    cases = [({}, {}, True), ({"delays_enabled": False}, {}, False), ({}, {"enabled": True}, False)]
    for fetch, sandbox, throttled in cases:
        settings = Settings(data_dir=tmp_path, dev=True, fetch=fetch, sandbox=sandbox)
        engine = FetchEngine.from_settings(settings, client=FakeClient())
        assert engine.throttle.enabled is throttled
        assert engine.throttle.delay_range("default").high == (8.0 if throttled else 0.0)
        await engine.aclose()
