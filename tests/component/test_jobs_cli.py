"""``shelfscope demo enqueue``, ``runs …`` and ``worker`` as real processes on an embedded install."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.jobs_support import wait_until


@pytest.fixture
def env(tmp_path: Path, instance_name: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHELFSCOPE_")}
    return clean | {
        "SHELFSCOPE_DEV": "true",
        "SHELFSCOPE_DATA_DIR": str(tmp_path / "var"),
        "SHELFSCOPE_INSTANCE_NAME": instance_name,
        "SHELFSCOPE_JOBS__HEARTBEAT_SECONDS": "0.2",
        "SHELFSCOPE_JOBS__SHUTDOWN_TIMEOUT_SECONDS": "5",
        "SHELFSCOPE_CONFIG_FILE": str(tmp_path / "none.toml"),
    }


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shelfscope", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _json(env: dict[str, str], *args: str) -> Any:
    result = _cli(env, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_demo_runs_can_be_queued_listed_cancelled_and_retried(env: dict[str, str]) -> None:
    run_ids = _json(env, "demo", "enqueue", "--count", "3", "--items", "4", "--sleep", "0", "--json")[
        "run_ids"
    ]
    assert len(run_ids) == 3

    listed = _json(env, "runs", "list", "--json")
    assert listed["total"] == 3
    assert [r["id"] for r in listed["items"]] == sorted(run_ids, reverse=True)
    assert {(r["kind"], r["status"], r["workspace_id"]) for r in listed["items"]} == {
        ("demo.count", "queued", None)
    }

    cancelled = _cli(env, "runs", "cancel", str(run_ids[0]))
    assert (cancelled.returncode, cancelled.stdout.strip()) == (0, f"run {run_ids[0]}: cancelled")
    assert _json(env, "runs", "show", str(run_ids[0]))["status"] == "cancelled"

    retried = _cli(env, "runs", "retry", str(run_ids[0]))
    assert (retried.returncode, retried.stdout.strip()) == (0, f"run {run_ids[0]}: queued again")
    assert _json(env, "runs", "show", str(run_ids[0]))["status"] == "queued"


def test_cli_errors_are_one_line_with_the_right_exit_code(env: dict[str, str]) -> None:
    missing = _cli(env, "runs", "show", "424242")
    assert (missing.returncode, missing.stderr.strip()) == (1, "error: run 424242 not found")
    bad = _cli(env, "demo", "enqueue", "--workspace", "no-such-workspace")
    assert bad.returncode != 0
    assert "no-such-workspace" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_worker_process_executes_runs_and_stops_on_sigterm(env: dict[str, str]) -> None:
    run_ids = _json(env, "demo", "enqueue", "--count", "2", "--items", "3", "--sleep", "0.05", "--json")[
        "run_ids"
    ]
    worker = subprocess.Popen(
        [sys.executable, "-m", "shelfscope", "worker", "--concurrency", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def all_succeeded() -> bool:
            return {r["status"] for r in _json(env, "runs", "list", "--json")["items"]} == {"succeeded"}

        wait_until(all_succeeded, timeout=60, interval=0.5)
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
        assert worker.returncode == 0, stderr
        assert "worker_stopped" in stderr
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    shown = _json(env, "runs", "show", str(run_ids[0]))
    assert (shown["progress_done"], shown["progress_total"], shown["attempts"]) == (3, 3, 1)
