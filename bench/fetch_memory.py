"""Worker memory over a long run: RSS sampled while the fetch engine works, HTTP then browser.

Long runs are where fetch layers leak: curl_cffi sessions grow (curl_cffi #406, #607) and
long-lived browser contexts grow without bound (scrapy-playwright #126). shelfscope recycles
both (HTTP sessions after ``client_recycle_after`` requests, browser contexts after
``pages_per_context`` pages, Chromium after ``contexts_per_browser`` contexts), so RSS should
stay flat after warm-up. This prints it at intervals:

* **HTTP**: N requests (default 50,000) through ``FetchEngine`` + curl client against a
  bench-local server in another process (60 kB gzipped search-like page), concurrency 16;
  RSS of this worker process.
* **Browser**: M pages (default 1,000) through the browser client: a page whose own script
  fetches JSON (captured) with images blocked; RSS of this worker, and PSS of it plus its Chromium processes.

Nothing is asserted; the last column is the growth since the first sample after warm-up.

    python bench/fetch_memory.py            # 50,000 requests, 1,000 browser pages
    python bench/fetch_memory.py --quick    # 5,000 requests, 150 browser pages
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from _page_server import start_page_server

from shelfscope.fetch import FetchEngine, Request
from shelfscope.fetch.clients.browser import BROWSER_IDENTITIES, BrowserClient
from shelfscope.fetch.clients.browser_options import BrowserOptions
from shelfscope.fetch.clients.curl import CurlClient
from shelfscope.settings import Settings

SAMPLES = 10
PAGE_KB = 4096 // 1024  # /proc/<pid>/statm counts 4 kB pages


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages split among the processes sharing them.

    Chromium's processes share most of their libraries; summing their RSS would count those
    once per process, so the browser tree is measured in PSS.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def tree_rss_mb(*, with_children: bool) -> tuple[float, float]:
    """RSS of this process, and the PSS of it plus its descendants (Chromium), in MB."""
    own = _rss_kb(os.getpid())
    if not with_children:
        return own / 1024, own / 1024
    tree = _pss_kb(os.getpid()) + sum(_pss_kb(pid) for pid in _descendants(os.getpid()))
    return own / 1024, tree / 1024


def _settings(**fetch: object) -> Settings:
    settings = Settings()
    changes = {"delays_enabled": False, **fetch}
    return settings.model_copy(update={"fetch": settings.fetch.model_copy(update=changes)})


async def _run(
    label: str,
    total: int,
    concurrency: int,
    fetch_one: Callable[[int], Awaitable[None]],
    *,
    with_children: bool,
    status: Callable[[], str],
) -> None:
    every = max(total // SAMPLES, 1)
    done, baseline, started = 0, 0.0, time.perf_counter()
    print(f"\n{label}: {total} requests, concurrency {concurrency}")
    print(f"{'done':>8} {'worker MB':>10} {'+chromium PSS':>13} {'growth MB':>10} {'req/s':>7}  recycling")
    queue = iter(range(total))

    async def worker() -> None:
        nonlocal done, baseline
        for number in queue:
            await fetch_one(number)
            done += 1
            if done % every == 0:
                own, tree = tree_rss_mb(with_children=with_children)
                current = tree if with_children else own
                baseline = baseline or current
                rate = done / (time.perf_counter() - started)
                combined = f"{tree:13.1f}" if with_children else f"{'-':>13}"
                print(f"{done:>8} {own:10.1f} {combined} {current - baseline:+10.1f} {rate:7.0f}  {status()}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def http_run(base: str, *, requests: int) -> None:
    settings = _settings(session_max_uses=1_000_000, session_max_age_seconds=1e9)
    client = CurlClient.from_settings(settings.fetch)
    async with FetchEngine.from_settings(settings, client=client, rng=random.Random(1)) as engine:

        async def fetch_one(number: int) -> None:
            response = await engine.fetch(Request(url=f"{base}/bench/small/{number}"))
            assert response.status == 200

        def status() -> str:
            return f"curl sessions opened {client.sessions_opened}, open {client.open_sessions}"

        await _run("HTTP (curl client)", requests, 16, fetch_one, with_children=False, status=status)


async def browser_run(base: str, *, pages: int, chromium: str, per_context: int, per_browser: int) -> None:
    settings = _settings(session_max_uses=1_000_000, session_max_age_seconds=1e9, sessions_per_key=4)
    client = BrowserClient(
        chromium_path=chromium, pages_per_context=per_context, contexts_per_browser=per_browser
    )
    options = BrowserOptions(capture=(r"/bench/api/items",))
    engine = FetchEngine.from_settings(
        settings, client=client, rng=random.Random(1), identities=BROWSER_IDENTITIES
    )
    async with engine:

        async def fetch_one(number: int) -> None:
            response = await engine.fetch(
                Request(url=f"{base}/bench/shop/{number}", meta={"browser": options})
            )
            assert len(response.captures) == 1  # type: ignore[attr-defined]

        def status() -> str:
            pool = client.pool
            opened, launched = pool.contexts_opened, pool.browsers_launched
            return f"contexts opened {opened}, open {pool.open_contexts}; chromium launched {launched}"

        await _run("Browser (Playwright + Chromium)", pages, 4, fetch_one, with_children=True, status=status)


def main() -> None:
    parser = argparse.ArgumentParser(description="worker RSS over long HTTP and browser runs")
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--pages", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="5,000 requests and 150 browser pages")
    parser.add_argument("--pages-per-context", type=int, default=50)
    parser.add_argument("--contexts-per-browser", type=int, default=8)
    parser.add_argument("--chromium", default=os.environ.get("SHELFSCOPE_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    requests, pages = (5_000, 150) if args.quick else (args.requests, args.pages)
    per_context = min(args.pages_per_context, 20) if args.quick else args.pages_per_context
    server, base = start_page_server("fixtures", 1)
    try:
        asyncio.run(http_run(base, requests=requests))
        if not args.skip_browser:
            asyncio.run(
                browser_run(
                    base,
                    pages=pages,
                    chromium=args.chromium,
                    per_context=per_context,
                    per_browser=args.contexts_per_browser,
                )
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
