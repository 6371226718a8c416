"""``seller backfill --sandbox``: the whole flow against an in-process sandbox with a fast clock.

Connect (the consent page auto-approves), exchange the code, plan, backfill and ingest, then
compare with the sandbox's ground truth. The sandbox clock starts at a fixed time of the current
UTC day and the seed is the configured one, so a second run on the same day and data dir sees
the same history and the same windows, and ingests nothing new.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from shelfscope.auth.models import Membership
from shelfscope.auth.users import create_user, find_user_by_email
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db.migrate import upgrade
from shelfscope.platform import Platform
from shelfscope.sandbox import SandboxClock, SandboxServer, create_sandbox_app
from shelfscope.sandbox.registry import load_simulators
from shelfscope.sandbox.spapi.truth import ground_truth
from shelfscope.sandbox.spapi.world import spapi_world
from shelfscope.seller.backfill.plan import plan_backfill, windows_by_status
from shelfscope.seller.backfill.runner import TRANSIENT_RETRY, Progress, drive_backfill
from shelfscope.seller.cases import detect_after_sync
from shelfscope.seller.ledger_reconcile import reconciliation_status
from shelfscope.seller.models import BackfillWindow, LedgerEntry, SellerConnection
from shelfscope.seller.oauth import complete_consent, consent_url
from shelfscope.seller.runtime import SellerRuntime
from shelfscope.seller.sandbox_mode import with_sandbox_seller
from shelfscope.settings import Settings

__all__ = ["sandbox_backfill"]

SANDBOX_EMAIL = "sandbox-seller@example.com"
_CALM_SPEED = 20.0


def sandbox_backfill(
    settings: Settings, *, months: int, speed: float, progress: Progress | None = None
) -> dict[str, Any]:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    # Real-time speed while the seller consents: the state and the auth code live minutes.
    clock = SandboxClock(start=today + timedelta(hours=6), speed=1.0)
    app = create_sandbox_app(
        settings=settings, clock=clock, simulators=load_simulators(("shelfscope.sandbox.spapi.simulator",))
    )
    with SandboxServer(app=app) as server:
        sandboxed = with_sandbox_seller(
            settings, server.connector_urls(), redirect_url=server.url + "/callback"
        )
        platform = Platform.from_settings(sandboxed, clock=clock)
        try:
            return _run(platform, server, clock, months=months, speed=speed, progress=progress)
        finally:
            platform.close()


def _run(
    platform: Platform,
    server: SandboxServer,
    clock: SandboxClock,
    *,
    months: int,
    speed: float,
    progress: Progress | None,
) -> dict[str, Any]:
    upgrade(platform.db.engine)
    runtime = SellerRuntime.from_platform(
        platform, sleep=lambda seconds: time.sleep(seconds / speed), speed=speed
    )
    try:
        connection = _connect(platform, runtime)
        clock.set_speed(speed)
        with platform.db.session() as session:
            stored = session.get(SellerConnection, connection.id)
            assert stored is not None
            plan_backfill(session, stored, now=platform.clock.now(), months=months)
        before = _rows_by_source(platform, connection.id)

        def wait(delay: timedelta) -> None:
            time.sleep(delay.total_seconds() / clock.speed)

        summary = drive_backfill(runtime, connection_id=connection.id, wait=wait, progress=progress)
        if summary.errors or summary.open_windows:
            # A fast clock can outrun Finances NextTokens (25 sandbox minutes); windows that hit
            # that were put back for later. Take them again on a calmer clock.
            clock.set_speed(min(speed, _CALM_SPEED))
            clock.advance(TRANSIENT_RETRY + timedelta(minutes=1))
            retried = drive_backfill(runtime, connection_id=connection.id, wait=wait, progress=progress)
            summary.merge(retried)
        after = _rows_by_source(platform, connection.id)
    finally:
        runtime.close()
    world = spapi_world(server.context)
    with platform.db.session() as session:
        windows = windows_by_status(session, connection_id=connection.id)
        reconciliation = reconciliation_status(session, connection_id=connection.id)
        oldest = session.scalars(
            select(BackfillWindow)
            .where(BackfillWindow.connection_id == connection.id, BackfillWindow.kind == "inventory_ledger")
            .order_by(BackfillWindow.window_start)
        ).all()
    truth = ground_truth(
        world,
        region="NA",
        start=oldest[0].window_start,
        end=oldest[-1].window_end,
        as_of=platform.clock.now(),
        # When the oldest ledger report was generated (its processingEndTime).
        ledger_reach_from=oldest[0].generated_at,
    )
    # The backfill's Finances windows stop 48 hours short of the plan (late events): count
    # them over their own span.
    with platform.db.session() as session:
        first, last = session.execute(
            select(func.min(BackfillWindow.window_start), func.max(BackfillWindow.window_end)).where(
                BackfillWindow.connection_id == connection.id, BackfillWindow.kind == "financial_events"
            )
        ).one()
    finances = ground_truth(world, region="NA", start=first, end=last, as_of=platform.clock.now())
    truth.rows["financial_events"] = finances.rows["financial_events"]
    return {
        "windows": windows,
        "rows_ingested": {kind: after.get(kind, 0) - before.get(kind, 0) for kind in sorted(after)},
        "ledger_rows": after,
        "duplicates_skipped": summary.ingested.duplicates,
        "reconciliation": reconciliation.as_json(),
        "cases_found": _cases_found(platform, connection.id),
        "errors": summary.errors,
        "ground_truth": truth.summary(),
    }


def _connect(platform: Platform, runtime: SellerRuntime) -> SellerConnection:
    with platform.db.session() as session:
        user = find_user_by_email(session, email=SANDBOX_EMAIL) or create_user(
            session, email=SANDBOX_EMAIL, password=secrets.token_urlsafe(16)
        )
        workspace_id = session.scalar(select(Membership.workspace_id).where(Membership.user_id == user.id))
        if workspace_id is None:
            workspace_id = create_workspace(session, owner_id=user.id, name="Sandbox seller").id
        url = consent_url(
            session,
            settings=platform.settings,
            workspace_id=workspace_id,
            user_id=user.id,
            region="NA",
            now=platform.clock.now(),
        )
    answer = runtime.http.request("GET", url)
    callback = {
        name: values[0] for name, values in parse_qs(urlsplit(answer.headers["location"]).query).items()
    }
    return complete_consent(
        runtime,
        state=callback["state"],
        code=callback["spapi_oauth_code"],
        selling_partner_id=callback["selling_partner_id"],
    )


def _rows_by_source(platform: Platform, connection_id: int) -> dict[str, int]:
    with platform.db.session() as session:
        query = (
            select(LedgerEntry.source, func.count())
            .where(LedgerEntry.connection_id == connection_id)
            .group_by(LedgerEntry.source)
        )
        return {source: int(count) for source, count in session.execute(query)}


def _cases_found(platform: Platform, connection_id: int) -> int:
    """Cases the rules find in the ledger now (detection is idempotent: nothing is duplicated)."""
    result = detect_after_sync(platform, connection_id=connection_id)
    return result.found if result is not None else 0
