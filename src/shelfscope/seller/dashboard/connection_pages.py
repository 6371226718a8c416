"""The connection health panel and a connection's page with its live backfill per data kind.

Actions (test, pause, resume, disconnect) are admin-only form posts with the CSRF token, like
the JSON API's. The backfill view is server-rendered from the plan; ``seller.js`` moves its bars
on ``sync_progress`` events and asks for a fresh copy of the region when a kind advances.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.errors import ConfigError, ContractChanged, TransientError
from shelfscope.seller import connections
from shelfscope.seller.dashboard.consent import allow_consent_forms
from shelfscope.seller.dashboard.health import backfill_runs, connection_health, workspace_health
from shelfscope.seller.dashboard.rendering import render_seller
from shelfscope.seller.runtime import runtime_for
from shelfscope.web.context import WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import back_to, user_errors
from shelfscope.web.pages.jobs import CANCELLABLE, RETRYABLE
from shelfscope.web.templating import redirect

__all__ = ["CONNECTIONS_PATH", "router"]

router = APIRouter(include_in_schema=False)

CONNECTIONS_PATH = "/seller/connections"


def _page(connection_id: int) -> str:
    return f"{CONNECTIONS_PATH}/{connection_id}"


@router.get("/seller")
def seller_home(request: Request, web: WebContextDep) -> Response:
    return redirect(request, CONNECTIONS_PATH)


@router.get(CONNECTIONS_PATH)
def connections_page(
    request: Request, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    response = render_seller(
        request,
        "seller/connections.html",
        web=web,
        tab="connections",
        healths=workspace_health(session, workspace_id=web.workspace.id),
    )
    return allow_consent_forms(response, platform.settings)


@router.get(CONNECTIONS_PATH + "/{connection_id}")
def connection_page(
    request: Request,
    connection_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
) -> Response:
    health = connection_health(session, workspace_id=web.workspace.id, connection_id=connection_id)
    response = render_seller(
        request,
        "seller/connection.html",
        web=web,
        tab="connections",
        health=health,
        runs=backfill_runs(session, workspace_id=web.workspace.id, connection_id=connection_id),
        cancellable=CANCELLABLE,
        retryable=RETRYABLE,
    )
    return allow_consent_forms(response, platform.settings)


@router.post(CONNECTIONS_PATH + "/{connection_id}/test")
def test_connection(
    request: Request, connection_id: IdPath, web: WebContextDep, platform: PlatformDep
) -> Response:
    try:
        web.principal.require(Role.ADMIN)
        marketplaces = connections.check_connection(
            runtime_for(platform), workspace_id=web.workspace.id, connection_id=connection_id
        )
    except (ConfigError, TransientError, ContractChanged) as exc:
        # Amazon refusing the grant also marks the connection "re-authorization needed".
        flash(request, "error", f"The connection test failed: {exc.message}")
    else:
        listed = ", ".join(marketplaces) or "no marketplaces"
        flash(request, "success", f"Amazon answered: the seller participates in {listed}")
    return redirect(request, _back(request, connection_id))


@router.post(CONNECTIONS_PATH + "/{connection_id}/pause")
def pause(request: Request, connection_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    return _set_paused(request, web=web, session=session, connection_id=connection_id, paused=True)


@router.post(CONNECTIONS_PATH + "/{connection_id}/resume")
def resume(request: Request, connection_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    return _set_paused(request, web=web, session=session, connection_id=connection_id, paused=False)


def _set_paused(
    request: Request, *, web: WebContextDep, session: SessionDep, connection_id: int, paused: bool
) -> Response:
    success = (
        "Syncing paused; nothing is fetched until you resume"
        if paused
        else "Syncing resumed; remaining windows are picked up at the next scheduler tick"
    )
    with user_errors(request, session, success=success):
        web.principal.require(Role.ADMIN)
        connections.set_paused(
            session, workspace_id=web.workspace.id, connection_id=connection_id, paused=paused
        )
    return redirect(request, _back(request, connection_id))


@router.post(CONNECTIONS_PATH + "/{connection_id}/disconnect")
def disconnect(request: Request, connection_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    success = "Disconnected: the stored Amazon authorization was deleted; the ledger is kept"
    with user_errors(request, session, success=success):
        web.principal.require(Role.ADMIN)
        connections.disconnect(session, workspace_id=web.workspace.id, connection_id=connection_id)
    return redirect(request, _back(request, connection_id))


def _back(request: Request, connection_id: int) -> str:
    return back_to(request, default=_page(connection_id), prefix=CONNECTIONS_PATH)
