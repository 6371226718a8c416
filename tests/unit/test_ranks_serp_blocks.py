"""The shared Amazon page classifier: walls, search pages and everything else, from the body alone."""

from __future__ import annotations

import pytest

from shelfscope.fetch.blocks import AMAZON_RULES, VENDOR_RULES
from shelfscope.ranks import classify_amazon_page, detect_amazon_block
from shelfscope.ranks.serp.blocks import AMAZON_BLOCK_RULES

BM_VERIFY = """<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="5; URL='/_sec/verify?provider=interstitial'">
<script>var bm_verify = "abc"; fetch("/_sec/verify?provider=interstitial", {method: "POST"});</script>
</head><body><p>Please wait…</p></body></html>"""

DOGS_503 = """<!DOCTYPE html><html><head><title>Sorry! Something went wrong!</title></head><body>
<a href="/ref=cs_503_logo"><img src="https://images-na.ssl-images-amazon.com/images/G/01/error/logo._TTD_.png"></a>
<b>Sorry! Something went wrong on our end.</b>
<a href="/dogsofamazon/ref=cs_503_d"><img src="https://images-na.ssl-images-amazon.com/images/G/01/error/31._TTD_.jpg" alt="Dogs of Amazon"></a>
</body></html>"""

ROBOT_CHECK = "<html><head><title>Robot Check</title></head><body>Type the characters</body></html>"


@pytest.mark.parametrize(
    ("html", "kind"),
    [(BM_VERIFY, "akamai_bm_verify"), (DOGS_503, "dogs_503"), (ROBOT_CHECK, "robot_check")],
)
def test_wall_shapes_without_a_real_capture_are_classified(html: str, kind: str) -> None:
    assert classify_amazon_page(html) == ("blocked", kind)
    assert classify_amazon_page(html.encode()) == ("blocked", kind)


def test_a_large_real_page_mentioning_a_marker_is_not_a_wall() -> None:
    page = '<div class="s-main-slot"><div data-component-type="s-search-result"></div></div>'
    page += "<script>/* validateCaptcha gokuProps */</script>" + " " * 200_000
    assert detect_amazon_block(page) is None
    assert classify_amazon_page(page) == ("search", None)


def test_a_page_without_search_markers_is_other() -> None:
    assert classify_amazon_page("<html><body><div id='dp'><span id='productTitle'>x</span></div>") == (
        "other",
        None,
    )
    assert classify_amazon_page(b"") == ("other", None)


def test_the_parser_uses_the_fetch_engines_rule_table() -> None:
    assert (*VENDOR_RULES, *AMAZON_RULES) == AMAZON_BLOCK_RULES
    assert all(rule.why for rule in AMAZON_BLOCK_RULES)


def test_a_page_of_another_type_is_other_not_a_wall() -> None:
    bestsellers = "<html><title>Amazon Best Sellers</title><div id='zg'>" + "x" * 300_000 + "</div></html>"
    assert detect_amazon_block(bestsellers) is None
    assert classify_amazon_page(bestsellers) == ("other", None)


def test_the_dogs_page_without_a_status_is_judged_on_a_small_body_only() -> None:
    big = DOGS_503.replace("</body>", "<div>" + "x" * 250_000 + "</div></body>")
    assert detect_amazon_block(DOGS_503) == "dogs_503"
    assert detect_amazon_block(big) is None
