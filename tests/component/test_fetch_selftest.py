"""The selftest scenario, smaller: a proxy dies, one serves CAPTCHAs, and the accounting is exact."""

from __future__ import annotations

from shelfscope.db import Database
from shelfscope.fetch.selftest import run_selftest
from shelfscope.settings import Settings


async def test_selftest_accounts_for_every_request_and_never_counts_a_block_as_success(
    settings: Settings, sqlite_db: Database
) -> None:
    report = await run_selftest(settings, requests=160, proxies=4, concurrency=12, db=sqlite_db)
    assert report.requests == 160
    assert report.succeeded + report.failed == report.requests
    assert report.logged == report.requests
    assert report.blocks_counted_as_success == 0
    assert report.blocked > 0  # the burned exit served CAPTCHAs, and they were seen as blocks
    assert report.failovers > 0  # the dying proxy's sessions moved to other proxies
    assert report.succeeded > report.requests * 0.9
    assert set(report.to_json()) == {
        "requests",
        "succeeded",
        "failed",
        "blocked",
        "failovers",
        "logged",
        "blocks_counted_as_success",
        "requests_per_second",
    }
