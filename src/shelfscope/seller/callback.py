"""``GET /api/amazon/oauth-callback``: where Seller Central sends the seller after consent.

It sits outside ``/api/v1`` because the redirect URI is registered with Amazon once and must not
move with API versions. The signed state identifies the workspace; no session is required.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from shelfscope.api.deps import PlatformDep
from shelfscope.seller.oauth import connect_and_backfill
from shelfscope.seller.runtime import runtime_for

__all__ = ["router"]

router = APIRouter(tags=["seller"])


@router.get("/api/amazon/oauth-callback", summary="Amazon's OAuth redirect after the seller consents")
async def oauth_callback(
    platform: PlatformDep,
    state: Annotated[str, Query(max_length=200)],
    spapi_oauth_code: Annotated[str, Query(max_length=2048)],
    selling_partner_id: Annotated[str, Query(max_length=64)],
) -> RedirectResponse:
    connection, run_id = await run_in_threadpool(
        connect_and_backfill,
        runtime_for(platform),
        state=state,
        code=spapi_oauth_code,
        selling_partner_id=selling_partner_id,
    )
    return RedirectResponse(f"/jobs/{run_id}?seller_connection={connection.id}", status_code=303)
