from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

VERBS = [
    "serve",
    "worker",
    "scheduler",
    "migrate",
    "user",
    "workspace",
    "apikey",
    "secrets",
    "sandbox",
    "runs",
]


def shelfscope(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "SHELFSCOPE_DATA_DIR": str(data_dir),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "shelfscope", *args],
        check=False,
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )


def test_help_lists_every_platform_verb(tmp_path: Path) -> None:
    result = shelfscope("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for verb in VERBS:
        assert f" {verb} " in result.stdout, verb


def test_migrate_creates_the_database_in_the_data_dir(tmp_path: Path) -> None:
    result = shelfscope("migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database at revision" in result.stdout
    assert (tmp_path / "shelfscope.db").exists()


def test_invalid_settings_exit_2_with_one_line(tmp_path: Path) -> None:
    result = shelfscope("migrate", data_dir=tmp_path, env={"SHELFSCOPE_JOBS__WORKER_CONCURRENCY": "zero"})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: invalid settings: jobs.worker_concurrency")
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = shelfscope("serve", "--no-such-flag", data_dir=tmp_path)
    assert result.returncode == 2
    assert "No such option" in result.stderr


@pytest.mark.parametrize("args", [["user", "create", "not-an-email", "--password", "x" * 12]])
def test_bad_input_exits_2_without_a_traceback(tmp_path: Path, args: list[str]) -> None:
    result = shelfscope(*args, data_dir=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
