"""Block detection on every real page and payload in shared/fixtures, read in place.

Expectations were written by reading each file (see the SOURCES.md next to them). The tables
below name every file of the blocked/wrong-page/shopee/tiktok folders, and a test fails when a
file is added there without an expectation, so no real example goes unclassified.
"""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import Blocked, RateLimited
from shelfscope.fetch import (
    BlockDetector,
    ClockSleep,
    FakeClient,
    FetchEngine,
    Mode,
    Reply,
    Request,
    Response,
    Site,
)
from shelfscope.settings import Settings

NOW = datetime(2026, 11, 22, tzinfo=UTC)
DETECTOR = BlockDetector()

AMAZON_BLOCKED = {
    "us_captcha-image_2024_bargainhunter.html": "captcha",
    "us_captcha-continue-shopping_2026_amazon-scraper.html": "continue_shopping",
    "fr_waf-js-challenge_2026_pc-rachat.html": "aws_waf_challenge",
}
AMAZON_WRONG_PAGE = {"us_bestsellers_2026_ai-commerce-intelligente.html"}

SHOPEE_SEARCH = (
    "https://shopee.co.id/api/v4/search/search_items?by=relevancy&keyword=laptop&limit=60&newest=0"
)
#: file → (URL it came from, status, expected block kind or None)
SHOPEE = {
    "shopee_coid_search_items_v4_keyword_laptop_2023-01_tamtemtomm.json": (SHOPEE_SEARCH, 200, None),
    "shopee_coid_shop_search_items_v4_2024_median314.json": (
        "https://shopee.co.id/api/v4/shop/search_items?filter_sold_out=1&limit=30&offset=0&shopid=121235261",
        200,
        None,
    ),
    "shopee_coid_recommend_shop_page_v4_gramedia_2023-01_tamtemtomm.json": (
        "https://shopee.co.id/api/v4/recommend/recommend?bundle=shop_page_category_tab",
        200,
        None,
    ),
    "shopee_tw_search_v2_2021_shaunchuang.json": (
        "https://shopee.tw/api/v2/search_items/?by=relevancy&keyword=x&newest=0",
        200,
        None,
    ),
    "shopee_vn_item_get_v4_2021_duyet_readme.json": (
        "https://shopee.vn/api/v4/item/get?itemid=3391609027&shopid=85794847",
        200,
        None,
    ),
    "shopee_tw_item_get_v2_2021_POISONED_antibot_judyfang.json": (
        "https://shopee.tw/api/v2/item/get?itemid=1558498138&shopid=9060351",
        200,
        "poisoned",
    ),
}
#: price-tracker captures wrap the real get_pc answer in their own envelope
SHOPEE_PDP = {
    "shopee_vn_pdp_get_pc_flashsale_sanitized_pricetracker.json",
    "shopee_vn_pdp_get_pc_multivariant_sanitized_pricetracker.json",
    "shopee_vn_pdp_get_pc_variantless_sanitized_pricetracker.json",
    "shopee_vn_pdp_get_pc_429_derived_pricetracker.json",
}
SHOPEE_PROBE = "shopee_br_endpoint_probe_2026-04_incl_90309999_kuuhaku.json"

TIKTOK = {
    "tiktok_security_check_page_openreverselab.html": "security_check",
    "tiktok_us_view_product_pdp_h5_modern_router_error23002002_openreverselab.html": "risk_degraded",
    "tiktok_us_shop_pdp_1729447605324124806_2025-07_llzelda.html": None,
    "tiktok_us_shop_pdp_1729447605324124806_2025-07_llzelda.modern_router_data.json": None,
    "tiktok_us_product_detail_app_api_via_scrapecreators_openreverselab.json": None,
}


def classify(
    site: Site, url: str, body: bytes, *, status: int = 200, expected_page: str | None = None
) -> str | None:
    request = Request(url=url, site=site, expected_page=expected_page)
    rule = DETECTOR.classify(request, Response(url=url, status=status, headers=(), body=body), now=NOW)
    return rule.kind if rule else None


def _names(folder: Path, *patterns: str) -> set[str]:
    return {path.name for pattern in patterns for path in folder.glob(pattern)}


def test_every_real_fixture_in_the_block_folders_has_an_expectation(real_fixtures: Path) -> None:
    assert _names(real_fixtures / "amazon" / "blocked", "*.html") == set(AMAZON_BLOCKED)
    assert _names(real_fixtures / "amazon" / "wrong-page", "*.html") == AMAZON_WRONG_PAGE
    assert _names(real_fixtures / "shopee", "*.json") == {*SHOPEE, *SHOPEE_PDP, SHOPEE_PROBE}
    assert _names(real_fixtures / "tiktok", "*.html", "*.json") == set(TIKTOK)


@pytest.mark.parametrize(("name", "kind"), sorted(AMAZON_BLOCKED.items()))
@pytest.mark.parametrize("expected_page", [None, "serp", "product"])
def test_real_amazon_block_pages_are_classified(
    real_fixtures: Path, name: str, kind: str, expected_page: str | None
) -> None:
    body = (real_fixtures / "amazon" / "blocked" / name).read_bytes()
    url = "https://www.amazon.com/s?k=usb+hub"
    assert classify(Site.AMAZON, url, body, expected_page=expected_page) == kind


def test_a_best_sellers_page_in_place_of_a_search_is_a_wrong_page(real_fixtures: Path) -> None:
    (name,) = AMAZON_WRONG_PAGE
    body = (real_fixtures / "amazon" / "wrong-page" / name).read_bytes()
    url = "https://www.amazon.com/s?k=headphones"
    assert classify(Site.AMAZON, url, body, expected_page="serp") == "wrong_page"
    assert classify(Site.AMAZON, url, body, expected_page="product") == "wrong_page"
    # Asked for no particular page type, a real Amazon page is not a block.
    assert classify(Site.AMAZON, url, body) is None


def _amazon_pages(real_fixtures: Path, kind: str) -> list[Path]:
    pages = sorted((real_fixtures / "amazon" / kind).glob("*.html"))
    assert len(pages) >= 7
    return pages


def test_every_real_amazon_search_page_passes_as_a_search(real_fixtures: Path) -> None:
    for page in _amazon_pages(real_fixtures, "serp"):
        body = page.read_bytes()
        url = "https://www.amazon.com/s?k=x"
        assert classify(Site.AMAZON, url, body, expected_page="serp") is None, page.name
        assert classify(Site.AMAZON, url, body, expected_page="product") == "wrong_page", page.name


def test_every_real_amazon_product_page_passes_as_a_product(real_fixtures: Path) -> None:
    for page in _amazon_pages(real_fixtures, "product"):
        body = page.read_bytes()
        url = "https://www.amazon.com/dp/B0000000"
        assert classify(Site.AMAZON, url, body, expected_page="product") is None, page.name
        assert classify(Site.AMAZON, url, body, expected_page="serp") == "wrong_page", page.name


@pytest.mark.parametrize(("name", "case"), sorted(SHOPEE.items()))
def test_real_shopee_payloads_are_classified(
    real_fixtures: Path, name: str, case: tuple[str, int, str | None]
) -> None:
    url, status, kind = case
    body = (real_fixtures / "shopee" / name).read_bytes()
    assert classify(Site.SHOPEE, url, body, status=status) == kind


@pytest.mark.parametrize("name", sorted(SHOPEE_PDP))
def test_real_shopee_product_detail_answers_are_not_blocks(real_fixtures: Path, name: str) -> None:
    capture = json.loads((real_fixtures / "shopee" / name).read_text())
    evidence = capture["endpointEvidence"]["productDetail"]
    answer = evidence["response"]
    status, payload = (answer["status"], answer["payload"]) if "payload" in answer else (200, answer)
    url = "https://shopee.vn/api/v4/pdp/get_pc?item_id=1&shop_id=2"
    # The derived 429 is a rate limit (the status policy's business), not a block page.
    assert classify(Site.SHOPEE, url, json.dumps(payload).encode(), status=status) is None


def _probe_body(entry: dict[str, object]) -> bytes:
    """The captured body: the full JSON when kept, else the (Python-repr) preview."""
    if "full_response" in entry:
        return json.dumps(entry["full_response"]).encode()
    preview = str(entry["response_preview"])
    try:
        return json.dumps(ast.literal_eval(preview)).encode()
    except (ValueError, SyntaxError):  # the preview was cut short; keep its text
        return preview.encode()


def test_only_the_90309999_answer_of_the_shopee_probe_is_a_block(real_fixtures: Path) -> None:
    entries = json.loads((real_fixtures / "shopee" / SHOPEE_PROBE).read_text())
    assert len(entries) == 17
    verdicts = {
        str(entry["url"]): classify(
            Site.SHOPEE, str(entry["url"]), _probe_body(entry), status=int(entry["status"])
        )
        for entry in entries
    }
    blocked = {url: kind for url, kind in verdicts.items() if kind is not None}
    assert blocked == {"https://shopee.com.br/api/v4/shop/get_shop_tab": "anti_bot"}


def test_the_plain_90309999_answer_is_a_block_with_status_200_or_403() -> None:
    body = b'{"error":90309999,"action_type":2,"tracking_id":"x","is_login":false,"is_customized":false}'
    for status in (200, 403):
        assert classify(Site.SHOPEE, SHOPEE_SEARCH, body, status=status) == "anti_bot"


def test_an_empty_first_search_page_is_a_block_but_a_later_empty_page_is_not(real_fixtures: Path) -> None:
    real = json.loads(
        (
            real_fixtures / "shopee" / "shopee_coid_search_items_v4_keyword_laptop_2023-01_tamtemtomm.json"
        ).read_text()
    )
    emptied = json.dumps({**real, "items": [], "nomore": True}).encode()
    assert classify(Site.SHOPEE, SHOPEE_SEARCH, emptied) == "empty_items"
    assert classify(Site.SHOPEE, SHOPEE_SEARCH.replace("newest=0", "newest=60"), emptied) is None
    assert classify(Site.SHOPEE, SHOPEE_SEARCH, json.dumps({**real, "items": None}).encode()) == "empty_items"


@pytest.mark.parametrize(("name", "kind"), sorted(TIKTOK.items()))
def test_real_tiktok_pages_are_classified(real_fixtures: Path, name: str, kind: str | None) -> None:
    body = (real_fixtures / "tiktok" / name).read_bytes()
    assert classify(Site.TIKTOK, "https://www.tiktok.com/shop/pdp/x/1729447605324124806", body) == kind


def test_rules_of_one_site_do_not_fire_on_anothers_pages(real_fixtures: Path) -> None:
    captcha = (real_fixtures / "amazon" / "blocked" / "us_captcha-image_2024_bargainhunter.html").read_bytes()
    security = (real_fixtures / "tiktok" / "tiktok_security_check_page_openreverselab.html").read_bytes()
    assert classify(Site.TIKTOK, "https://www.tiktok.com/x", captcha) is None
    assert classify(Site.AMAZON, "https://www.amazon.com/s?k=x", security) is None
    # Vendor walls are recognised whatever the site.
    waf = (real_fixtures / "amazon" / "blocked" / "fr_waf-js-challenge_2026_pc-rachat.html").read_bytes()
    assert classify(Site.GENERIC, "https://example.com/", waf) == "aws_waf_challenge"


async def test_real_shopee_answers_through_the_whole_engine(real_fixtures: Path, settings: Settings) -> None:
    folder = real_fixtures / "shopee"
    limited = json.loads((folder / "shopee_vn_pdp_get_pc_429_derived_pricetracker.json").read_text())
    limited_answer = limited["endpointEvidence"]["productDetail"]["response"]
    probe = json.loads((folder / SHOPEE_PROBE).read_text())
    anti_bot = next(entry for entry in probe if str(entry["url"]).endswith("/shop/get_shop_tab"))
    product = json.loads(
        (folder / "shopee_vn_pdp_get_pc_multivariant_sanitized_pricetracker.json").read_text()
    )
    product_body = json.dumps(product["endpointEvidence"]["productDetail"]["response"]).encode()
    base = "https://shopee.vn/api/v4"
    client = FakeClient(
        {
            f"{base}/pdp/get_pc?item_id=1": Reply(
                status=limited_answer["status"], body=json.dumps(limited_answer["payload"]).encode()
            ),
            f"{base}/shop/get_shop_tab": Reply(status=int(anti_bot["status"]), body=_probe_body(anti_bot)),
            f"{base}/pdp/get_pc?item_id=2": Reply(body=product_body),
        }
    )
    fetch = settings.fetch.model_copy(update={"delays_enabled": False, "allow_direct": True})
    clock = FakeClock()
    engine = FetchEngine.from_settings(
        settings.model_copy(update={"fetch": fetch}), client=client, clock=clock, sleep=ClockSleep(clock)
    )
    with pytest.raises(RateLimited):
        await engine.fetch(Request(url=f"{base}/pdp/get_pc?item_id=1", site=Site.SHOPEE, mode=Mode.FETCH))
    with pytest.raises(Blocked) as blocked:
        await engine.fetch(Request(url=f"{base}/shop/get_shop_tab", site=Site.SHOPEE, mode=Mode.FETCH))
    assert blocked.value.kind == "anti_bot"
    response = await engine.fetch(
        Request(url=f"{base}/pdp/get_pc?item_id=2", site=Site.SHOPEE, mode=Mode.FETCH)
    )
    assert response.json()["data"]["item"]["item_id"] == 26882883164
    assert engine.stats.get("fetch/blocked/shopee/anti_bot") == 3
    assert engine.stats.get("fetch/outcome/succeeded") == 1
    await engine.aclose()
