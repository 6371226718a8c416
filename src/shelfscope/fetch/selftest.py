"""``shelfscope fetch selftest``: the whole chain against an in-process sandbox, with exact accounting.

The scenario the engine must survive, on real sockets:

* a sandbox with ``proxies`` local forward proxies (delays off), every request to a made-up host
  (``shop.example``) that the proxies deliver to the sandbox's storefront;
* ``proxy-1`` dies mid-way (dies after ``requests / (2 * proxies)`` requests, then refuses
  connections): its sessions fail over to the others and it goes to cooldown;
* ``proxy-2`` is a burned exit: every page through it is a real Amazon CAPTCHA, which must be
  detected as a block, rotate the session, and never come back as a result;
* ``proxy-3`` (when there is one) wants Basic credentials, so auth goes through the chain too.

Every fetch goes through :class:`FetchEngine` with the :class:`ProviderProxyPool` and the
:class:`RequestLogWriter` (a temporary SQLite database unless one is given). The report's
invariants: ``logged == requests`` (one log row per fetch), ``succeeded + failed == requests``
and ``blocks_counted_as_success == 0`` (no successful response is a block page).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

from shelfscope.clock import SystemClock
from shelfscope.db import Database
from shelfscope.db.migrate import upgrade
from shelfscope.errors import InvalidInput, ShelfscopeError
from shelfscope.fetch.engine import FetchEngine
from shelfscope.fetch.models import Request, Site
from shelfscope.fetch.models_db import RequestLogEntry
from shelfscope.fetch.proxy_pool import HealthPolicy, PoolEntry, ProviderProxyPool
from shelfscope.fetch.requestlog import RequestLogWriter
from shelfscope.fetch.signals import FetchEvent, RequestFinished
from shelfscope.sandbox import SandboxServer, create_sandbox_app
from shelfscope.sandbox.proxies import ProxyFleet, fleet_of, proxies_simulator
from shelfscope.settings import Settings

__all__ = ["SelftestReport", "run_selftest"]

#: Text of the sandbox's CAPTCHA page; a "successful" body containing it would be a block as data.
CAPTCHA_MARKER = b"Enter the characters you see below"
TARGET = "http://shop.example/proxies/shop/item-{n}"


@dataclass(frozen=True, kw_only=True)
class SelftestReport:
    requests: int
    succeeded: int
    failed: int
    blocked: int
    failovers: int
    logged: int
    blocks_counted_as_success: int
    requests_per_second: float

    def to_json(self) -> dict[str, int | float]:
        return asdict(self)


async def _no_sleep(_seconds: float) -> None:
    await asyncio.sleep(0)


def _scenario_settings(settings: Settings, *, proxies: int) -> Settings:
    fetch = settings.fetch.model_copy(
        update={
            "delays_enabled": False,
            "allow_direct": False,
            "sessions_per_key": proxies * 2,
            "session_max_uses": 25,
            "breaker_failures": 1_000_000,  # one host on purpose: the test is about proxies
        }
    )
    return settings.model_copy(update={"fetch": fetch})


def _arrange(fleet: ProxyFleet, *, requests: int) -> list[PoolEntry]:
    """Give the fleet its faults and return the pool entries that reach it."""
    members = list(fleet)
    members[0].behaviour.die_after = max(1, requests // (2 * len(members)))
    if len(members) > 1:
        fleet.burn(members[1].name)
    if len(members) > 2:
        members[2].behaviour.username, members[2].behaviour.password = "selftest", "s3cret-pass"
    return [
        PoolEntry(
            id=proxy.name,
            host="127.0.0.1",
            port=proxy.port,
            username=proxy.behaviour.username,
            password=proxy.behaviour.password,
            max_concurrency=8,
        )
        for proxy in members
    ]


class _Counter:
    def __init__(self) -> None:
        self.blocked = 0

    def observe(self, event: FetchEvent) -> None:
        if isinstance(event, RequestFinished) and event.record.blocked:
            self.blocked += 1


async def _drive(
    engine: FetchEngine, *, requests: int, concurrency: int, run_id: str
) -> tuple[int, int, int]:
    succeeded = failed = as_success = 0
    gate = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        nonlocal succeeded, failed, as_success
        async with gate:
            try:
                response = await engine.fetch(
                    Request(url=TARGET.format(n=n), site=Site.AMAZON, run_id=run_id)
                )
            except ShelfscopeError:
                failed += 1
                return
            succeeded += 1
            as_success += CAPTCHA_MARKER in response.body

    await asyncio.gather(*(one(n) for n in range(requests)))
    return succeeded, failed, as_success


def _logged(db: Database, run_id: str) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).where(RequestLogEntry.run_id == run_id)) or 0)


async def run_selftest(
    settings: Settings,
    *,
    requests: int = 1000,
    proxies: int = 4,
    concurrency: int = 16,
    db: Database | None = None,
) -> SelftestReport:
    """Run the scenario (module docstring) and report its accounting."""
    if requests < 1 or proxies < 2:
        raise InvalidInput("the selftest needs at least 1 request and 2 proxies", field="proxies")
    settings = _scenario_settings(settings, proxies=proxies)
    server = SandboxServer(
        app=create_sandbox_app(settings=settings, simulators=[proxies_simulator(count=proxies)])
    )
    parts = urlsplit(server.bind())
    server.context.state_for("proxies")["upstream"] = (parts.hostname, parts.port)
    server.start()
    with tempfile.TemporaryDirectory(prefix="shelfscope-selftest-") as scratch:
        own_db = db is None
        database = db or Database.from_url(f"sqlite:///{Path(scratch) / 'selftest.db'}")
        try:
            if own_db:
                upgrade(database.engine)
            return await _run(
                settings, server=server, db=database, requests=requests, concurrency=concurrency
            )
        finally:
            server.stop()
            if own_db:
                database.dispose()


async def _run(
    settings: Settings, *, server: SandboxServer, db: Database, requests: int, concurrency: int
) -> SelftestReport:
    clock = SystemClock()
    entries = _arrange(fleet_of(server.context), requests=requests)
    pool = ProviderProxyPool(entries, clock=clock, policy=HealthPolicy(dead_after=2, cooldown_base=60))
    writer = RequestLogWriter(
        db=db, provider_of=pool.provider_of, batch_size=settings.fetch.request_log_batch_size
    )
    counter, run_id = _Counter(), f"selftest-{uuid.uuid4().hex[:12]}"
    started = time.perf_counter()
    async with FetchEngine.from_settings(settings, proxies=pool, clock=clock, sleep=_no_sleep) as engine:
        for listener in (pool.observe, writer.observe, counter.observe):
            engine.signals.connect(listener)
        succeeded, failed, as_success = await _drive(
            engine, requests=requests, concurrency=concurrency, run_id=run_id
        )
    elapsed = time.perf_counter() - started
    writer.flush()
    return SelftestReport(
        requests=requests,
        succeeded=succeeded,
        failed=failed,
        blocked=counter.blocked,
        failovers=pool.failovers,
        logged=_logged(db, run_id),
        blocks_counted_as_success=as_success,
        requests_per_second=round(requests / elapsed, 1) if elapsed > 0 else 0.0,
    )
