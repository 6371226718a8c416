"""Simulated search and product pages: deterministic, localised, and read by parse_serp exactly as planned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from shelfscope.marketplaces import AMAZON_MARKETPLACES, AmazonMarketplace, amazon_marketplace
from shelfscope.ranks import SerpPage, classify_amazon_page, parse_serp
from shelfscope.sandbox.amazon import DEMO_ASINS, listing
from shelfscope.sandbox.amazon.catalogue import keyword_pool, product_spec
from shelfscope.sandbox.amazon.formatting import PRICE_STYLES
from shelfscope.sandbox.amazon.i18n import ui_text
from shelfscope.sandbox.amazon.padding import BIG_PAGE_MAX, BIG_PAGE_MIN
from shelfscope.sandbox.amazon.randomness import walks
from shelfscope.sandbox.amazon.rankings import organic_order
from shelfscope.sandbox.amazon.render_pages import render_captcha, render_error_page, render_product_page
from shelfscope.sandbox.amazon.render_serp import render_search_page
from shelfscope.sandbox.amazon.truth import SerpTruth, _planned, planned_page, serp_truth

DAY = date(2026, 3, 2)


def page_html(
    market: AmazonMarketplace, query: str, page: int = 1, *, big: bool = False, root: str = ""
) -> bytes:
    plan = planned_page(0, market, query, page, DAY, corrections={})
    return render_search_page(seed=0, market=market, plan=plan, root=root, big=big)


def results(page: SerpPage | SerpTruth) -> list[tuple[Any, ...]]:
    fields = (
        "position asin sponsored organic_rank sponsored_rank title brand price currency rating review_count"
    )
    names = [*fields.split(), "badges"]
    return [tuple(getattr(r, name) for name in names) for r in page.results]


def node(tree: LexborHTMLParser, selector: str) -> LexborNode:
    found = tree.css_first(selector)
    assert found is not None, selector
    return found


def test_rendering_is_deterministic_for_marketplace_keyword_page_and_day() -> None:
    market = amazon_marketplace("UK")
    first = page_html(market, "water bottle", 2)
    for cached in (_planned, organic_order, keyword_pool, product_spec, walks):
        cached.cache_clear()
    assert page_html(market, "water bottle", 2) == first
    assert page_html(market, "water bottle", 3) != first


@pytest.mark.parametrize("market", AMAZON_MARKETPLACES, ids=lambda m: m.code)
def test_every_marketplace_page_parses_to_its_ground_truth(market: AmazonMarketplace) -> None:
    for query, page in (("yoga mat", 1), ("insulated water bottle", 2), ("desk lamp", 7)):
        parsed = parse_serp(page_html(market, query, page), marketplace=market.code)
        truth = serp_truth(0, market, query, page, DAY)
        assert parsed.page_type == "search"
        assert results(parsed) == results(truth)
        assert [(p.kind, p.asins, p.sponsored) for p in parsed.placements] == [
            (p.kind, p.asins, p.sponsored) for p in truth.placements
        ]
        assert parsed.total_results == truth.total_results
        assert parsed.page == page
        assert parsed.has_next_page == truth.has_next_page
        assert parsed.query == query
        assert parsed.corrected_query is None


@pytest.mark.parametrize("market", AMAZON_MARKETPLACES, ids=lambda m: m.code)
def test_every_marketplace_speaks_its_language_and_currency(market: AmazonMarketplace) -> None:
    html = page_html(market, "yoga mat").decode()
    text = ui_text(market)
    tree = LexborHTMLParser(html)
    labels = {
        node.text(deep=True) for node in tree.css(".puis-sponsored-label-text .puis-label-popover-default")
    }
    assert labels <= {text.sponsored, text.featured_brands}
    assert labels
    info = node(tree, ".s-breadcrumb h2 span").text()
    assert info == serp_truth(0, market, "yoga mat", 1, DAY).total_results_text
    words = text.count_over.format(first=1, last=48, total="\x00").split("\x00")
    assert all(word.strip() in info for word in words)
    prices = [
        node.text()
        for node in tree.css("[data-component-type=s-search-result] .a-price:not(.a-text-price) .a-offscreen")
    ]
    assert prices
    assert all(PRICE_STYLES[market.code].symbol in price for price in prices)
    parsed = parse_serp(html, marketplace=market.code)
    assert {r.currency for r in parsed.results if r.price is not None} == {market.currency}
    assert f'lang="{market.locale.split("_")[0]}-' in html[:200]


def test_result_counts_read_like_the_real_pages() -> None:
    de = node(LexborHTMLParser(page_html(amazon_marketplace("DE"), "yogamatte", 2)), ".s-breadcrumb h2 span")
    us = node(LexborHTMLParser(page_html(amazon_marketplace("US"), "yoga mat")), ".s-breadcrumb h2 span")
    assert de.text().startswith("49–96 von mehr als ")
    assert de.text().endswith(" Ergebnissen für")
    assert us.text().startswith("1-48 of over ")
    assert us.text().endswith(" results for")


def test_pagination_ends_on_the_last_page() -> None:
    market = amazon_marketplace("US")
    last = planned_page(0, market, "yoga mat", 1, DAY, corrections={}).last_page
    assert last == 7
    assert parse_serp(page_html(market, "yoga mat", last - 1), marketplace="US").has_next_page
    final = parse_serp(page_html(market, "yoga mat", last), marketplace="US")
    assert not final.has_next_page
    assert final.page == last
    beyond = planned_page(0, market, "yoga mat", last + 1, DAY, corrections={})
    assert beyond.cards == ()
    assert serp_truth(0, market, "yoga mat", last + 1, DAY).results == ()


def test_a_misspelled_query_shows_results_for_the_corrected_one() -> None:
    market = amazon_marketplace("UK")
    parsed = parse_serp(page_html(market, "yoga matt"), marketplace="UK")
    truth = serp_truth(0, market, "yoga matt", 1, DAY)
    assert parsed.query == "yoga matt"
    assert parsed.corrected_query == truth.corrected_query == "yoga mat"
    assert results(parsed) == results(truth)
    assert [r.asin for r in truth.results] == [
        r.asin for r in serp_truth(0, market, "yoga mat", 1, DAY).results
    ]


def test_pages_have_real_weight_and_big_pages_are_one_to_two_point_six_megabytes() -> None:
    market = amazon_marketplace("US")
    normal = page_html(market, "yoga mat")
    big = page_html(market, "yoga mat", big=True)
    assert 300_000 < len(normal) < 1_000_000
    assert BIG_PAGE_MIN <= len(big) <= BIG_PAGE_MAX
    assert results(parse_serp(big, marketplace="US")) == results(parse_serp(normal, marketplace="US"))


def test_product_pages_show_title_price_rating_bsr_and_availability() -> None:
    market = amazon_marketplace("DE")
    item = listing(0, market, DEMO_ASINS[0], DAY)
    tree = LexborHTMLParser(render_product_page(market=market, item=item, day=DAY, root="", big=False))
    assert node(tree, "#productTitle").text().strip() == item.title
    assert item.price is not None
    price = node(tree, "#corePrice_feature_div .a-price .a-offscreen").text()
    assert Decimal(price.replace("\xa0€", "").replace(".", "").replace(",", ".")) == item.price
    assert (
        node(tree, "#acrPopover").attributes["title"] == f"{str(item.rating).replace('.', ',')} von 5 Sternen"
    )
    assert node(tree, "input#ASIN").attributes["value"] == item.asin
    assert node(tree, "#availability").text().strip()
    details = node(tree, "#productDetails_detailBullets_sections1").text()
    assert "Amazon Bestseller-Rang" in details
    assert f"Nr. {item.bsr:,}".replace(",", ".") in details


def test_block_pages_are_classified_as_blocks() -> None:
    market = amazon_marketplace("FR")
    image = render_captcha(
        market=market, root="", amzn="t", return_to="/s?k=x", characters="ABCDEF", style="image"
    )
    button = render_captcha(
        market=market, root="", amzn="t", return_to="/s?k=x", characters="ABCDEF", style="continue_shopping"
    )
    dogs = render_error_page(market=market, root="", status=503, rid="RID")
    assert classify_amazon_page(image) == ("blocked", "captcha")
    assert classify_amazon_page(button) == ("blocked", "continue_shopping")
    assert classify_amazon_page(dogs)[0] == "blocked"
    assert b'action="/errors/validateCaptcha"' in button
    assert b'id="captchacharacters"' in image
