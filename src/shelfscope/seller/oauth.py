"""The "Connect Amazon" flow: a consent URL with a signed single-use state, and its callback.

The ``state`` is ``<nonce>.<hmac>``: the HMAC (keyed by the installation's secret key) proves we
issued it, the stored nonce makes it expire and work once. Seller Central sends it back with
``spapi_oauth_code`` (valid five minutes) and ``selling_partner_id``; the code is exchanged at
LWA, the refresh token goes to the vault, and the seller's marketplace participations say which
marketplaces of the region to sync.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlencode

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from shelfscope.errors import Conflict, InvalidInput
from shelfscope.seller.connections import queue_backfill
from shelfscope.seller.models import ConnectionStatus, OAuthState, SellerConnection
from shelfscope.seller.runtime import SellerRuntime
from shelfscope.seller.spapi import parse_marketplace_participations
from shelfscope.settings import Settings

__all__ = [
    "REGIONS",
    "ConsentGrant",
    "complete_consent",
    "connect_and_backfill",
    "consent_url",
    "consume_state",
]

REGIONS = ("NA", "EU", "FE")


@dataclass(frozen=True)
class ConsentGrant:
    workspace_id: int
    user_id: int | None
    region: str


def _signature(settings: Settings, nonce: str) -> str:
    key = settings.secret_key_value().encode()
    return hmac.new(key, f"seller-oauth:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def consent_url(
    session: Session,
    *,
    settings: Settings,
    workspace_id: int,
    user_id: int | None,
    region: str,
    now: datetime,
) -> str:
    """Seller Central's consent page for ``region``, carrying a fresh state."""
    region = region.upper()
    if region not in REGIONS:
        raise InvalidInput("region must be NA, EU or FE", field="region")
    seller = settings.seller
    if not seller.application_id:
        raise InvalidInput("the SP-API application id is not configured (SHELFSCOPE_SELLER__APPLICATION_ID)")
    nonce = secrets.token_urlsafe(24)
    session.add(
        OAuthState(
            nonce=nonce,
            workspace_id=workspace_id,
            user_id=user_id,
            region=region,
            expires_at=now + timedelta(seconds=seller.state_ttl_seconds),
        )
    )
    query = {
        "application_id": seller.application_id,
        "state": f"{nonce}.{_signature(settings, nonce)}",
        "redirect_uri": seller.redirect_url,
    }
    if seller.application_draft:
        query["version"] = "beta"  # Amazon refuses to authorize a Draft app without it
    return f"{seller.consent_urls[region].rstrip('/')}/apps/authorize/consent?{urlencode(query)}"


def consume_state(session: Session, *, settings: Settings, state: str, now: datetime) -> ConsentGrant:
    """Check and burn a state: forged → InvalidInput; reused or expired → Conflict."""
    nonce, _, signature = state.partition(".")
    if not nonce or not hmac.compare_digest(signature, _signature(settings, nonce)):
        raise InvalidInput("the authorization state is not one shelfscope issued", field="state")
    result = cast(
        "CursorResult[object]",
        session.execute(
            update(OAuthState)
            .where(OAuthState.nonce == nonce, OAuthState.used_at.is_(None), OAuthState.expires_at > now)
            .values(used_at=now)
        ),
    )
    if result.rowcount != 1:
        raise Conflict("this authorization link was already used or has expired; start again")
    row = session.get(OAuthState, nonce)
    assert row is not None
    return ConsentGrant(workspace_id=row.workspace_id, user_id=row.user_id, region=row.region)


def complete_consent(
    runtime: SellerRuntime, *, state: str, code: str, selling_partner_id: str
) -> SellerConnection:
    """The callback: burn the state, exchange the code, store the connection and its marketplaces."""
    platform = runtime.platform
    if not code or not selling_partner_id:
        raise InvalidInput("the callback lacks spapi_oauth_code or selling_partner_id")
    # Burn the state in its own transaction: whatever happens next, the link is spent.
    with platform.db.session() as session:
        grant = consume_state(session, settings=platform.settings, state=state, now=platform.clock.now())
    tokens = runtime.lwa.exchange_code(code)
    if tokens.refresh_token is None:
        raise InvalidInput("Login with Amazon returned no refresh token for the authorization code")
    with platform.db.session() as session:
        connection = session.scalars(
            select(SellerConnection).where(
                SellerConnection.workspace_id == grant.workspace_id,
                SellerConnection.region == grant.region,
                SellerConnection.selling_partner_id == selling_partner_id,
            )
        ).one_or_none()
        if connection is None:
            connection = SellerConnection(
                workspace_id=grant.workspace_id, region=grant.region, selling_partner_id=selling_partner_id
            )
            session.add(connection)
        connection.refresh_token = platform.vault.encrypt(tokens.refresh_token)
        connection.status = ConnectionStatus.ACTIVE.value
        connection.last_error = None
        session.flush()
    runtime.tokens.invalidate(connection.id)
    participations = parse_marketplace_participations(
        runtime.client_for(connection).marketplace_participations()
    )
    marketplace_ids = sorted(p.marketplace_id for p in participations if p.is_participating)
    with platform.db.session() as session:
        session.execute(
            update(SellerConnection)
            .where(SellerConnection.id == connection.id)
            .values(marketplace_ids=marketplace_ids)
        )
    connection.marketplace_ids = marketplace_ids
    return connection


def connect_and_backfill(
    runtime: SellerRuntime, *, state: str, code: str, selling_partner_id: str
) -> tuple[SellerConnection, int]:
    """The whole callback: the connection, then its backfill planned and queued at high priority."""
    connection = complete_consent(runtime, state=state, code=code, selling_partner_id=selling_partner_id)
    with runtime.platform.db.session() as session:
        stored = session.get(SellerConnection, connection.id)
        assert stored is not None
        run_id = queue_backfill(session, runtime.platform, connection=stored)
    return connection, run_id
