"""``shelfscope serve --demo`` as a real process: first start, the demo login, restart, Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / f"serve-{self.port}.log"
        env = {**os.environ, "SHELFSCOPE_DATA_DIR": str(data_dir), "NO_COLOR": "1", **(env or {})}
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "shelfscope", "serve", "--demo", "--port", str(self.port)],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.kill()
                raise AssertionError(f"serve exited: {self.output()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        self.kill()
        raise AssertionError(f"serve did not become ready: {self.output()}")

    def output(self) -> str:
        return self.log.read_text()

    def interrupt(self) -> float:
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=60)
        return time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log_file.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def served(data_dir: Path) -> Iterator[Served]:
    server = Served(data_dir)
    yield server
    server.kill()


def _login(url: str, output: str) -> dict[str, str]:
    email = re.search(r"email:\s+(\S+)", output)
    password = re.search(r"password:\s+(\S+)", output)
    assert email and password, output
    token = httpx.post(f"{url}/api/v1/auth/token", data={"username": email[1], "password": password[1]})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_demo_prints_a_login_that_lands_in_a_seeded_workspace(served: Served) -> None:
    headers = _login(served.url, served.output())
    me = httpx.get(f"{served.url}/api/v1/me", headers=headers).json()
    assert "Demo shop" in str(me)
    runs = httpx.get(f"{served.url}/api/v1/runs", params={"kind": "demo.count"}, headers=headers).json()
    assert runs["total"] == 3
    assert {run["kind"] for run in runs["items"]} == {"demo.count"}
    jobs = httpx.get(f"{served.url}/api/v1/ranks/jobs", headers=headers).json()
    assert jobs["total"] == 12, "four demo ASINs on three marketplaces"
    notifications = httpx.get(f"{served.url}/api/v1/notifications", headers=headers).json()
    assert any("demo" in item["title"].lower() for item in notifications["items"])
    dashboard = httpx.get(f"{served.url}/login")
    assert dashboard.status_code == 200
    assert "<form" in dashboard.text


def test_ctrl_c_stops_promptly_while_demo_runs_are_running(served: Served) -> None:
    seconds = served.interrupt()
    assert served.process.returncode == 0, served.output()
    assert seconds < 45, f"shutdown took {seconds:.1f}s"


def test_restart_keeps_the_account_and_does_not_seed_twice(data_dir: Path) -> None:
    first = Served(data_dir)
    try:
        headers = _login(first.url, first.output())
        first.interrupt()
    finally:
        first.kill()
    second = Served(data_dir)
    try:
        assert "password:" not in second.output()
        runs = httpx.get(f"{second.url}/api/v1/runs", params={"kind": "demo.count"}, headers=headers)
        assert runs.json()["total"] == 3
        jobs = httpx.get(f"{second.url}/api/v1/ranks/jobs", headers=headers).json()
        assert jobs["total"] == 12
    finally:
        second.kill()


def _runs(data_dir: Path) -> dict[int, tuple[str, int]]:
    """Status and progress of every run, read from the stopped server's database."""
    with sqlite3.connect(data_dir / "shelfscope.db") as conn:
        rows = conn.execute("select id, status, progress_done from runs").fetchall()
    return {run_id: (status, done) for run_id, status, done in rows}


def _running(url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = httpx.get(f"{url}/api/v1/runs", headers=headers).json()["items"]
    return [run for run in items if run["status"] == "running"]


def test_shutdown_hands_slow_runs_back_after_the_grace_period_and_a_restart_resumes_them(
    data_dir: Path,
) -> None:
    # The demo runs count 60 items at 0.5 s each: far longer than the one-second grace period.
    first = Served(data_dir, env={"SHELFSCOPE_JOBS__SERVE_GRACE_SECONDS": "1"})
    try:
        headers = _login(first.url, first.output())
        deadline = time.monotonic() + 30
        while not (running := _running(first.url, headers)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert running, first.output()
        first.interrupt()
        assert first.process.returncode == 0, first.output()
        output = first.output()
    finally:
        first.kill()
    # Shutdown did not wait for the runs: none finished, none is left claimed by the dead process.
    after_stop = _runs(data_dir)
    handed_back = [run["id"] for run in running]
    assert all(after_stop[run_id][0] == "queued" for run_id in handed_back), after_stop
    assert "running" not in {status for status, _ in after_stop.values()}
    assert "runs_handed_back" in output and str(handed_back[0]) in output
    # The next start picks them up again where they stopped (the units written are kept).
    second = Served(data_dir)
    try:
        deadline = time.monotonic() + 120  # two other demo runs were queued before them
        resumed: list[dict[str, Any]] = []
        while not resumed and time.monotonic() < deadline:
            items = httpx.get(f"{second.url}/api/v1/runs", headers=headers).json()["items"]
            resumed = [run for run in items if run["id"] in handed_back and run["status"] != "queued"]
            time.sleep(0.5)
        assert resumed, (handed_back, after_stop, second.output())
        assert resumed[0]["status"] in {"running", "succeeded"}
        assert resumed[0]["attempts"] == 1  # the interrupted attempt is not counted against it
    finally:
        second.kill()
