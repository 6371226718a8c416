from __future__ import annotations

import stat
from pathlib import Path

import pytest

from shelfscope.errors import ConfigError
from shelfscope.settings import Settings, load_settings


def test_defaults_put_everything_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve()}/shelfscope.db"
    assert settings.resolved_queue_url == f"sqlite:///{tmp_path.resolve()}/queue.db"
    assert settings.resolved_bus_url == "memory://"
    assert not settings.distributed


def test_redis_queue_switches_the_bus_to_redis(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, queue_url="redis://127.0.0.1:6379/3")
    assert settings.resolved_bus_url == "redis://127.0.0.1:6379/3"


def test_environment_and_nested_groups_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHELFSCOPE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SHELFSCOPE_JOBS__WORKER_CONCURRENCY", "7")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.jobs.worker_concurrency == 7


def test_toml_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "custom.toml"
    config.write_text('log_level = "debug"\n[web]\nport = 8123\n')
    monkeypatch.setenv("SHELFSCOPE_CONFIG_FILE", str(config))
    settings = Settings(data_dir=tmp_path)
    assert settings.web.port == 8123
    assert settings.log_level == "debug"


@pytest.mark.parametrize("value", ["changethis", "secret", "short"])
def test_well_known_secret_keys_are_refused_outside_dev(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="SHELFSCOPE_SECRET_KEY"):
        load_settings(data_dir=tmp_path, secret_key=value)


def test_dev_mode_allows_a_weak_secret(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path, dev=True, secret_key="dev").secret_key_value() == "dev"


def test_missing_secret_is_generated_once_into_the_data_dir(tmp_path: Path) -> None:
    first = load_settings(data_dir=tmp_path).secret_key_value()
    second = load_settings(data_dir=tmp_path).secret_key_value()
    key_file = tmp_path / "secret.key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 48
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_distributed_mode_requires_an_explicit_secret(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="distributed mode"):
        load_settings(data_dir=tmp_path, database_url="postgresql+psycopg://x@127.0.0.1/db")


def test_invalid_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"jobs\.worker_concurrency"):
        load_settings(data_dir=tmp_path, jobs={"worker_concurrency": 0})
