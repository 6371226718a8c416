"""Finances windows on a scripted SP-API: expired NextTokens, oversized pages, idempotent ledger writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from shelfscope.auth.vault import Vault
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.events.memory_bus import InProcessBus
from shelfscope.fetch import ApiHttp
from shelfscope.jobs.queue import build_queue
from shelfscope.platform import Platform
from shelfscope.seller.backfill.runner import run_backfill
from shelfscope.seller.models import BackfillWindow, LedgerEntry, SellerConnection, WindowStatus
from shelfscope.seller.runtime import SellerRuntime
from shelfscope.settings import Settings
from tests.jobs_support import make_workspace

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TOKEN = {"access_token": "Atza|a", "token_type": "bearer", "expires_in": 3600, "refresh_token": "Atzr|r"}
TOKEN_GONE = {
    "errors": [{"code": "InvalidInput", "message": "Token is not valid, token duration is 25 minutes."}]
}
TOO_LARGE = {"errors": [{"code": "InvalidInput", "message": "Invalid input"}]}


@pytest.fixture
def pages(real_fixtures: Path) -> list[dict[str, Any]]:
    folder = real_fixtures / "spapi" / "synthetic"
    return [
        json.loads((folder / name).read_text())
        for name in (
            "synthetic_listFinancialEvents_page1_with_NextToken.json",
            "synthetic_listFinancialEvents_page2_last.json",
        )
    ]


Script = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def scripted(settings: Settings, db: Database) -> Iterator[Callable[[Script], tuple[SellerRuntime, int]]]:
    platforms: list[Platform] = []

    def build(script: Script) -> tuple[SellerRuntime, int]:
        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/auth/o2/token"):
                return httpx.Response(200, json=TOKEN)
            return script(request)

        platform = Platform(
            settings=settings,
            db=db,
            bus=InProcessBus(),
            queue=build_queue(settings),
            vault=Vault.from_settings(settings),
            clock=FakeClock(NOW),
        )
        platforms.append(platform)
        runtime = SellerRuntime.from_platform(
            platform, http=ApiHttp(transport=httpx.MockTransport(handler)), sleep=lambda seconds: None
        )
        workspace_id = make_workspace(db)
        with db.session() as session:
            connection = SellerConnection(
                workspace_id=workspace_id,
                region="NA",
                selling_partner_id="A1TEST",
                refresh_token=platform.vault.encrypt("Atzr|r"),
                marketplace_ids=["ATVPDKIKX0DER"],
            )
            session.add(connection)
            session.flush()
            session.add(
                BackfillWindow(
                    workspace_id=workspace_id,
                    connection_id=connection.id,
                    kind="financial_events",
                    scope="NA",
                    window_start=datetime(2026, 3, 1, tzinfo=UTC),
                    window_end=datetime(2026, 6, 1, tzinfo=UTC),
                )
            )
            return runtime, connection.id

    yield build
    for platform in platforms:
        platform.queue.close()
        platform.bus.close()


def _ledger(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def test_expired_next_token_restarts_the_window_without_duplicates(
    scripted: Callable[[Script], tuple[SellerRuntime, int]], pages: list[dict[str, Any]], db: Database
) -> None:
    calls: list[dict[str, str]] = []
    answers = [(200, pages[0]), (400, TOKEN_GONE), (200, pages[0]), (200, pages[1])]

    def script(request: httpx.Request) -> httpx.Response:
        calls.append(dict(request.url.params))
        status, body = answers.pop(0)
        return httpx.Response(status, json=body)

    runtime, connection_id = scripted(script)
    run_backfill(runtime, connection_id=connection_id)
    assert [("NextToken" in call) for call in calls] == [False, True, False, True]
    # The token is sent with the same arguments as the call that produced it.
    assert {k: v for k, v in calls[3].items() if k != "NextToken"} == calls[2]
    with db.session() as session:
        window = session.scalars(select(BackfillWindow)).one()
        assert window.status == WindowStatus.DONE
        assert window.rows_ingested == _ledger(db) > 0


def test_invalid_input_halves_the_page_size(
    scripted: Callable[[Script], tuple[SellerRuntime, int]], pages: list[dict[str, Any]], db: Database
) -> None:
    sizes: list[str] = []
    answers = [(400, TOO_LARGE), (200, pages[1])]

    def script(request: httpx.Request) -> httpx.Response:
        sizes.append(request.url.params["MaxResultsPerPage"])
        status, body = answers.pop(0)
        return httpx.Response(status, json=body)

    runtime, connection_id = scripted(script)
    run_backfill(runtime, connection_id=connection_id)
    assert sizes == ["100", "50"]
    assert _ledger(db) > 0


def test_reingesting_a_window_counts_every_row_once(
    scripted: Callable[[Script], tuple[SellerRuntime, int]], pages: list[dict[str, Any]], db: Database
) -> None:
    answers = [pages[0], pages[1], pages[0], pages[1]]
    runtime, connection_id = scripted(lambda request: httpx.Response(200, json=answers.pop(0)))
    first = run_backfill(runtime, connection_id=connection_id)
    count = _ledger(db)
    with db.session() as session:
        session.execute(update(BackfillWindow).values(status=WindowStatus.PLANNED.value))
    second = run_backfill(runtime, connection_id=connection_id)
    assert first.ingested.rows_inserted == count > 0
    assert second.ingested.rows_seen == count
    assert second.ingested.duplicates == count
    assert _ledger(db) == count
