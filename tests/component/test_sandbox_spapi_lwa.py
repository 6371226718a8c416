"""LWA in the sandbox: consent, code exchange, refresh, LWA's errors, revocation and expiry."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from shelfscope.sandbox.spapi import DEMO_APP
from shelfscope.sandbox.spapi.contract import ModelContract
from tests.component.test_sandbox_spapi_helpers import (
    REDIRECT_URI,
    Connection,
    Sandbox,
    assert_matches,
    consent_code,
    exchange,
    models,
    sandbox,
    seller,
)

__all__ = ["models", "sandbox", "seller"]

INVALID_CODE = {
    "error_description": "The request has an invalid grant parameter : code",
    "error": "invalid_grant",
}
REVOKED = {
    "error_description": (
        "The request has an invalid grant parameter : refresh_token. "
        "User may have revoked or didn't grant the permission."
    ),
    "error": "invalid_grant",
}
EXPIRED_BODY = {
    "errors": [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "The access token you provided has expired.",
        }
    ]
}


def test_consent_redirects_with_code_seller_and_state_then_code_and_refresh_grants_work(
    sandbox: Sandbox,
) -> None:
    callback = consent_code(sandbox, state="signed-state-42")
    assert callback["state"] == "signed-state-42"
    assert callback["selling_partner_id"] == sandbox.world.seller.selling_partner_id
    assert re.fullmatch(r"AN[0-9A-F]{18}", callback["spapi_oauth_code"])

    grant = exchange(
        sandbox, grant_type="authorization_code", code=callback["spapi_oauth_code"], redirect_uri=REDIRECT_URI
    )
    assert grant.status_code == 200
    body = grant.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["access_token"].startswith("Atza|")
    assert body["refresh_token"].startswith("Atzr|")

    refreshed = exchange(sandbox, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert refreshed.status_code == 200
    assert refreshed.json()["refresh_token"] == body["refresh_token"]
    assert refreshed.json()["access_token"] not in (body["access_token"], "")
    participations = sandbox.http.get(
        "/spapi/na/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": refreshed.json()["access_token"]},
    )
    assert participations.status_code == 200


def test_an_authorization_code_works_once_and_only_for_five_minutes(sandbox: Sandbox) -> None:
    code = consent_code(sandbox)["spapi_oauth_code"]
    assert exchange(sandbox, grant_type="authorization_code", code=code).status_code == 200
    reused = exchange(sandbox, grant_type="authorization_code", code=code)
    assert (reused.status_code, reused.json()) == (400, INVALID_CODE)

    late = consent_code(sandbox)["spapi_oauth_code"]
    sandbox.advance(301)
    expired = exchange(sandbox, grant_type="authorization_code", code=late)
    assert (expired.status_code, expired.json()) == (400, INVALID_CODE)


def test_code_exchange_with_another_redirect_uri_is_an_invalid_grant(sandbox: Sandbox) -> None:
    code = consent_code(sandbox)["spapi_oauth_code"]
    response = exchange(
        sandbox, grant_type="authorization_code", code=code, redirect_uri="https://evil.example/cb"
    )
    assert (response.status_code, response.json()) == (400, INVALID_CODE)


def test_wrong_client_secret_is_invalid_client_401(sandbox: Sandbox) -> None:
    response = sandbox.http.post(
        "/lwa/auth/o2/token",
        data={"grant_type": "refresh_token", "refresh_token": "Atzr|x", "client_id": DEMO_APP.client_id},
    )
    assert response.status_code == 401
    assert response.json() == {"error_description": "Client authentication failed", "error": "invalid_client"}


def test_unknown_grant_type_and_missing_parameters_are_reported_like_lwa(sandbox: Sandbox) -> None:
    unsupported = exchange(sandbox, grant_type="password")
    assert unsupported.status_code == 400
    assert unsupported.json()["error"] == "unsupported_grant_type"
    missing = exchange(sandbox, grant_type="authorization_code")
    assert missing.json() == {
        "error_description": "The request is missing a required parameter : code",
        "error": "invalid_request",
    }


def test_revoked_consent_turns_the_next_refresh_into_invalid_grant(
    sandbox: Sandbox, seller: Connection
) -> None:
    assert (
        exchange(sandbox, grant_type="refresh_token", refresh_token=seller.refresh_token).status_code == 200
    )
    revoked = sandbox.http.post(
        "/lwa/_control/revoke", json={"selling_partner_id": seller.selling_partner_id}
    )
    assert revoked.json() == {"revoked": 1}
    response = exchange(sandbox, grant_type="refresh_token", refresh_token=seller.refresh_token)
    assert (response.status_code, response.json()) == (400, REVOKED)


def test_access_tokens_expire_after_an_hour_of_sandbox_time(sandbox: Sandbox, seller: Connection) -> None:
    path = "/sellers/v1/marketplaceParticipations"
    assert seller.get(path).status_code == 200
    sandbox.advance(3600)
    expired = seller.get(path)
    assert (expired.status_code, expired.json()) == (403, EXPIRED_BODY)
    assert "x-amzn-RateLimit-Limit" not in expired.headers


def test_expire_control_ends_access_tokens_early_and_refresh_recovers(
    sandbox: Sandbox, seller: Connection
) -> None:
    assert sandbox.http.post("/lwa/_control/expire-access-tokens", json={}).json()["expired"] >= 1
    assert seller.get("/sellers/v1/marketplaceParticipations").json() == EXPIRED_BODY
    seller.access_token = exchange(
        sandbox, grant_type="refresh_token", refresh_token=seller.refresh_token
    ).json()["access_token"]
    assert seller.get("/sellers/v1/marketplaceParticipations").status_code == 200


def test_missing_and_unknown_access_tokens_are_403_unauthorized(sandbox: Sandbox) -> None:
    missing = sandbox.http.get("/spapi/na/sellers/v1/marketplaceParticipations")
    assert missing.status_code == 403
    assert missing.json()["errors"][0] == {
        "code": "Unauthorized",
        "message": "Access to requested resource is denied.",
        "details": "Access token is missing in the request header.",
    }
    forged = sandbox.http.get(
        "/spapi/na/sellers/v1/marketplaceParticipations", headers={"x-amz-access-token": "Atza|forged"}
    )
    assert forged.status_code == 403
    assert forged.json()["errors"][0]["code"] == "Unauthorized"


def test_a_consent_covers_its_region_only(sandbox: Sandbox) -> None:
    europe = Connection(sandbox, region="EU")
    assert europe.get("/sellers/v1/marketplaceParticipations").status_code == 200
    north_america = sandbox.http.get(
        "/spapi/na/sellers/v1/marketplaceParticipations", headers={"x-amz-access-token": europe.access_token}
    )
    assert north_america.status_code == 403


def test_consent_page_shows_a_confirm_button_when_not_in_demo_mode(sandbox: Sandbox) -> None:
    assert sandbox.http.post("/lwa/_control", json={"auto_approve": False}).json() == {"auto_approve": False}
    query = {
        "application_id": DEMO_APP.application_id,
        "state": "s9",
        "redirect_uri": REDIRECT_URI,
        "version": "beta",
    }
    page = sandbox.http.get("/lwa/eu/apps/authorize/consent", params=query)
    assert page.status_code == 200
    assert "<button id=approve type=submit>Confirm</button>" in page.text
    assert 'action="/lwa/eu/apps/authorize/confirm"' in page.text
    confirmed = sandbox.http.post("/lwa/eu/apps/authorize/confirm", data={**query, "consent": "yes"})
    assert confirmed.status_code == 302
    callback = parse_qs(urlsplit(confirmed.headers["location"]).query)
    assert callback["state"] == ["s9"]
    code = callback["spapi_oauth_code"][0]
    grant = exchange(sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI).json()
    europe = sandbox.http.get(
        "/spapi/eu/sellers/v1/marketplaceParticipations",
        headers={"x-amz-access-token": grant["access_token"]},
    )
    assert [entry["marketplace"]["countryCode"] for entry in europe.json()["payload"]] == [
        "GB",
        "DE",
        "FR",
        "IT",
        "ES",
    ]


def test_draft_app_without_version_beta_gets_an_error_page(sandbox: Sandbox) -> None:
    page = sandbox.http.get(
        "/lwa/apps/authorize/consent",
        params={"application_id": DEMO_APP.application_id, "state": "s", "redirect_uri": REDIRECT_URI},
    )
    assert page.status_code == 400
    assert "version=beta" in page.text


def test_registered_app_must_use_its_redirect_uri(sandbox: Sandbox) -> None:
    application_id = "amzn1.sp.solution.test"
    app = {
        "application_id": application_id,
        "client_id": "amzn1.application-oa2-client.test",
        "client_secret": "secret",
        "draft": False,
        "redirect_uris": ["https://a.example/cb"],
    }
    assert sandbox.http.post("/lwa/_apps", json=app).status_code == 201
    wrong = sandbox.http.get(
        "/lwa/apps/authorize/consent",
        params={
            "application_id": application_id,
            "state": "s",
            "redirect_uri": "https://b.example/cb",
        },
    )
    assert wrong.status_code == 400
    right = sandbox.http.get(
        "/lwa/apps/authorize/consent", params={"application_id": application_id, "state": "s"}
    )
    assert right.headers["location"].startswith("https://a.example/cb?state=s&")


def test_marketplace_participations_match_the_sellers_model(
    seller: Connection, models: dict[str, ModelContract]
) -> None:
    response = seller.get("/sellers/v1/marketplaceParticipations")
    assert response.headers["x-amzn-RateLimit-Limit"] == "0.016"
    assert_matches(models["sellers"], "GetMarketplaceParticipationsResponse", response.json())
    assert [entry["marketplace"]["id"] for entry in response.json()["payload"]] == [
        "ATVPDKIKX0DER",
        "A2EUQ1WTGCTBG2",
    ]
