"""Crawl throughput: shelfscope's full fetch chain against an equivalent Scrapy spider, same run.

Both crawl the same real-size Amazon search pages (1-2.6 MB, served gzipped by a bench-local
server in its own process: see ``_page_server.py``), with delays off and the same concurrency:

* **shelfscope**: ``FetchEngine`` with the curl client (identity, session, proxy, throttle,
  block detection, retry and stats middleware all active), then ``parse_serp`` on the body.
* **Scrapy**: a spider that reads the same cards (ASIN, title, brand, sponsored signals, price,
  rating, reviews, badges) and header (query, result count, paging) with its own CSS selectors
  (parsel/lxml), as a Scrapy user would write it.

Each crawler runs in its own process, so neither shares a core or a GIL with the server or the
other; rounds alternate which goes first, and each crawler's least disturbed round is reported
(a shared machine's load only ever slows a run down). Printed: wall-clock pages/s, CPU seconds
of the crawler process, pages per CPU-second (pages/s per core) and the ratio. The
architecture's goal is a ratio of at least 3. Nothing is asserted.

    python bench/fetch_throughput.py                        # 400 pages, concurrency 8
    python bench/fetch_throughput.py --pages 200 --source fixtures
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from typing import Any

from _page_server import start_page_server


def run_shelfscope(base: str, *, pages: int, concurrency: int) -> dict[str, Any]:
    import random

    from shelfscope.fetch import FetchEngine, Request, Site
    from shelfscope.ranks import parse_serp
    from shelfscope.settings import Settings

    settings = Settings()
    settings = settings.model_copy(
        update={
            "fetch": settings.fetch.model_copy(
                update={"delays_enabled": False, "sessions_per_key": concurrency}
            )
        }
    )

    async def crawl() -> dict[str, Any]:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for number in range(pages):
            queue.put_nowait(number)
        totals = {"pages": 0, "cards": 0, "bytes": 0}
        async with FetchEngine.from_settings(settings, rng=random.Random(1)) as engine:

            async def worker() -> None:
                while not queue.empty():
                    number = queue.get_nowait()
                    request = Request(
                        url=f"{base}/bench/s/{number}",
                        site=Site.AMAZON,
                        marketplace="US",
                        expected_page="serp",
                    )
                    response = await engine.fetch(request)
                    page = parse_serp(response.body, marketplace="US")
                    totals["pages"] += 1
                    totals["cards"] += len(page.results)
                    totals["bytes"] += len(response.body)

            cpu, wall = time.process_time(), time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return {**totals, "cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall}

    return asyncio.run(crawl())


def run_scrapy(base: str, *, pages: int, concurrency: int) -> dict[str, Any]:
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    totals: dict[str, Any] = {"pages": 0, "cards": 0, "bytes": 0}
    marks: dict[str, float] = {}

    class SerpSpider(scrapy.Spider):
        name = "serp"

        async def start(self) -> Any:
            for number in range(pages):
                yield scrapy.Request(f"{base}/bench/s/{number}", dont_filter=True)

        def parse(self, response: Any) -> Any:
            totals["pages"] += 1
            totals["bytes"] += len(response.body)
            for card in response.css('div[data-component-type="s-search-result"]'):
                asin = card.attrib.get("data-asin")
                if not asin:
                    continue
                totals["cards"] += 1
                yield {
                    "asin": asin,
                    "title": " ".join(card.css("h2 ::text").getall()).strip(),
                    "brand": card.css(
                        '[data-cy="title-recipe"] h2 span::text, .a-row .a-size-base-plus::text'
                    ).get(),
                    "sponsored": bool(card.css(".puis-sponsored-label-text"))
                    or any("/sspa/click" in href for href in card.css("a::attr(href)").getall()),
                    "price": card.css("span.a-price .a-offscreen::text").get(),
                    "rating": card.css('i[class*="a-icon-star"] .a-icon-alt::text').get(),
                    "reviews": card.css(
                        'a[href*="customerReviews"] span::text, span[aria-label]::attr(aria-label)'
                    ).getall()[-1:],
                    "badges": card.css(".a-badge-label ::text").getall(),
                }
            # The page header, as parse_serp reads it: query, result count and paging.
            response.css("#twotabsearchtextbox::attr(value)").get()
            response.css(
                '[data-component-type="s-result-info-bar"] h2 ::text, .s-desktop-toolbar h1 ::text'
            ).getall()
            response.css(".s-pagination-strip .s-pagination-selected::text").get()
            response.css("a.s-pagination-next").get()

    def opened(spider: Any) -> None:
        marks["cpu"], marks["wall"] = time.process_time(), time.perf_counter()

    def closed(spider: Any) -> None:
        totals["cpu"] = time.process_time() - marks["cpu"]
        totals["wall"] = time.perf_counter() - marks["wall"]

    process = CrawlerProcess(
        settings={
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "RETRY_ENABLED": False,
        }
    )
    crawler = process.create_crawler(SerpSpider)
    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler)
    process.start()
    return totals


def _child(crawler: str, base: str, *, pages: int, concurrency: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", crawler, "--base", base]
    command += ["--pages", str(pages), "--concurrency", str(concurrency)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _report(name: str, result: dict[str, Any]) -> float:
    per_core = float(result["pages"]) / float(result["cpu"])
    print(
        f"{name:<11} {result['pages']:>6} pages  {result['cards']:>7} cards  "
        f"{result['bytes'] / result['pages'] / 1e6:5.2f} MB/page  "
        f"{result['pages'] / result['wall']:7.1f} pages/s wall  {result['cpu']:7.2f} s CPU  "
        f"{per_core:7.1f} pages/s per core"
    )
    return per_core


def main() -> None:
    parser = argparse.ArgumentParser(description="shelfscope fetch chain vs Scrapy, pages/s per core")
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--source", choices=["storefront", "fixtures"], default="storefront")
    parser.add_argument("--count", type=int, default=8, help="distinct pages served")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per crawler")
    parser.add_argument("--child", choices=["shelfscope", "scrapy"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = run_shelfscope if args.child == "shelfscope" else run_scrapy
        print(json.dumps(run(args.base, pages=args.pages, concurrency=args.concurrency)))
        return
    server, base = start_page_server(args.source, args.count)
    results: dict[str, list[dict[str, Any]]] = {"shelfscope": [], "scrapy": []}
    try:
        for round_number in range(args.rounds):
            order = ["shelfscope", "scrapy"] if round_number % 2 == 0 else ["scrapy", "shelfscope"]
            for crawler in order:
                results[crawler].append(_child(crawler, base, pages=args.pages, concurrency=args.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"concurrency {args.concurrency}, delays off, {args.source} pages gzipped, served by another process"
    )
    print(
        f"{args.rounds} interleaved rounds; each crawler's least disturbed round (most pages per CPU-second):"
    )
    best = {name: max(runs, key=lambda run: run["pages"] / run["cpu"]) for name, runs in results.items()}
    ratio = _report("shelfscope", best["shelfscope"]) / _report("scrapy", best["scrapy"])
    print(f"ratio (pages/s per core, shelfscope / Scrapy): {ratio:.2f}x  (goal >= 3x)")


if __name__ == "__main__":
    main()
