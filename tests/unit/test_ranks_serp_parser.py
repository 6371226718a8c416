"""parse_serp on small synthetic pages: the rules that real pages only show some of."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shelfscope.errors import Blocked, InvalidInput, ParseError
from shelfscope.ranks import parse_serp, require_search_page


def result_card(asin: str, *, sponsored: bool = False, price: str = "$12.99") -> str:
    ad = " AdHolder" if sponsored else ""
    return (
        f'<div data-asin="{asin}" data-component-type="s-search-result" class="s-result-item{ad}">'
        f'<h2><a href="/x/dp/{asin}/ref=sr_1_1"><span>Title of {asin}</span></a></h2>'
        f'<span class="a-price"><span class="a-offscreen">{price}</span></span>'
        '<i class="a-icon a-icon-star-small"><span class="a-icon-alt">4.5 out of 5 stars</span></i>'
        f'<a href="/x/dp/{asin}#customerReviews" aria-label="1,234 ratings">1.2K</a>'
        "</div>"
    )


def search_page(*rows: str, query: str = "usb hub") -> str:
    return (
        f"<html><head><title>Amazon.com : {query}</title></head><body>"
        f'<input id="twotabsearchtextbox" value="{query}">'
        '<span class="s-breadcrumb"><h2><span>1-3 of 3 results for</span>'
        f'<span class="a-color-state">"{query}"</span></h2></span>'
        f'<div class="s-main-slot">{"".join(rows)}</div></body></html>'
    )


def test_positions_count_sponsored_cards_and_ranks_count_within_each_kind() -> None:
    page = parse_serp(
        search_page(
            result_card("B000000001", sponsored=True),
            result_card("B000000002"),
            result_card("B000000001"),
        ),
        marketplace="us",
    )
    assert [(r.position, r.asin, r.sponsored, r.organic_rank, r.sponsored_rank) for r in page.results] == [
        (1, "B000000001", True, None, 1),
        (2, "B000000002", False, 1, None),
        (3, "B000000001", False, 2, None),
    ]
    assert page.marketplace == "US"
    assert page.total_results == 3
    assert page.results[0].review_count == 1234  # the exact aria-label, not "1.2K"


def test_cards_with_an_empty_asin_are_not_results() -> None:
    page = parse_serp(
        search_page(
            '<div data-asin="" data-component-type="s-search-result"></div>', result_card("B000000002")
        ),
        marketplace="US",
    )
    assert [(r.position, r.asin) for r in page.results] == [(1, "B000000002")]


def test_a_search_page_without_cards_raises_instead_of_zero_results() -> None:
    with pytest.raises(ParseError, match="no result cards"):
        parse_serp(search_page('<div class="s-result-item">No results for "x"</div>'), marketplace="DE")


def test_a_malformed_asin_raises() -> None:
    with pytest.raises(ParseError, match="invalid ASIN"):
        parse_serp(search_page(result_card("NOT-AN-ASIN")), marketplace="US")


def test_an_implausible_price_raises() -> None:
    with pytest.raises(ParseError, match="implausible price"):
        parse_serp(search_page(result_card("B000000001", price="$123,456,789.00")), marketplace="US")


def test_a_zero_price_is_no_price_not_a_free_product() -> None:
    # Kindle Unlimited / Prime Video cards show "$0.00" next to the real purchase price.
    page = parse_serp(search_page(result_card("B000000001", price="$0.00")), marketplace="US")
    assert page.results[0].price is None
    assert page.results[0].currency is None


def test_an_isbn_asin_is_accepted() -> None:
    page = parse_serp(search_page(result_card("0241401127", price="33,69 €")), marketplace="FR")
    assert page.results[0].asin == "0241401127"
    assert page.results[0].price == Decimal("33.69")
    assert page.results[0].currency == "EUR"


def test_an_unknown_marketplace_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="unknown Amazon marketplace"):
        parse_serp(search_page(result_card("B000000001")), marketplace="XX")


def test_a_body_in_a_declared_legacy_charset_is_decoded_with_it() -> None:
    html = search_page(result_card("B000000001", price="EUR 7,99"), query="gemüsebeutel")
    html = html.replace("<head>", '<head><meta charset="iso-8859-1">')
    page = parse_serp(html.encode("iso-8859-1"), marketplace="DE")
    assert page.query == "gemüsebeutel"
    assert page.results[0].price == Decimal("7.99")


def test_a_differently_quoted_search_term_is_the_corrected_query() -> None:
    page = parse_serp(
        search_page(result_card("B000000001")).replace('"usb hub"</span>', '"usb hubs"</span>'),
        marketplace="US",
    )
    assert page.query == "usb hub"
    assert page.corrected_query == "usb hubs"


def test_to_json_keeps_decimals_as_strings() -> None:
    page = parse_serp(search_page(result_card("B000000001", price="$1,234.50")), marketplace="US")
    result = page.to_json()["results"][0]
    assert result["price"] == "1234.50"
    assert result["rating"] == "4.5"
    assert result["currency"] == "USD"


def test_require_search_page_turns_walls_and_wrong_pages_into_errors() -> None:
    captcha = '<form action="/errors/validateCaptcha"><input id="captchacharacters"></form>'
    with pytest.raises(Blocked) as caught:
        require_search_page(parse_serp(captcha, marketplace="BR"))
    assert caught.value.kind == "captcha"
    with pytest.raises(ParseError, match="not a search page"):
        require_search_page(parse_serp("<html><div id='dp'></div></html>", marketplace="US"))
    page = parse_serp(search_page(result_card("B000000001")), marketplace="US")
    assert require_search_page(page) is page
