"""Search pages drawn from a :class:`~.layout.SearchPage` plan, in the 2025-26 desktop layout.

Cards are built here; the other rows in :mod:`.render_widgets`; page-wide values and link
builders in :mod:`.serp_context`. Pages are padded with inline script to real weight
(:mod:`.padding`): hundreds of kB normally, 1-2.6 MB when ``big``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_plus

from markupsafe import Markup

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.chrome import chrome_context, page_uuid, request_id, token
from shelfscope.sandbox.amazon.formatting import format_count, format_date, format_price
from shelfscope.sandbox.amazon.layout import (
    BannerRow,
    CardRow,
    CarouselRow,
    MessageRow,
    SearchPage,
    ShellRow,
    VideoRow,
)
from shelfscope.sandbox.amazon.padding import BIG_PAGE_MAX, BIG_PAGE_MIN, padding_chunks, style_block
from shelfscope.sandbox.amazon.randomness import digest
from shelfscope.sandbox.amazon.render_widgets import (
    banner_view,
    carousel_view,
    refinements,
    related_terms,
    video_view,
)
from shelfscope.sandbox.amazon.serp_context import SerpContext, abbreviated_count, page_corrections, stars
from shelfscope.sandbox.amazon.templating import render
from shelfscope.sandbox.amazon.truth import serp_truth, shows_brand_line

__all__ = ["render_search_page"]

_BASE_PADDING = 60_000
_US_STYLE = frozenset({"US", "CA"})


def _card(page: SerpContext, row: CardRow, data_index: int) -> dict[str, Any]:
    item = page.listing(row.asin)
    text, market = page.text, page.market
    sr = page.cards_before + row.position
    ffob = row.amazon_brand_ad and text.lang == "en"
    ref = f"sr_1_{sr}_ffob_sspa" if ffob else (f"sr_1_{sr}_sspa" if row.sponsored else f"sr_1_{sr}")
    path = page.product_path(item, ref, sr, sponsored=row.sponsored)
    href = page.ad_click(path, row.asin, sr) if row.sponsored else page.root + path
    reviews_href = (
        page.ad_click(path + "#customerReviews", row.asin, sr) if row.sponsored else href + "#customerReviews"
    )
    star_values = stars(page, item)
    count = format_count(item.review_count, lang=text.lang)
    label = text.featured_brands if ffob else text.sponsored
    us_style = market.code in _US_STYLE
    return {
        "kind": "card",
        "asin": row.asin,
        "data_index": data_index,
        "uuid": page_uuid("card", row.position, *page.coordinates),
        "position": row.position,
        "sr": sr,
        "sponsored": row.sponsored,
        "label": label,
        "label_popover": json.dumps(
            {"position": "triggerVertical", "inlineContent": label, "name": "sp-info"}
        ),
        "ad_prefix": f"{text.sponsored_ad} – " if row.sponsored else "",  # noqa: RUF001 - Amazon's en dash
        "href": href,
        "reviews_href": reviews_href,
        "title": item.title,
        "brand": item.brand if shows_brand_line(market) else None,
        "image_id": item.image_id,
        "best_seller": row.organic_rank == 1 and page.plan.page == 1 and item.bsr < 5000,
        "visible_rating": star_values["rating"] if us_style else None,
        "stars_text": star_values["stars_text"],
        "star_class": star_values["star_class"],
        "popover_label": f"{star_values['stars_text']}, rating details",
        "rating_popover": json.dumps(
            {
                "url": "/review/widgets/average-customer-review/popover/ref=acr_search__popover"
                f"?ie=UTF8&asin={row.asin}&ref_=acr_search__popover&contextId=search",
                "position": "triggerBottom",
                "closeButton": True,
                "popoverLabel": f"{star_values['stars_text']}, rating details",
            }
        ),
        "ratings_aria": text.ratings.format(count=count),
        "ratings_visible": abbreviated_count(item.review_count) if us_style else count,
        "price": None if item.price is None else format_price(item.price, marketplace=market.code),
        "list_price": None
        if item.list_price is None
        else format_price(item.list_price, marketplace=market.code),
        "deal_badge": "Limited time deal" if item.list_price is not None and text.lang == "en" else None,
        "delivery": format_date(
            page.plan.day.fromordinal(page.plan.day.toordinal() + 2 + digest("ship", row.asin) % 4), text=text
        ),
        "fastest": format_date(page.plan.day.fromordinal(page.plan.day.toordinal() + 1), text=text),
        "impression_props": json.dumps(
            {
                "percentageShownToFire": "50",
                "batchable": True,
                "requiredElementSelector": ".s-image:visible",
                "url": f"https://unagi-{page.market.region.lower()}.amazon.com/1/events/"
                f"com.amazon.eel.SponsoredProductsEventTracking.prod?qualifier={page.qid}"
                f"&id={token(32, 'imp', row.asin, *page.coordinates)}",
            }
        ),
        "atcb_props": json.dumps({"cartType": "DEFAULT", "locale": market.locale.replace("_", "-")}),
        "offer_id": token(120, "offer", row.asin, market.code),
        "merchant_id": "A" + token(13, "merchant", row.asin).upper().replace("-", "K").replace("_", "Q"),
    }


def _row(page: SerpContext, row: object, data_index: int) -> dict[str, Any]:
    if isinstance(row, CardRow):
        return _card(page, row, data_index)
    if isinstance(row, BannerRow):
        return banner_view(page, row, data_index)
    if isinstance(row, CarouselRow):
        return carousel_view(page, row, data_index)
    if isinstance(row, VideoRow):
        return video_view(page, row, data_index)
    assert isinstance(row, MessageRow | ShellRow)
    view: dict[str, Any] = {"kind": row.kind, "data_index": data_index}
    view["uuid"] = page_uuid(row.kind, data_index, *page.coordinates)
    if row.kind == "related":
        view["terms"] = related_terms(page)
    return view


def render_search_page(
    *, seed: int, market: AmazonMarketplace, plan: SearchPage, root: str, big: bool
) -> bytes:
    """The HTML of ``plan`` as UTF-8; ``big`` pads it to 1-2.6 MB like a real desktop page."""
    page = SerpContext(seed=seed, market=market, plan=plan, root=root)
    rows = [_row(page, row, index) for index, row in enumerate(plan.rows, start=1)]
    truth = serp_truth(seed, market, plan.query, plan.page, plan.day, corrections=page_corrections(plan))
    rid = request_id("search", *page.coordinates)
    context = chrome_context(market=market, root=root, query=plan.query, rid=rid, page_type="Search")
    context |= {
        "title": f"Amazon.{context['tld']} : {plan.query}",
        "slate_token": token(300, "slate", *page.coordinates),
        "rows": rows,
        "count_text": truth.total_results_text,
        "keyword": plan.corrected_query or plan.query,
        "keyword_q": page.keyword_q,
        "query_q": quote_plus(plan.query),
        "page": plan.page,
        "last_page": plan.last_page,
        "qid": page.qid,
        "info_uuid": page_uuid("info", *page.coordinates),
        "version_id": "v" + token(25, "version", market.code).lower().replace("-", "x").replace("_", "y"),
        "render_id": "r" + token(26, "render", *page.coordinates).lower().replace("-", "x").replace("_", "y"),
        "refinements": refinements(page),
        "page_href": lambda n: f"{root}/s?k={page.keyword_q}&page={n}&qid={page.qid}&ref=sr_pg_{n}",
        "banner_style": style_block(9000),
        "weblabs_json": context["wlab_states"],
        "url_state": _script_json({"k": plan.query, "page": str(plan.page), "qid": str(page.qid)}),
        "head_padding": padding_chunks(8_000, "head", *page.coordinates),
        "body_padding": [],
    }
    html = render("serp.html", p=context)
    target = _BASE_PADDING
    if big:
        target = _big_target(page.coordinates) - len(html.encode())
    context["body_padding"] = padding_chunks(max(0, target), "body", *page.coordinates)
    return render("serp.html", p=context).encode()


def _script_json(value: dict[str, str]) -> Markup:
    """JSON safe to place inside ``<script>``: ``<`` is escaped, so a query cannot close the tag."""
    return Markup(json.dumps(value).replace("<", "\\u003c"))  # noqa: S704 - escaped above


def _big_target(coordinates: tuple[object, ...]) -> int:
    """The size a big page is padded to: between 1 and 2.6 MB, fixed per page."""
    return BIG_PAGE_MIN + digest("big", *coordinates) % (BIG_PAGE_MAX - BIG_PAGE_MIN)
