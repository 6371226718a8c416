"""Ad detection reads markup, never the label text, which follows the UI language."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from shelfscope.ranks.serp.sponsored import sponsored_signals


def card(inner: str, *, classes: str = "s-result-item s-asin") -> LexborNode:
    html = (
        f'<div data-asin="B000000001" data-component-type="s-search-result" class="{classes}">{inner}</div>'
    )
    node = LexborHTMLParser(html).css_first("div[data-component-type]")
    assert node is not None
    return node


@pytest.mark.parametrize(
    ("inner", "classes", "signal"),
    [
        ("<span>x</span>", "s-result-item AdHolder", "ad_holder"),
        ('<a class="puis-label-popover puis-sponsored-label-text">Gesponsert</a>', "s-result-item", "label"),
        ('<span class="s-label-popover-default">Patrocinado</span>', "s-result-item", "label"),
        ('<span class="aok-inline-block s-sponsored-label-info-icon"></span>', "s-result-item", "label"),
        ('<h5 class="s-sponsored-header">Gesponsert</h5>', "s-result-item", "label"),
        ('<a href="/sspa/click?ie=UTF8&spc=MTo">x</a>', "s-result-item", "ad_click_link"),
        (
            '<a href="/gp/slredirect/picassoRedirect.html/ref=pa_sp_atf">x</a>',
            "s-result-item",
            "ad_click_link",
        ),
        ('<a href="/Thing/dp/B000000001/ref=sr_1_2_sspa?keywords=x">x</a>', "s-result-item", "sspa_ref"),
        (
            '<a href="/x?url=%2Fdp%2FB000000001%2Fref%3Dsr_1_1%3Fsr%3D8-1-spons">x</a>',
            "s-result-item",
            "sspa_ref",
        ),
    ],
)
def test_each_structural_marker_alone_makes_a_card_sponsored(inner: str, classes: str, signal: str) -> None:
    assert sponsored_signals(card(inner, classes=classes)) == {signal}


@pytest.mark.parametrize(
    "inner",
    [
        "<span>Sponsored</span>",  # the word alone is not a marker
        "<span>Featured from Amazon brands</span>",
        '<a href="/Team-Sponsor-Edition-Jersey/dp/B000000001/ref=sr_1_3">x</a>',
        '<a href="/Funny-shirt-sponsored-by-nobody/dp/B000000001/ref=sr_1_4?sr=8-4">x</a>',
        '<span class="a-color-secondary">推廣</span>',
    ],
)
def test_label_words_and_slugs_without_ad_markup_stay_organic(inner: str) -> None:
    assert sponsored_signals(card(inner)) == frozenset()


def test_featured_from_amazon_brands_card_is_an_ad_without_a_sponsored_word() -> None:
    # Amazon's own-brand ads (UK "Featured from Amazon brands", US-es "Destacado de nuestras
    # marcas") carry AdHolder and ad links but no "Sponsored" label.
    inner = (
        '<span class="a-size-micro">Destacado de nuestras marcas</span>'
        '<a href="/gp/slredirect/picassoRedirect.html/ref=pa_sp_mtf?url=%2Fdp%2FB08KJN3333%2Fref%3Dsr_1_7_sspa">x</a>'
    )
    assert sponsored_signals(card(inner, classes="s-result-item AdHolder")) == {
        "ad_holder",
        "ad_click_link",
        "sspa_ref",
    }
