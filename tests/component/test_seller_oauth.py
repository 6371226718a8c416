"""Connect Amazon against the LWA + SP-API sandbox: consent, state, code exchange, token lifecycle."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from shelfscope.alerts.models import Notification
from shelfscope.db import Database
from shelfscope.errors import AuthorizationRevoked, Conflict, InvalidInput
from shelfscope.seller.models import ConnectionStatus, SellerConnection
from shelfscope.seller.oauth import complete_consent, consent_url
from shelfscope.settings import Settings
from tests.component.test_seller_support import SellerSandbox, connect, consent_redirect, seller_sandbox


@pytest.fixture
def sandbox(settings: Settings, sqlite_db: Database) -> Iterator[SellerSandbox]:
    with seller_sandbox(settings, sqlite_db) as running:
        yield running


def _url(sandbox: SellerSandbox, region: str = "NA") -> str:
    with sandbox.platform.db.session() as session:
        return consent_url(
            session,
            settings=sandbox.platform.settings,
            workspace_id=sandbox.workspace_id,
            user_id=None,
            region=region,
            now=sandbox.clock.now(),
        )


def test_consent_url_carries_app_state_redirect_and_beta_for_a_draft_app(sandbox: SellerSandbox) -> None:
    query = parse_qs(urlsplit(_url(sandbox, "EU")).query)
    assert query["application_id"] == [sandbox.platform.settings.seller.application_id]
    assert query["version"] == ["beta"]
    assert query["redirect_uri"] == [sandbox.platform.settings.seller.redirect_url]
    assert "." in query["state"][0]
    assert urlsplit(_url(sandbox, "EU")).path.startswith("/lwa/eu/")


def test_callback_stores_an_encrypted_refresh_token_and_the_marketplaces(sandbox: SellerSandbox) -> None:
    connection = connect(sandbox)
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection.id)
        assert stored is not None
        assert stored.status == ConnectionStatus.ACTIVE
        assert stored.selling_partner_id == sandbox.world.seller.selling_partner_id
        assert stored.refresh_token is not None and not stored.refresh_token.startswith("Atzr|")
        assert sandbox.platform.vault.decrypt(stored.refresh_token).startswith("Atzr|")
        assert "ATVPDKIKX0DER" in stored.marketplace_ids


def test_a_state_works_once(sandbox: SellerSandbox) -> None:
    callback = consent_redirect(_url(sandbox))
    complete_consent(
        sandbox.runtime,
        state=callback["state"],
        code=callback["spapi_oauth_code"],
        selling_partner_id=callback["selling_partner_id"],
    )
    with pytest.raises(Conflict):
        complete_consent(
            sandbox.runtime,
            state=callback["state"],
            code=callback["spapi_oauth_code"],
            selling_partner_id=callback["selling_partner_id"],
        )


def test_a_forged_state_is_refused(sandbox: SellerSandbox) -> None:
    callback = consent_redirect(_url(sandbox))
    nonce = callback["state"].split(".")[0]
    with pytest.raises(InvalidInput):
        complete_consent(
            sandbox.runtime, state=f"{nonce}.00ff", code=callback["spapi_oauth_code"], selling_partner_id="A1"
        )


def test_an_expired_state_is_refused(sandbox: SellerSandbox) -> None:
    callback = consent_redirect(_url(sandbox))
    sandbox.clock.advance(sandbox.platform.settings.seller.state_ttl_seconds + 60)
    with pytest.raises(Conflict):
        complete_consent(
            sandbox.runtime,
            state=callback["state"],
            code=callback["spapi_oauth_code"],
            selling_partner_id=callback["selling_partner_id"],
        )


def test_an_expired_access_token_is_refreshed_once_and_the_call_succeeds(sandbox: SellerSandbox) -> None:
    connection = connect(sandbox)
    client = sandbox.runtime.client_for(connection)
    client.marketplace_participations()
    httpx.post(sandbox.server.url + "/lwa/_control/expire-access-tokens", json={}).raise_for_status()
    assert b"ATVPDKIKX0DER" in client.marketplace_participations()


def test_revoked_consent_marks_the_connection_and_notifies(sandbox: SellerSandbox) -> None:
    connection = connect(sandbox)
    client = sandbox.runtime.client_for(connection)
    httpx.post(sandbox.server.url + "/lwa/_control/revoke", json={}).raise_for_status()
    httpx.post(sandbox.server.url + "/lwa/_control/expire-access-tokens", json={}).raise_for_status()
    with pytest.raises(AuthorizationRevoked):
        client.marketplace_participations()
    with sandbox.platform.db.session() as session:
        stored = session.get(SellerConnection, connection.id)
        assert stored is not None
        assert stored.status == ConnectionStatus.REAUTH_NEEDED
        assert "invalid grant" in (stored.last_error or "")
        kinds = session.scalars(select(Notification.kind)).all()
        assert "seller_reauth" in kinds
