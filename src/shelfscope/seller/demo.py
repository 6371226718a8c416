"""The demo's seller account: the demo workspace connected to the sandbox's seller, backfill queued.

It goes through the real consent flow: a signed state, the sandbox's Seller Central consent
page (which approves at once in demo mode), the LWA code exchange and the marketplace
participations, then the backfill plan and its high-priority run, exactly as the OAuth callback
does. The dashboard is not listening yet while the demo is seeded, so the redirect the consent
page answers with is read here instead of being followed.

It only acts when the seller connector talks to the sandbox (``serve --demo`` with the seller
URLs pointed at it): a real Seller Central is never contacted on anyone's behalf.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from shelfscope.errors import ShelfscopeError, UpstreamUnavailable
from shelfscope.fetch import ApiHttp
from shelfscope.logs import get_logger
from shelfscope.platform import Platform
from shelfscope.seller.oauth import connect_and_backfill, consent_url
from shelfscope.seller.runtime import runtime_for

__all__ = ["seed_demo", "seller_in_sandbox"]

log = get_logger(__name__)

DEMO_REGION = "NA"


def seller_in_sandbox(platform: Platform) -> bool:
    """Whether Seller Central, for the demo region, is the sandbox's simulator."""
    sandbox_url = platform.settings.sandbox.url
    consent = platform.settings.seller.consent_urls.get(DEMO_REGION, "")
    return bool(sandbox_url) and consent.startswith(str(sandbox_url).rstrip("/"))


def _approve(url: str) -> dict[str, str]:
    """Open the consent page; the sandbox answers with the redirect to our callback."""
    with ApiHttp(timeout=30.0) as http:
        answer = http.request(
            "GET",
            url,
            timeout_message="the sandbox consent page did not answer in time",
            unreachable_message="the sandbox consent page is unreachable",
        )
    location = answer.headers.get("location")
    if answer.status_code != 302 or not location:
        raise UpstreamUnavailable(
            f"the sandbox consent page answered HTTP {answer.status_code}, not a redirect"
        )
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def seed_demo(session: Session, platform: Platform, *, workspace_id: int, owner_id: int) -> None:
    """Connect the demo workspace to the sandbox seller and queue its backfill."""
    if not seller_in_sandbox(platform):
        log.info("seller.demo_skipped", reason="the seller connector does not point at the sandbox")
        return
    url = consent_url(
        session,
        settings=platform.settings,
        workspace_id=workspace_id,
        user_id=owner_id,
        region=DEMO_REGION,
        now=platform.clock.now(),
    )
    # The callback reads the workspace and the state from its own transactions.
    session.commit()
    try:
        callback = _approve(url)
        connection, run_id = connect_and_backfill(
            runtime_for(platform),
            state=callback.get("state", ""),
            code=callback.get("spapi_oauth_code", ""),
            selling_partner_id=callback.get("selling_partner_id", ""),
        )
    except ShelfscopeError as exc:  # the rest of the demo still works without a seller account
        log.warning("seller.demo_not_connected", error=exc.message)
        return
    log.info("seller.demo_connected", connection_id=connection.id, run_id=run_id)
