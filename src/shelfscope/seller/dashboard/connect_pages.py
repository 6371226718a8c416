"""The "Connect Amazon" page: pick a region, go to Seller Central, come back connected.

The form posts here; shelfscope issues a signed single-use state and redirects the browser to
the region's consent page. Amazon sends the seller back to ``/api/amazon/oauth-callback``,
which lands on the new connection's page (or back here with the reason it failed).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.auth.principal import Role
from shelfscope.platform import Platform
from shelfscope.seller.dashboard.consent import allow_consent_forms
from shelfscope.seller.dashboard.health import workspace_health
from shelfscope.seller.dashboard.labels import REGION_LABELS
from shelfscope.seller.dashboard.rendering import render_seller
from shelfscope.seller.oauth import REGIONS, consent_url
from shelfscope.web.context import WebContextDep
from shelfscope.web.forms import user_errors
from shelfscope.web.templating import redirect

__all__ = ["CONNECT_PATH", "router"]

router = APIRouter(include_in_schema=False)

CONNECT_PATH = "/seller/connect"


def sandbox_consent(platform: Platform) -> bool:
    """Whether the consent page is the sandbox's, which approves at once in demo mode."""
    sandbox = platform.settings.sandbox
    urls = platform.settings.seller.consent_urls.values()
    return bool(sandbox.url) and any(url.startswith(str(sandbox.url)) for url in urls)


@router.get(CONNECT_PATH)
def connect_page(
    request: Request,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    region: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    chosen = (region or "NA").upper()
    response = render_seller(
        request,
        "seller/connect.html",
        web=web,
        tab="connections",
        regions=[(code, REGION_LABELS[code]) for code in REGIONS],
        chosen=chosen if chosen in REGIONS else "NA",
        reconnecting=region is not None,
        configured=bool(platform.settings.seller.application_id),
        sandbox=sandbox_consent(platform),
        connections=workspace_health(session, workspace_id=web.workspace.id),
        can_connect=web.is_admin,
        months=platform.settings.seller.history_months,
    )
    return allow_consent_forms(response, platform.settings)


@router.post(CONNECT_PATH)
def start_connect(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    region: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    with user_errors(request, session) as outcome:
        web.principal.require(Role.ADMIN)
        url = consent_url(
            session,
            settings=platform.settings,
            workspace_id=web.workspace.id,
            user_id=web.principal.user_id,
            region=region,
            now=platform.clock.now(),
        )
    if not outcome.ok:
        return redirect(request, CONNECT_PATH)
    return RedirectResponse(url, status_code=303)
