"""Pure helpers of the seller pages: labels, money, consent failure messages, ledger filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from starlette.responses import Response

from shelfscope.errors import AuthorizationRevoked, Conflict, InvalidInput, UpstreamUnavailable
from shelfscope.seller.dashboard.consent import allow_consent_forms, denied_message, failure_message
from shelfscope.seller.dashboard.labels import format_money, kind_label, marketplace_label, tone_of
from shelfscope.seller.dashboard.ledger_query import LedgerFilters
from shelfscope.settings import Settings


def test_money_keeps_its_currency_and_rounds_only_for_display() -> None:
    assert format_money(Decimal("1234.505"), "USD") == "1,234.51 USD"
    assert format_money(Decimal("-2.0500"), "JPY") == "-2.05 JPY"
    assert format_money(None, "EUR") == "\u2013"


def test_labels_and_tones_cover_connection_window_and_case_statuses() -> None:
    assert marketplace_label("ATVPDKIKX0DER") == "US (amazon.com)"
    assert marketplace_label("UNKNOWN1") == "UNKNOWN1"
    assert kind_label("orders") == "All orders" and kind_label("new_kind") == "New kind"
    assert [tone_of(s) for s in ("active", "reauth_needed", "fatal_retry", "paid", "open")] == [
        "succeeded",
        "failed",
        "partial",
        "succeeded",
        "running",
    ]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (Conflict("spent"), "already used or has expired"),
        (AuthorizationRevoked("invalid_grant"), "valid for five minutes and works once"),
        (InvalidInput("forged", field="state"), "did not start from this shelfscope"),
        (UpstreamUnavailable("LWA down"), "Try again shortly"),
    ],
)
def test_each_callback_failure_gets_its_own_sentence(error: Exception, expected: str) -> None:
    assert isinstance(error, Conflict | AuthorizationRevoked | InvalidInput | UpstreamUnavailable)
    assert expected in failure_message(error)


def test_a_denied_consent_says_nothing_was_connected() -> None:
    assert "nothing was connected" in denied_message("access_denied")
    assert denied_message("server_error", "try later") == (
        "Amazon did not complete the authorization (server_error). try later"
    )


def test_the_connect_page_may_post_on_to_seller_central_only() -> None:
    response = allow_consent_forms(Response(), Settings(dev=True))
    policy = response.headers["content-security-policy"]
    assert policy.endswith(
        "form-action 'self' https://sellercentral-europe.amazon.com https://sellercentral.amazon.co.jp "
        "https://sellercentral.amazon.com"
    )
    assert "default-src 'self'" in policy


def test_ledger_filters_read_the_query_string_and_refuse_bad_values() -> None:
    filters = LedgerFilters.from_query(
        item=" B0SKU ", date_from="2026-03-01", date_to="2026-03-31", connection="4"
    )
    assert filters == LedgerFilters(
        connection_id=4, item="B0SKU", date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)
    )
    assert filters.query_params() == {
        "connection": "4",
        "item": "B0SKU",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    assert not LedgerFilters.from_query(source="", item="  ").active
    with pytest.raises(InvalidInput, match="date like"):
        LedgerFilters.from_query(date_from="31/03/2026")
    with pytest.raises(InvalidInput, match="ends before it starts"):
        LedgerFilters.from_query(date_from="2026-03-31", date_to="2026-03-01")
    with pytest.raises(InvalidInput, match="connection id"):
        LedgerFilters.from_query(connection="abc")
