"""Distributed mode for real: ``serve --no-worker``, two ``worker`` processes and one
``scheduler`` on a fresh PostgreSQL database and Redis. A worker is killed with SIGKILL in the
middle of its runs; the reconciler must hand them to the other worker, and every run must end
``succeeded`` exactly once with exactly one ``demo_items`` row per unit."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from cryptography.fernet import Fernet
from sqlalchemy import Engine, create_engine, text

from tests.conftest import POSTGRES_URL
from tests.jobs_support import wait_until

pytestmark = [pytest.mark.distributed, pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

RUNS = 8
ITEMS = 10
SLEEP_SECONDS = 0.3
STALE_AFTER_SECONDS = 4
OWNER_EMAIL = "owner@distributed.example"
OWNER_PASSWORD = "correct-horse-battery-staple"


@dataclass
class Cluster:
    """The processes of one installation, and where their output goes."""

    env: dict[str, str]
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        out = (self.logs / f"{name}.out").open("wb")
        err = (self.logs / f"{name}.err").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "shelfscope", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        out.close()
        err.close()
        self.procs[name] = proc
        return proc

    def run(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "shelfscope", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.err").read_text(errors="replace") + (
            self.logs / f"{name}.out"
        ).read_text(errors="replace")

    def assert_alive(self, *names: str) -> None:
        for name in names:
            assert self.procs[name].poll() is None, f"{name} exited early:\n{self.log(name)[-3000:]}"

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def database_url(postgres_server_url: str) -> Iterator[str]:
    """A database of its own, created empty and dropped afterwards."""
    name = f"shelfscope_dist_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def cluster(database_url: str, redis_url: str, instance_name: str, tmp_path: Path) -> Iterator[Cluster]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHELFSCOPE_")}
    env = clean | {
        "SHELFSCOPE_DATABASE_URL": database_url,
        "SHELFSCOPE_QUEUE_URL": redis_url,
        "SHELFSCOPE_INSTANCE_NAME": instance_name,
        "SHELFSCOPE_SECRET_KEY": secrets.token_urlsafe(32),
        "SHELFSCOPE_VAULT__KEYS": json.dumps([Fernet.generate_key().decode()]),
        "SHELFSCOPE_DATA_DIR": str(tmp_path / "var"),
        "SHELFSCOPE_CONFIG_FILE": str(tmp_path / "absent.toml"),
        "SHELFSCOPE_EVENTS__RETAINED": "100000",
        "SHELFSCOPE_JOBS__HEARTBEAT_SECONDS": "0.5",
        "SHELFSCOPE_JOBS__STALE_AFTER_SECONDS": str(STALE_AFTER_SECONDS),
        "SHELFSCOPE_JOBS__SCHEDULER_INTERVAL_SECONDS": "0.5",
        "SHELFSCOPE_JOBS__PROGRESS_INTERVAL_SECONDS": "0.2",
        "SHELFSCOPE_JOBS__WORKER_CONCURRENCY": "2",
        "SHELFSCOPE_OWNER_EMAIL": OWNER_EMAIL,
        "SHELFSCOPE_OWNER_PASSWORD": OWNER_PASSWORD,
    }
    logs = tmp_path / "logs"
    logs.mkdir()
    cluster = Cluster(env=env, logs=logs)
    try:
        yield cluster
    finally:
        cluster.stop_all()
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"*{instance_name}*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


def _rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params))


def _finished_events(redis_url: str, instance_name: str) -> list[dict[str, Any]]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        entries = client.xrange(f"{instance_name}:events")
    finally:
        client.close()
    events = [json.loads(fields["event"]) for _, fields in entries]
    return [event for event in events if event["type"] == "run_finished"]


def test_a_killed_worker_loses_no_work_and_nothing_runs_twice(
    cluster: Cluster, engine: Engine, redis_url: str, instance_name: str
) -> None:
    cluster.run("migrate")
    port = _free_port()
    cluster.start("serve", "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port))
    worker_a = cluster.start("worker-a", "worker", "--concurrency", "2")
    cluster.start("worker-b", "worker", "--concurrency", "2")
    cluster.start("scheduler", "scheduler")
    api = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)

    def ready() -> bool:
        cluster.assert_alive("serve", "worker-a", "worker-b", "scheduler")
        try:
            return api.get("/readyz").status_code == 200
        except httpx.TransportError:
            return False

    wait_until(ready, timeout=90, interval=0.5)

    # A user queues the batch through the web process, which has no worker of its own.
    token = api.post("/api/v1/auth/token", data={"username": OWNER_EMAIL, "password": OWNER_PASSWORD})
    assert token.status_code == 200, token.text
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    created = api.post(
        "/api/v1/runs/demo",
        json={"count": RUNS, "items": ITEMS, "sleep_seconds": SLEEP_SECONDS},
        headers=auth,
    )
    assert created.status_code == 201, created.text
    run_ids = sorted(run["id"] for run in created.json()["items"])

    # Kill worker A with SIGKILL while it is part-way through a run.
    a_prefix = f"%:{worker_a.pid}:%"
    a_busy = "select id from runs where status = 'running' and worker like :w and progress_done >= 2"
    wait_until(lambda: bool(_rows(engine, a_busy, w=a_prefix)), timeout=60, interval=0.05)
    worker_a.send_signal(signal.SIGKILL)
    worker_a.wait(timeout=10)
    held = _rows(
        engine, "select id, progress_done from runs where status = 'running' and worker like :w", w=a_prefix
    )
    victims = {row.id: row.progress_done for row in held}
    assert victims, "worker A held no run when it was killed"

    def all_ended() -> bool:
        cluster.assert_alive("serve", "worker-b", "scheduler")
        ended = _rows(engine, "select count(*) from runs where status not in ('queued', 'running')")[0][0]
        return bool(ended == RUNS)

    wait_until(all_ended, timeout=180, interval=0.5)

    runs = {row.id: row for row in _rows(engine, "select * from runs order by id")}
    assert sorted(runs) == run_ids
    assert {run.status for run in runs.values()} == {"succeeded"}
    b_pid = str(cluster.procs["worker-b"].pid)
    for run_id, done_before_kill in victims.items():
        run = runs[run_id]
        # Re-queued once by the reconciler, finished by worker B from where A stopped.
        assert run.attempts == 2, run
        assert run.worker.split(":")[1] == b_pid
        assert run.result["resumed_from"] >= done_before_kill
        assert run.result["written"] == ITEMS - run.result["resumed_from"]
        assert f"run_id={run_id}" in cluster.log("scheduler")
    assert "stale_run_requeued" in cluster.log("scheduler")
    others = [run for run_id, run in runs.items() if run_id not in victims]
    assert all(run.attempts == 1 for run in others)

    # Exactly one row per unit: no unit lost, none written twice.
    total, distinct = _rows(engine, "select count(*), count(distinct (run_id, n)) from demo_items")[0]
    assert (total, distinct) == (RUNS * ITEMS, RUNS * ITEMS)
    per_run = dict(_rows(engine, "select run_id, count(*) from demo_items group by run_id"))
    assert per_run == dict.fromkeys(run_ids, ITEMS)

    # Every run finished exactly once, as every web process saw it on the event bus.
    finished = _finished_events(redis_url, instance_name)
    assert sorted(event["payload"]["run_id"] for event in finished) == run_ids
    assert {event["payload"]["status"] for event in finished} == {"succeeded"}

    # And the API of the web process agrees.
    listed = api.get("/api/v1/runs", params={"status": "succeeded", "limit": 50}, headers=auth).json()
    assert listed["total"] == RUNS
    api.close()
