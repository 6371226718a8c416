"""Rank history read latency: the keyword table and the history API over millions of observations.

Generates ``--observations`` rank observations (default 10 million) for one workspace, loads
them the fast way (``executemany`` in big batches on SQLite, ``COPY`` on PostgreSQL, secondary
indexes built after the load, as a restore would), then calls the API through the ASGI app
(``TestClient`` with a real viewer API key) and prints p50/p95/max latency per endpoint:

* ``GET /api/v1/ranks/jobs/{id}/keywords``: the keyword table (last check, last two healthy
  checks, change, 30-day best/worst) for the job's own ASIN and for a competitor;
* ``GET /api/v1/ranks/jobs/{id}/keywords/{kw}/history``: one keyword's history, newest first,
  first page, a deep page, and a 30-day window.

The data looks like a real account: ``--jobs`` jobs of ``--keywords`` keywords, each tracking
its ASIN and ``--competitors`` rivals, checked every ``--interval-hours`` hours until now. Rows
are written run by run, as the checker writes them, so one keyword's history is spread over the
whole table (no accidental locality). About 84% ok, 12% not found, 4% failed.

Then ``EXPLAIN`` of every statement the two endpoints ran, as they ran it, on each database.
PostgreSQL work happens in a database of its own, dropped at the end; SQLite in a temp dir.

    python bench/ranks_history.py --observations 200000 --backend sqlite
    python bench/ranks_history.py                      # 10M rows, SQLite then PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, Table, create_engine, event, text

from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db.registry import load_all_models
from shelfscope.platform import Platform
from shelfscope.ranks.models import Observation, TrackedKeyword, TrackingJob
from shelfscope.settings import Settings, VaultSettings

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COLUMNS = [column.name for column in Observation.__table__.columns]
BATCH = 100_000


@dataclass(frozen=True)
class Account:
    workspace_id: int
    api_key: str
    jobs: list[tuple[int, list[str], list[int]]]  # (job id, ASINs, keyword ids)


@contextmanager
def database(backend: str) -> Iterator[Settings]:
    """Settings on a fresh database of ``backend``, removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix="shelfscope-bench-ranks-"))
    settings = Settings(data_dir=workdir / "var", dev=True)
    if backend == "sqlite":
        try:
            yield settings
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    name = f"shelfscope_bench_ranks_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        vault = VaultSettings(keys=[SecretStr(Fernet.generate_key().decode())])
        yield settings.model_copy(update={"database_url": url, "vault": vault})
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


def make_account(platform: Platform, *, jobs: int, keywords: int, competitors: int) -> Account:
    now = platform.clock.now()
    with platform.db.session() as session:
        owner = create_user(session, email="owner@bench.example", password="correct-horse-42")
        workspace = create_workspace(session, owner_id=owner.id, name="Bench")
        principal = Principal(user_id=owner.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
        _, key = create_api_key(session, principal=principal, name="bench", role=Role.VIEWER, now=now)
        made = []
        for n in range(jobs):
            asins = [f"B0BENCH{n:03d}", *(f"B0RIVL{n:02d}{c:02d}" for c in range(competitors))]
            job = TrackingJob(
                workspace_id=workspace.id,
                asin=asins[0],
                marketplace="US",
                competitor_asins=asins[1:],
                next_run_at=now + timedelta(days=1),
            )
            session.add(job)
            session.flush()
            rows = [
                TrackedKeyword(
                    workspace_id=workspace.id, job_id=job.id, keyword=f"kw {n} {k}", normalised=f"kw {n} {k}"
                )
                for k in range(keywords)
            ]
            session.add_all(rows)
            session.flush()
            made.append((job.id, asins, [row.id for row in rows]))
        return Account(workspace_id=workspace.id, api_key=key, jobs=made)


def observations(
    account: Account, *, total: int, interval: timedelta, end: datetime
) -> Iterator[tuple[Any, ...]]:
    """``total`` observation rows in the order the checker writes them: run by run."""
    rng = random.Random(7)
    series = sum(len(asins) * len(kws) for _, asins, kws in account.jobs)
    runs = -(-total // series)
    ranks = [rng.randint(1, 150) for _ in range(series)]
    start = end - interval * runs
    produced, row_id = 0, 0
    for run in range(runs):
        at = start + interval * (run + 1)
        index = 0
        for j, (job_id, asins, keyword_ids) in enumerate(account.jobs):
            run_id = j * runs + run + 1
            for keyword_id in keyword_ids:
                for asin in asins:
                    rank = max(1, min(300, ranks[index] + rng.randint(-4, 4)))
                    ranks[index] = rank
                    index += 1
                    roll = rng.random()
                    row_id += 1
                    if roll < 0.04:
                        status, reason, found, organic, sponsored, pages = (
                            "failed",
                            "blocked: captcha",
                            0,
                            None,
                            None,
                            0,
                        )
                    elif roll < 0.16:
                        status, reason, found, organic, sponsored, pages = "not_found", None, 0, None, None, 3
                    else:
                        status, reason, found, pages = "ok", None, 1, (rank - 1) // 48 + 1
                        organic = rank
                        sponsored = rng.randint(1, 20) if roll > 0.7 else None
                    page = None if organic is None else (organic - 1) // 48 + 1
                    position = None if organic is None else (organic - 1) % 48 + 1
                    yield (
                        row_id, account.workspace_id, job_id, keyword_id, "US", asin, run_id, at, status,
                        reason, found, organic, page, position, sponsored, 1 if sponsored else None,
                        sponsored, page, position, 3, pages, 50_000 if pages else None, "[]",
                    )  # fmt: skip
                    produced += 1
                    if produced == total:
                        return


def load(engine: Engine, rows: Iterator[tuple[Any, ...]]) -> None:
    """Bulk-load observations with the secondary indexes built afterwards (a restore's order)."""
    table = Table("rank_observations", Observation.metadata)  # the declared table, typed as one
    with engine.begin() as conn:
        for index in table.indexes:
            index.drop(conn)
    if engine.dialect.name == "sqlite":
        _load_sqlite(engine, rows)
    else:
        _load_postgres(engine, rows)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:  # sorting 10M index entries wants memory, as a restore gets
        conn.execute(text("PRAGMA cache_size=-1000000" if sqlite else "SET maintenance_work_mem = '1GB'"))
        for index in table.indexes:
            started = time.perf_counter()
            index.create(conn)
            print(f"  index {index.name} built in {time.perf_counter() - started:.0f} s")
        conn.execute(text("ANALYZE" if sqlite else "ANALYZE rank_observations"))
    if engine.dialect.name == "postgresql":  # what autovacuum does after a big load: index-only scans work
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM rank_observations"))


def _load_sqlite(engine: Engine, rows: Iterator[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")
        sql = f"INSERT INTO rank_observations ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append((*row[:7], row[7].strftime("%Y-%m-%d %H:%M:%S.%f"), *row[8:]))
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        cursor.executemany(sql, batch)
        raw.commit()
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()


def _load_postgres(engine: Engine, rows: Iterator[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        cursor.execute(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = 'rank_observations'::regclass AND contype = 'u'"
        )
        (unique_name,) = cursor.fetchone()
        cursor.execute(f'ALTER TABLE rank_observations DROP CONSTRAINT "{unique_name}"')
        cursor.execute("SET session_replication_role = replica")  # rows are consistent by construction
        with cursor.copy(f"COPY rank_observations ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:10], bool(row[10]), *row[11:]))
        cursor.execute("SET session_replication_role = origin")
        unique_columns = "job_id, keyword_id, marketplace, asin, run_id"
        cursor.execute(
            f'ALTER TABLE rank_observations ADD CONSTRAINT "{unique_name}" UNIQUE ({unique_columns})'
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('rank_observations', 'id'), max(id)) FROM rank_observations"
        )
        raw.commit()
    finally:
        raw.close()


class StatementLog:
    """The SQL statements (with parameters) the app sends while recording."""

    def __init__(self, engine: Engine) -> None:
        self.recording = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if self.recording and "rank_observations" in statement:
            self.statements.append((statement, parameters))


def explain(engine: Engine, statements: list[tuple[str, Any]]) -> None:
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        for statement, parameters in statements:
            print("  --", " ".join(statement.split())[:160], "...")
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
            for line in conn.exec_driver_sql(prefix + statement, parameters).all():
                print("    ", str(line[-1])[:200])


def measure(client: TestClient, paths: list[str], *, requests: int) -> tuple[list[float], float]:
    """Wall milliseconds of each request, and this process's mean CPU milliseconds per request."""
    for path in paths[:5]:  # warm-up: caches, prepared statements, the app's first-call work
        assert client.get(path).status_code == 200, client.get(path).text
    timings = []
    cpu = time.process_time()
    for n in range(requests):
        started = time.perf_counter()
        reply = client.get(paths[n % len(paths)])
        timings.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, reply.text
    return timings, (time.process_time() - cpu) * 1000 / requests


def run_backend(backend: str, args: argparse.Namespace) -> None:
    with database(backend) as settings:
        platform = Platform.from_settings(settings)
        try:
            load_all_models().create_all(platform.db.engine)
            account = make_account(
                platform, jobs=args.jobs, keywords=args.keywords, competitors=args.competitors
            )
            began, cpu = time.perf_counter(), time.process_time()
            rows = observations(
                account,
                total=args.observations,
                interval=timedelta(hours=args.interval_hours),
                end=platform.clock.now(),
            )
            load(platform.db.engine, rows)
            print(
                f"[{backend}] loaded {args.observations:,} observations in "
                f"{time.perf_counter() - began:.0f} s ({time.process_time() - cpu:.0f} s CPU in this process)"
            )
            report(platform, account, backend, args)
        finally:
            platform.close()


def report(platform: Platform, account: Account, backend: str, args: argparse.Namespace) -> None:
    rng = random.Random(11)
    headers = {"Authorization": f"Bearer {account.api_key}"}
    since = (platform.clock.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S")
    base = "/api/v1/ranks/jobs"
    picks = [
        (job, rng.choice(kws), asins) for job, asins, kws in (rng.choice(account.jobs) for _ in range(50))
    ]
    cases = {
        "keyword table, own ASIN (limit 200)": [f"{base}/{j}/keywords?limit=200" for j, _, _ in picks],
        "keyword table, competitor ASIN": [
            f"{base}/{j}/keywords?limit=200&asin={a[-1]}" for j, _, a in picks
        ],
        "history, first page (50)": [f"{base}/{j}/keywords/{k}/history" for j, k, _ in picks],
        "history, page 20 (offset 950)": [f"{base}/{j}/keywords/{k}/history?offset=950" for j, k, _ in picks],
        "history, last 30 days (200)": [
            f"{base}/{j}/keywords/{k}/history?limit=200&since={since}" for j, k, _ in picks
        ],
    }
    log = StatementLog(platform.db.engine)
    series = args.observations / sum(len(a) * len(k) for _, a, k in account.jobs)
    print(
        f"[{backend}] {len(account.jobs)} jobs x {args.keywords} keywords x {1 + args.competitors} ASINs, "
        f"~{series:.0f} checks per keyword and ASIN every {args.interval_hours} h; "
        f"{args.requests} requests each"
    )
    with TestClient(create_app(platform), headers=headers) as client:
        for name, paths in cases.items():
            timings, cpu = measure(client, paths, requests=args.requests)
            quantiles = statistics.quantiles(timings, n=100)
            print(
                f"[{backend}] {name:<38} p50 {quantiles[49]:7.1f} ms  p95 {quantiles[94]:7.1f} ms  "
                f"max {max(timings):7.1f} ms  (CPU of this process {cpu:5.1f} ms/request; "
                f"load average {os.getloadavg()[0]:.1f})"
            )
        if args.explain:
            log.recording = True
            client.get(cases["keyword table, own ASIN (limit 200)"][0])
            client.get(cases["history, last 30 days (200)"][0])
            log.recording = False
    if args.explain:
        print(f"[{backend}] plans of the statements the two endpoints ran:")
        explain(platform.db.engine, log.statements)


def main() -> None:
    parser = argparse.ArgumentParser(description="rank history / keyword table API latency at scale")
    parser.add_argument("--observations", type=int, default=10_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--keywords", type=int, default=100, help="keywords per job")
    parser.add_argument("--competitors", type=int, default=2, help="competitor ASINs per job")
    parser.add_argument("--interval-hours", type=int, default=6, help="hours between checks")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint")
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for backend in backends:
        run_backend(backend, args)


if __name__ == "__main__":
    main()
