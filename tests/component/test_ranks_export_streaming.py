"""A large CSV export streams: it arrives in many chunks and memory stays far below its size."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Iterator, MutableMapping
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import event, insert

from shelfscope.api.app import create_app
from shelfscope.auth.api_keys import create_api_key
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.clock import FakeClock
from shelfscope.db import Database
from shelfscope.platform import Platform
from shelfscope.ranks.export import ExportKind, export_filters, export_query, stream_csv
from shelfscope.ranks.jobs import create_job
from shelfscope.ranks.keywords import list_keywords
from shelfscope.ranks.models import Observation
from shelfscope.settings import Settings
from tests.jobs_support import jobs_platform

ROWS = 50_000
OWN = "B0D7KQ3M2X"


@pytest.fixture
def platform(settings: Settings, db: Database) -> Iterator[Platform]:
    with jobs_platform(settings, db, clock=FakeClock()) as platform:
        yield platform


def _seed(platform: Platform) -> tuple[str, int]:
    """A workspace with ROWS observations of one job; returns a viewer API key and the workspace."""
    with platform.db.session() as session:
        owner = create_user(session, email="owner@bulk.example", password="correct-horse-42")
        workspace = create_workspace(session, owner_id=owner.id, name="Bulk")
        principal = Principal(user_id=owner.id, workspace_id=workspace.id, role=Role.OWNER, via="session")
        _, key = create_api_key(
            session, principal=principal, name="viewer", role=Role.VIEWER, now=platform.clock.now()
        )
        job = create_job(
            session, platform, workspace_id=workspace.id, asin=OWN, marketplace="DE", keywords=["bottle"]
        )
        keyword_id = list_keywords(session, workspace_id=workspace.id, job_id=job.id)[0].id
    start = platform.clock.now() - timedelta(days=400)
    for first in range(0, ROWS, 10_000):
        rows = [
            {
                "workspace_id": job.workspace_id,
                "job_id": job.id,
                "keyword_id": keyword_id,
                "marketplace": "DE",
                "asin": OWN,
                "run_id": run,
                "observed_at": start + timedelta(minutes=run),
                "status": "ok",
                "found": True,
                "organic_rank": run % 150 + 1,
                "organic_page": run % 3 + 1,
                "organic_position": run % 48 + 1,
                "page": run % 3 + 1,
                "position": run % 48 + 1,
                "depth": 3,
                "pages_checked": 3,
                "total_results": 20_000,
                "page_keys": [],
            }
            for run in range(first, first + 10_000)
        ]
        with platform.db.session() as session:
            session.execute(insert(Observation), rows)
    return key, job.workspace_id


async def _stream(
    app: FastAPI, path: str, headers: dict[str, str], *, query: bytes = b"kind=combined"
) -> tuple[int, list[int], int]:
    """Run one GET through the ASGI app, dropping each body chunk once counted.

    Returns the status, the size of every chunk, and the peak of traced memory while streaming.
    """
    sizes: list[int] = []
    status = 0
    requested = False
    done = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()  # the client stays connected until the whole body arrived
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            if message.get("body"):
                sizes.append(len(message["body"]))
            if not message.get("more_body"):
                done.set()

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {},
    }  # fmt: skip
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        await app(scope, receive, send)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return status, sizes, peak


def test_a_50k_row_export_streams_in_chunks_with_flat_memory(platform: Platform) -> None:
    key, workspace_id = _seed(platform)
    app = create_app(platform)
    headers = {"Authorization": f"Bearer {key}", "Host": "testserver"}
    # A first, empty export warms what every first request pays for (imports, caches).
    warm_status, _, _ = asyncio.run(
        _stream(app, "/api/v1/ranks/export.csv", headers, query=b"marketplace=UK")
    )
    assert warm_status == 200
    status, sizes, peak = asyncio.run(_stream(app, "/api/v1/ranks/export.csv", headers))
    total = sum(sizes)
    assert status == 200
    assert len(sizes) >= ROWS // 500, "about one chunk per 500 rows"
    assert max(sizes) < total / 50, "no chunk holds a large part of the file"
    materialised = _peak_of_loading_every_row(platform, workspace_id)
    assert peak < materialised / 10, (
        f"streaming peaked at {peak:,} bytes, loading all rows at {materialised:,}"
    )
    assert peak < total, "less memory than the file it sent"


@pytest.mark.postgres
@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_postgresql_reads_the_export_through_a_server_side_cursor(platform: Platform) -> None:
    """Without one, libpq would receive every row before the first is written (SQLite steps
    through rows as they are read, so only PostgreSQL needs proving)."""
    cursors: list[str] = []

    def spy(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM rank_observations JOIN rank_keywords" in statement:
            cursors.append(type(cursor).__name__)

    event.listen(platform.db.engine, "before_cursor_execute", spy)
    try:
        with platform.db.session() as session:
            query = export_query(session, workspace_id=1, filters=export_filters())
        chunks = list(stream_csv(platform.db, query, ExportKind.ORGANIC))
    finally:
        event.remove(platform.db.engine, "before_cursor_execute", spy)
    assert chunks == [
        "observed_at,job_id,marketplace,keyword,asin,role,status,failure_reason,"
        "organic_rank,organic_page,organic_position,pages_checked,depth,total_results,run_id\r\n"
    ]
    assert cursors == ["ServerCursor"]


def _peak_of_loading_every_row(platform: Platform, workspace_id: int) -> int:
    """What the same export costs when its rows are fetched all at once: the baseline."""
    with platform.db.session() as session:
        query = export_query(session, workspace_id=workspace_id, filters=export_filters())
        tracemalloc.start()
        try:
            rows = session.execute(query).all()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(rows) == ROWS
    return peak
