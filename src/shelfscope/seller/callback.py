"""``GET /api/amazon/oauth-callback``: where Seller Central sends the seller after consent.

It sits outside ``/api/v1`` because the redirect URI is registered with Amazon once and must not
move with API versions. The signed state identifies the workspace; no session is required.
A browser lands on the new connection's page, or back on "Connect Amazon" with the reason it
failed (denied consent, a spent or expired link, a code Amazon no longer accepts); other
clients get the usual JSON error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from shelfscope.api.deps import PlatformDep
from shelfscope.errors import InvalidInput, ShelfscopeError
from shelfscope.seller.dashboard.connect_pages import CONNECT_PATH
from shelfscope.seller.dashboard.connection_pages import CONNECTIONS_PATH
from shelfscope.seller.dashboard.consent import denied_message, failure_message
from shelfscope.seller.oauth import connect_and_backfill
from shelfscope.seller.runtime import runtime_for
from shelfscope.web.flash import flash
from shelfscope.web.templating import redirect

__all__ = ["router"]

router = APIRouter(tags=["seller"])


def _browser(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


@router.get("/api/amazon/oauth-callback", summary="Amazon's OAuth redirect after the seller consents")
async def oauth_callback(
    request: Request,
    *,
    platform: PlatformDep,
    state: Annotated[str, Query(max_length=200)] = "",
    spapi_oauth_code: Annotated[str, Query(max_length=2048)] = "",
    selling_partner_id: Annotated[str, Query(max_length=64)] = "",
    error: Annotated[
        str | None, Query(max_length=100, description="OAuth error, e.g. access_denied.")
    ] = None,
    error_description: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    try:
        if error:
            raise InvalidInput(denied_message(error, error_description))
        connection, run_id = await run_in_threadpool(
            connect_and_backfill,
            runtime_for(platform),
            state=state,
            code=spapi_oauth_code,
            selling_partner_id=selling_partner_id,
        )
    except ShelfscopeError as exc:
        if not _browser(request):
            raise
        flash(request, "error", exc.message if error else failure_message(exc))
        return redirect(request, CONNECT_PATH)
    markets, months = len(connection.marketplace_ids), platform.settings.seller.history_months
    flash(
        request,
        "success",
        f"Amazon connected ({markets} marketplaces); the {months}-month backfill is queued",
    )
    return redirect(request, f"{CONNECTIONS_PATH}/{connection.id}?run={run_id}")
