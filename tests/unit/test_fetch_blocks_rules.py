"""Block rules as data: the tables' shape, the matchers, and the pages no real fixture covers.

The dogs page, the bm-verify interstitial, the Cloudflare walls and TikTok's region error have
no saved real example; these pages are written from their documented markers and say so.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shelfscope.fetch import BlockDetector, Request, Site
from shelfscope.fetch.blocks import AMAZON_RULES, DEFAULT_RULES, SHOPEE_RULES, TIKTOK_RULES, VENDOR_RULES
from shelfscope.fetch.blocks.rules import All, AnyOf, Contains, FirstPage, Json, Not, Page, Title

NOW = datetime(2026, 11, 22, tzinfo=UTC)
DETECTOR = BlockDetector()


def page(
    body: bytes, *, url: str = "https://www.amazon.com/s?k=x", status: int = 200, **request: object
) -> Page:
    return Page(request=Request(url=url, **request), status=status, headers=(), body=body, now=NOW)  # type: ignore[arg-type]


def kind_of(
    site: Site, body: bytes, *, status: int = 200, url: str = "https://www.amazon.com/s?k=x"
) -> str | None:
    rule = DETECTOR.classify_page(page(body, url=url, status=status, site=site))
    return rule.kind if rule else None


@pytest.mark.parametrize("table", [AMAZON_RULES, SHOPEE_RULES, TIKTOK_RULES, VENDOR_RULES])
def test_every_rule_has_a_unique_kind_and_an_explanation(table: tuple[object, ...]) -> None:
    kinds = [rule.kind for rule in table]  # type: ignore[attr-defined]
    assert len(kinds) == len(set(kinds))
    assert all(rule.why for rule in table)  # type: ignore[attr-defined]


def test_each_site_is_checked_against_vendor_walls_first() -> None:
    for site in Site:
        assert DETECTOR.rules_for(site) == (*VENDOR_RULES, *DEFAULT_RULES[site])


def test_the_503_dogs_page_is_a_block_but_a_plain_503_is_not() -> None:
    # Synthetic: the markers of Amazon's 503 page (title, automated-access comment, dog image path).
    dogs = (
        b"<html><head><title>Sorry! Something went wrong!</title></head><body>"
        b"<!-- To discuss automated access to Amazon data please contact api-services-support@amazon.com. -->"
        b'<img src="https://images-na.ssl-images-amazon.com/images/G/01/error/dogs/500_503.png"></body></html>'
    )
    assert kind_of(Site.AMAZON, dogs, status=503) == "dogs_503"
    assert kind_of(Site.AMAZON, b"<html><title>Service Unavailable</title></html>", status=503) is None


def test_the_robot_check_template_without_a_form_is_still_a_block() -> None:
    body = b"<html><!-- To discuss automated access to Amazon data please contact api-services-support@amazon.com. --></html>"
    assert kind_of(Site.AMAZON, body) == "robot_check"


def test_the_akamai_bm_verify_interstitial_is_a_block_on_any_site() -> None:
    # Synthetic: a meta refresh and the token post to /_sec/verify that the interstitial makes.
    body = (
        b'<html><head><meta http-equiv="refresh" content="5; URL=\'/s?k=x&bm-verify=AAQAAAAJ\'"></head>'
        b'<body><script>fetch("/_sec/verify?provider=interstitial",{method:"POST"})</script></body></html>'
    )
    assert kind_of(Site.AMAZON, body) == "akamai_bm_verify"
    assert kind_of(Site.GENERIC, body, url="https://example.com/") == "akamai_bm_verify"


def test_cloudflare_walls_need_their_title_not_just_the_platform_script() -> None:
    challenge = b"<html><head><title>Just a moment...</title></head><script src='/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1'></script></html>"
    assert kind_of(Site.GENERIC, challenge, url="https://example.com/") == "cloudflare_challenge"
    normal = b"<html><head><title>Acme Widgets</title></head><script src='/cdn-cgi/challenge-platform/scripts/jsd/main.js'></script></html>"
    assert kind_of(Site.GENERIC, normal, url="https://example.com/") is None
    blocked = b"<html><head><title>Attention Required! | Cloudflare</title></head></html>"
    assert kind_of(Site.GENERIC, blocked, url="https://example.com/") == "cloudflare_block"


def test_a_page_loading_the_aws_waf_sdk_is_not_a_challenge() -> None:
    body = b'<html><title>Shop</title><script src="https://abc.token.awswaf.com/abc/challenge.js"></script></html>'
    assert kind_of(Site.GENERIC, body, url="https://example.com/") is None


def test_tiktok_region_error_is_a_block() -> None:
    body = b'{"product_info":{"error_code":23002102,"error_message":"product not for sale in this region"}}'
    assert kind_of(Site.TIKTOK, body, url="https://www.tiktok.com/view/product/1") == "region_blocked"


def test_a_tiktok_not_found_without_a_risk_score_is_not_a_block() -> None:
    body = b'{"basic_info":{"risk_level":"low"},"product_info":{"error_code":23002002}}'
    assert kind_of(Site.TIKTOK, body, url="https://www.tiktok.com/view/product/1") is None


def test_matchers_combine_and_compute_lazily() -> None:
    sample = page(
        b"<HTML><TITLE> Robot Check </TITLE>{not json",
        url="https://shopee.vn/api/v4/search/search_items?newest=0",
    )
    assert Contains(b"robot check")(sample)
    assert not Contains(b"robot check", case=True)(sample)
    assert Title(equals="robot check")(sample)
    assert All(Contains(b"html"), Not(Contains(b"xyz")))(sample)
    assert AnyOf(Contains(b"xyz"), Title(contains="robot"))(sample)
    assert FirstPage("newest")(sample)
    assert sample.json is None
    assert not Json(("error",), (None,))(sample)


def test_json_matcher_tells_false_from_zero_and_missing_from_null() -> None:
    sample = page(b'{"error": 0, "flag": false, "items": null}', url="https://shopee.vn/api/v4/x")
    assert Json(("error",), (0,))(sample)
    assert not Json(("flag",), (0,))(sample)
    assert Json(("items",), ([], None))(sample)
    assert Json(("absent",), (None,))(sample)
    assert not Json(("error", "deeper"), (0,))(sample)
