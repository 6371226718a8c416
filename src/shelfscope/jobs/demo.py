"""The ``demo.count`` run kind: visible, resumable, idempotent busywork.

It processes ``payload["items"]`` units, sleeping ``payload["sleep_seconds"]`` per unit, and
writes one ``demo_items`` row per unit keyed by (run_id, n). A second attempt (after a killed
worker) skips the units already written, and a duplicate write would change nothing, so the
table ends with exactly one row per unit however often the run executes. The dashboard demo
and the distributed integration test use it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfscope.db import upsert
from shelfscope.errors import InvalidInput
from shelfscope.jobs.context import RunContext
from shelfscope.jobs.models import DemoItem, Run
from shelfscope.jobs.registry import register_kind
from shelfscope.jobs.service import create_run

if TYPE_CHECKING:
    from shelfscope.platform import Platform

__all__ = ["DEMO_KIND", "MAX_ITEMS", "MAX_SLEEP_SECONDS", "count_items", "create_demo_runs"]

DEMO_KIND = "demo.count"
MAX_ITEMS = 10_000
MAX_SLEEP_SECONDS = 60.0


def _options(payload: dict[str, Any]) -> tuple[int, float]:
    try:
        items = int(payload.get("items", 10))
        sleep_seconds = float(payload.get("sleep_seconds", 0.0))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"demo payload needs numeric items and sleep_seconds: {exc}") from exc
    if not 0 <= items <= MAX_ITEMS:
        raise InvalidInput(f"items must be between 0 and {MAX_ITEMS}", field="items")
    if not 0 <= sleep_seconds <= MAX_SLEEP_SECONDS:
        limit = f"{MAX_SLEEP_SECONDS:g}"
        raise InvalidInput(f"sleep_seconds must be between 0 and {limit}", field="sleep_seconds")
    return items, sleep_seconds


def count_items(ctx: RunContext) -> dict[str, Any]:
    """Write rows 0..items-1 for this run, skipping those an earlier attempt wrote."""
    items, sleep_seconds = _options(ctx.payload)
    db = ctx.platform.db
    with db.session() as session:
        already = set(session.scalars(select(DemoItem.n).where(DemoItem.run_id == ctx.run_id)))
    ctx.progress(len(already), items, "counting")
    written = 0
    for n in range(items):
        if n in already:
            continue
        ctx.check_cancelled()
        if sleep_seconds:
            time.sleep(sleep_seconds)
        with db.session() as session:
            row = {"run_id": ctx.run_id, "n": n, "workspace_id": ctx.workspace_id, "worker": ctx.worker}
            upsert(session, DemoItem, [row], key=["run_id", "n"], update=[])
        written += 1
        ctx.progress(len(already) + written, items, f"item {n + 1} of {items}")
    return {"items": items, "written": written, "resumed_from": len(already), "attempt": ctx.attempt}


def create_demo_runs(
    session: Session,
    platform: Platform,
    *,
    workspace_id: int | None,
    count: int,
    items: int,
    sleep_seconds: float = 0.2,
    created_by_user_id: int | None = None,
) -> list[Run]:
    """Queue ``count`` demo runs of ``items`` units each."""
    _options({"items": items, "sleep_seconds": sleep_seconds})
    if not 1 <= count <= 1000:
        raise InvalidInput("count must be between 1 and 1000", field="count")
    return [
        create_run(
            session,
            platform,
            workspace_id=workspace_id,
            kind=DEMO_KIND,
            subject=f"demo {index + 1} of {count}: {items} items",
            payload={"items": items, "sleep_seconds": sleep_seconds},
            created_by_user_id=created_by_user_id,
        )
        for index in range(count)
    ]


register_kind(DEMO_KIND, count_items, max_attempts=3)
