"""Keyword checks per second per core, end to end, and bytes fetched per keyword check.

One tracking job of ``--keywords`` keywords at ``--depth`` pages is run the way the scheduler
runs it: a ``ranks.check`` run executed by the job system (runner → checker → fetch engine with
the curl client → the sandbox Amazon storefront on 127.0.0.1 → ``parse_serp`` → observations
and snapshots stored in SQLite). Delays between keywords are off (sandbox mode), the fetch
engine's politeness delays are off, and the storefront never blocks.

Page sharing is measured both ways. A second job (another workspace, another ASIN, the same
keywords) runs right after the first: with sharing off (``ranks.page_cache_seconds = 0``) it
fetches every page again; with sharing on it reuses the first job's pages from the archive.

The storefront runs in this process (its own thread), so the process CPU includes rendering the
pages. The run executes on the main thread, so that thread's CPU time is what checking costs
the tracker (fetching, parsing, storing); both are printed, and per-core rates use them.

    python bench/ranks_checks.py                     # 100 keywords x 3 pages
    python bench/ranks_checks.py --keywords 40 --depth 7 --big-pages
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shelfscope.ranks.tasks  # noqa: F401 - registers the ranks.check run kind
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db.registry import load_all_models
from shelfscope.jobs.executor import execute_run
from shelfscope.jobs.models import Run
from shelfscope.platform import Platform
from shelfscope.ranks import check_runs, jobs
from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.amazon import configure
from shelfscope.settings import Settings

NOUNS = (
    "water bottle",
    "yoga mat",
    "milk frother",
    "resistance bands",
    "usb hub",
    "desk lamp",
    "phone case",
    "coffee grinder",
    "dog bed",
    "air fryer",
)
ADJECTIVES = ("", "best", "cheap", "large", "small", "black", "portable", "premium", "kids", "travel")
ASINS = ("B0D7KQ3M2X", "B0CZ8VN4TR")
WARM_UP = ["warm up kettle", "warm up blanket", "warm up socks"]  # shares no page with the jobs


@dataclass(frozen=True)
class RunFigures:
    keywords: int
    pages_fetched: int
    bytes_fetched: int
    pages_reused: int
    failed: int
    wall: float
    thread_cpu: float
    process_cpu: float


def keywords(count: int) -> list[str]:
    """``count`` distinct, realistic search terms."""
    terms = [f"{adjective} {noun}".strip() for adjective in ADJECTIVES for noun in NOUNS]
    extra = [f"{noun} {n}" for n in range(2, count) for noun in NOUNS]
    return (terms + extra)[:count]


def _settings(data_dir: Path, sandbox_url: str, *, sharing: bool) -> Settings:
    base = Settings(data_dir=data_dir, dev=True)
    return base.model_copy(
        update={
            "sandbox": base.sandbox.model_copy(update={"enabled": True, "url": sandbox_url}),
            "fetch": base.fetch.model_copy(
                update={"delays_enabled": False, "retry_base_seconds": 0.0, "retry_max_seconds": 0.0}
            ),
            "ranks": base.ranks.model_copy(
                update={"start_jitter_seconds": 0, "page_cache_seconds": 600.0 if sharing else 0.0}
            ),
        }
    )


def run_job(platform: Platform, *, name: str, asin: str, terms: list[str], depth: int) -> RunFigures:
    with platform.db.session() as session:
        owner = create_user(session, email=f"{name}@bench.example", password="correct-horse-42")
        workspace_id = create_workspace(session, owner_id=owner.id, name=name).id
        job = jobs.create_job(
            session,
            platform,
            workspace_id=workspace_id,
            asin=asin,
            marketplace="US",
            keywords=terms,
            depth=depth,
        )
        run_id = check_runs.run_job_now(session, platform, workspace_id=workspace_id, job_id=job.id).id
    wall, thread_cpu, process_cpu = time.perf_counter(), time.thread_time(), time.process_time()
    execute_run(platform, run_id, worker="bench")
    wall, thread_cpu = time.perf_counter() - wall, time.thread_time() - thread_cpu
    process_cpu = time.process_time() - process_cpu
    with platform.db.session() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.result is not None, "the run did not finish"
        result: dict[str, Any] = dict(run.result)
    return RunFigures(
        keywords=int(result["keywords"]),
        pages_fetched=int(result["pages_fetched"]),
        bytes_fetched=int(result["bytes_fetched"]),
        pages_reused=int(result["pages_reused"]),
        failed=len(result["failed"]),
        wall=wall,
        thread_cpu=thread_cpu,
        process_cpu=process_cpu,
    )


def measure(args: argparse.Namespace, *, sharing: bool) -> list[RunFigures]:
    """Two jobs with the same keywords, one after the other, on a fresh platform and sandbox."""
    workdir = Path(tempfile.mkdtemp(prefix="shelfscope-bench-checks-"))
    try:
        server = SandboxServer(app=create_sandbox_app(settings=Settings(data_dir=workdir / "sandbox")))
        server.start()
        try:
            configure(server.context, big_pages=args.big_pages)
            platform = Platform.from_settings(_settings(workdir / "var", server.url, sharing=sharing))
            try:
                load_all_models().create_all(platform.db.engine)
                terms = keywords(args.keywords)
                # Imports, the first parse and the storefront's catalogue are paid here, unmeasured.
                run_job(platform, name="warmup", asin="B0CM5RW7JD", terms=WARM_UP, depth=args.depth)
                return [
                    run_job(platform, name=f"bench{n}", asin=asin, terms=terms, depth=args.depth)
                    for n, asin in enumerate(ASINS)
                ]
            finally:
                platform.close()
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(label: str, figures: RunFigures) -> None:
    checks = figures.keywords
    print(
        f"{label:<24} {checks:>4} checks  {figures.pages_fetched:>4} fetched  "
        f"{figures.pages_reused:>4} reused  "
        f"{figures.failed} failed  {checks / figures.wall:6.1f} checks/s wall  "
        f"{figures.thread_cpu:6.2f} s CPU run "
        f"({checks / figures.thread_cpu:6.1f} checks/s per core)  "
        f"{figures.process_cpu:6.2f} s CPU process ({checks / figures.process_cpu:6.1f}/core)  "
        f"{figures.bytes_fetched / checks / 1e3:8.1f} kB fetched per check"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="rank tracking: keyword checks per second per core")
    parser.add_argument("--keywords", type=int, default=100)
    parser.add_argument("--depth", type=int, default=3, help="search pages read per keyword (1-7)")
    parser.add_argument("--big-pages", action="store_true", help="real-size 1-2.6 MB search pages")
    parser.add_argument("--sharing", choices=["off", "on", "both"], default="both")
    args = parser.parse_args()
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.sharing]
    print(
        f"{args.keywords} keywords x depth {args.depth}, "
        f"{'real-size' if args.big_pages else 'compact'} storefront pages, delays off, SQLite"
    )
    for sharing in modes:
        first, second = measure(args, sharing=sharing)
        state = "on" if sharing else "off"
        report(f"sharing {state}: 1st job", first)
        report(f"sharing {state}: 2nd job", second)


if __name__ == "__main__":
    main()
