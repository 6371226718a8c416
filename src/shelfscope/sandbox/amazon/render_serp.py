"""Search pages drawn from a :class:`~.layout.SearchPage` plan, in the 2025-26 desktop layout.

Links follow the real patterns: organic cards point at ``/Title-Slug/dp/ASIN/ref=sr_1_N``, ads at
``/sspa/click?…&url=%2F…%2Fdp%2FASIN%2Fref%3Dsr_1_N_sspa…``, video and banner ads at aax click
URLs. ``root`` prefixes site-relative links so that pages reached through the sandbox's path
(``/amazon/de/s?k=…``) link within it, while pages reached by host name (``www.amazon.de``)
link like the real site.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote, quote_plus

from markupsafe import Markup

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.catalogue import Listing, keyword_pool, product_spec
from shelfscope.sandbox.amazon.chrome import chrome_context, page_uuid, request_id, token
from shelfscope.sandbox.amazon.formatting import format_count, format_date, format_price, format_rating
from shelfscope.sandbox.amazon.i18n import UiText, ui_text
from shelfscope.sandbox.amazon.layout import (
    BannerRow,
    CardRow,
    CarouselRow,
    MessageRow,
    SearchPage,
    ShellRow,
    VideoRow,
)
from shelfscope.sandbox.amazon.padding import padding_chunks, style_block
from shelfscope.sandbox.amazon.randomness import digest
from shelfscope.sandbox.amazon.templating import render
from shelfscope.sandbox.amazon.truth import card_listing, planned_page, serp_truth, shows_brand_line

__all__ = ["product_slug", "render_search_page", "star_class"]

_BASE_PADDING = 60_000
_US_STYLE = frozenset({"US", "CA"})


def product_slug(title: str) -> str:
    """The URL slug Amazon puts before ``/dp/``: the title's first words, dash-joined."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in title.split()]
    return quote("-".join(word for word in words if word)[:60].strip("-") or "dp", safe="-")


def star_class(rating: Decimal, size: str = "mini") -> str:
    """``a-star-mini-4-5`` for 4.3-4.7: stars round to the nearest half."""
    halves = int((rating * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    whole, half = divmod(halves, 2)
    return f"a-star-{size}-{whole}-5" if half else f"a-star-{size}-{whole}"


class _Page:
    """Values shared by every row of one page, and the link builders that need them."""

    def __init__(self, *, seed: int, market: AmazonMarketplace, plan: SearchPage, root: str) -> None:
        self.seed, self.market, self.plan, self.root = seed, market, plan, root
        self.text: UiText = ui_text(market)
        coordinates = (seed, market.code, plan.keyword, plan.page, plan.day.isoformat())
        self.coordinates = coordinates
        self.qid = 1_700_000_000 + (plan.day.toordinal() - 738_000) * 86_400 + digest("qid", *coordinates) % 86_400
        self.dib = "eyJ2IjoiMSJ9." + token(320, "dib", *coordinates) + "." + token(43, "dib-sig", *coordinates)
        self.keyword_q = quote_plus(plan.corrected_query or plan.query)
        self.cards_before = sum(
            len(planned_page(seed, market, plan.query, earlier, plan.day, corrections=_corrections(plan)).cards)
            for earlier in range(1, min(plan.page, plan.last_page + 1))
        )

    def listing(self, asin: str) -> Listing:
        return card_listing(self.seed, self.market, self.plan, asin)

    def product_path(self, item: Listing, ref: str, sr: int, *, sponsored: bool) -> str:
        spons = "-spons" if sponsored else ""
        return (
            f"/{product_slug(item.title)}/dp/{item.asin}/ref={ref}?dib={self.dib}&dib_tag=se"
            f"&keywords={self.keyword_q}&qid={self.qid}&sr=8-{sr}{spons}"
        )

    def ad_click(self, path: str, *parts: object) -> str:
        spc = token(56, "spc", *parts, *self.coordinates)
        return f"{self.root}/sspa/click?ie=UTF8&spc={spc}&url={quote(path, safe='')}"

    def aax_click(self, path: str, *parts: object) -> str:
        fls = "na" if self.market.region == "NA" else self.market.region.lower()
        return f"https://aax-{fls}.{self.market.domain}/x/c/{token(96, 'aax', *parts, *self.coordinates)}/{path}"


def _corrections(plan: SearchPage) -> dict[str, str]:
    return {plan.query: plan.corrected_query} if plan.corrected_query else {}


def _stars(page: _Page, item: Listing) -> dict[str, str]:
    rating = format_rating(item.rating, lang=page.text.lang)
    stars = page.text.stars.format(rating=rating)
    return {"stars_text": stars, "star_class": star_class(item.rating), "rating": rating}


def _abbreviated(count: int) -> str:
    if count < 1000:
        return f"({count})"
    return f"({count / 1000:.1f}K)".replace(".0K", "K")


def _card(page: _Page, row: CardRow, data_index: int) -> dict[str, Any]:
    item = page.listing(row.asin)
    text, market = page.text, page.market
    sr = page.cards_before + row.position
    ffob = row.amazon_brand_ad and text.lang == "en"
    ref = f"sr_1_{sr}_ffob_sspa" if ffob else (f"sr_1_{sr}_sspa" if row.sponsored else f"sr_1_{sr}")
    path = page.product_path(item, ref, sr, sponsored=row.sponsored)
    href = page.ad_click(path, row.asin, sr) if row.sponsored else page.root + path
    reviews_href = page.ad_click(path + "#customerReviews", row.asin, sr) if row.sponsored else href + "#customerReviews"
    stars = _stars(page, item)
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
        "label_popover": json.dumps({"position": "triggerVertical", "inlineContent": label, "name": "sp-info"}),
        "ad_prefix": f"{text.sponsored_ad} – " if row.sponsored else "",  # noqa: RUF001 - Amazon's en dash
        "href": href,
        "reviews_href": reviews_href,
        "title": item.title,
        "brand": item.brand if shows_brand_line(market) else None,
        "image_id": item.image_id,
        "best_seller": row.organic_rank == 1 and page.plan.page == 1 and item.bsr < 5000,
        "visible_rating": stars["rating"] if us_style else None,
        "stars_text": stars["stars_text"],
        "star_class": stars["star_class"],
        "popover_label": f"{stars['stars_text']}, rating details",
        "rating_popover": json.dumps(
            {
                "url": f"/review/widgets/average-customer-review/popover/ref=acr_search__popover?ie=UTF8&asin={row.asin}&ref_=acr_search__popover&contextId=search",
                "position": "triggerBottom",
                "closeButton": True,
                "popoverLabel": f"{stars['stars_text']}, rating details",
            }
        ),
        "ratings_aria": text.ratings.format(count=count),
        "ratings_visible": _abbreviated(item.review_count) if us_style else count,
        "price": None if item.price is None else format_price(item.price, marketplace=market.code),
        "list_price": None if item.list_price is None else format_price(item.list_price, marketplace=market.code),
        "deal_badge": "Limited time deal" if item.list_price is not None and text.lang == "en" else None,
        "delivery": format_date(page.plan.day.fromordinal(page.plan.day.toordinal() + 2 + digest("ship", row.asin) % 4), text=text),
        "fastest": format_date(page.plan.day.fromordinal(page.plan.day.toordinal() + 1), text=text),
        "impression_props": json.dumps(
            {
                "percentageShownToFire": "50",
                "batchable": True,
                "requiredElementSelector": ".s-image:visible",
                "url": f"https://unagi-{page.market.region.lower()}.amazon.com/1/events/com.amazon.eel.SponsoredProductsEventTracking.prod?qualifier={page.qid}&id={token(32, 'imp', row.asin, *page.coordinates)}",
            }
        ),
        "atcb_props": json.dumps({"cartType": "DEFAULT", "locale": market.locale.replace("_", "-")}),
        "offer_id": token(120, "offer", row.asin, market.code),
        "merchant_id": "A" + token(13, "merchant", row.asin).upper().replace("-", "K").replace("_", "Q"),
    }


def _tile(page: _Page, asin: str, *, sponsored: bool, index: int) -> dict[str, Any]:
    item = page.listing(asin)
    ref = f"sxin_{index}_sp_search_thematic" if sponsored else f"sxin_{index}_pb"
    path = page.product_path(item, ref, index, sponsored=sponsored)
    return {
        "asin": asin,
        "title": item.title,
        "alt": f"{page.text.sponsored_ad} – {item.title}" if sponsored else item.title,  # noqa: RUF001
        "href": page.ad_click(path, asin, "tile", index) if sponsored else page.root + path,
        "image_id": item.image_id,
        "count": format_count(item.review_count, lang=page.text.lang),
        "price": None if item.price is None else format_price(item.price, marketplace=page.market.code),
        **_stars(page, item),
    }


def _banner(page: _Page, row: BannerRow, data_index: int) -> dict[str, Any]:
    click = page.aax_click(f"https://www.{page.market.domain}/stores/{quote(row.brand)}/page/{page_uuid('store', row.brand)}", row.brand)
    items = []
    for asin in row.asins:
        item = page.listing(asin)
        stars = _stars(page, item)
        items.append(
            {
                "asin": asin,
                "title": item.title,
                "image_id": item.image_id,
                "count": format_count(item.review_count, lang=page.text.lang),
                "rating_label": f"{stars['stars_text']} ({format_count(item.review_count, lang=page.text.lang)})",
                **stars,
            }
        )
    return {
        "kind": "banner",
        "data_index": data_index,
        "uuid": page_uuid("banner", *page.coordinates),
        "token": token(64, "banner", *page.coordinates),
        "brand": row.brand,
        "headline": f"{row.brand} – {page.plan.keyword.capitalize()}",  # noqa: RUF001
        "click": click,
        "tiles": items,
        "ad_id": digest("ad", row.brand) % 10**15,
        "campaign_id": digest("campaign", row.brand) % 10**15,
    }


def _carousel(page: _Page, row: CarouselRow, data_index: int) -> dict[str, Any]:
    return {
        "kind": "carousel",
        "data_index": data_index,
        "uuid": page_uuid("carousel", data_index, *page.coordinates),
        "sponsored": row.sponsored,
        "slot": "sptw-cfv-exact-match-inline-desktop" if row.sponsored else "top-rated-inline-desktop",
        "heading": page.text.frequently_viewed if row.sponsored else page.text.top_rated,
        "tiles": [_tile(page, asin, sponsored=row.sponsored, index=n) for n, asin in enumerate(row.asins, 1)],
    }


def _video(page: _Page, row: VideoRow, data_index: int) -> dict[str, Any]:
    item = page.listing(row.asin)
    product_url = (
        f"https://www.{page.market.domain}/{product_slug(item.title)}/dp/{row.asin}/ref=sxin_16_sbv_search_btf"
        f"?cv_ct_cx={page.keyword_q}&keywords={page.keyword_q}&pd_rd_i={row.asin}&qid={page.qid}"
    )
    return {
        "kind": "video",
        "data_index": data_index,
        "uuid": page_uuid("video", data_index, *page.coordinates),
        "token": token(64, "video", *page.coordinates),
        "asin": row.asin,
        "title": item.title,
        "image_id": item.image_id,
        "click": page.aax_click(product_url, row.asin, "video"),
        "price": None if item.price is None else format_price(item.price, marketplace=page.market.code),
        **_stars(page, item),
    }


def _related_terms(page: _Page) -> list[tuple[str, str]]:
    keyword = page.plan.keyword
    pool = keyword_pool(page.seed, keyword)
    brands = list(dict.fromkeys(product_spec(page.seed, asin).brand.lower() for asin in pool.asins[:40]))
    suffixes = ["set", "large", "pack", "premium"] if page.text.lang == "en" else brands[4:8]
    terms = [f"{keyword} {brand}" for brand in brands[:4]] + [f"{keyword} {suffix}" for suffix in suffixes]
    return [(term, quote_plus(term)) for term in terms]


def _row(page: _Page, row: object, data_index: int) -> dict[str, Any]:
    if isinstance(row, CardRow):
        return _card(page, row, data_index)
    if isinstance(row, BannerRow):
        return _banner(page, row, data_index)
    if isinstance(row, CarouselRow):
        return _carousel(page, row, data_index)
    if isinstance(row, VideoRow):
        return _video(page, row, data_index)
    assert isinstance(row, MessageRow | ShellRow)
    view: dict[str, Any] = {"kind": row.kind, "data_index": data_index}
    view["uuid"] = page_uuid(row.kind, data_index, *page.coordinates)
    if row.kind == "related":
        view["terms"] = _related_terms(page)
    return view


def _refinements(page: _Page) -> list[dict[str, Any]]:
    pool = keyword_pool(page.seed, page.plan.keyword)
    brands = sorted({product_spec(page.seed, asin).brand for asin in pool.asins[:96]})
    node = 10_000_000 + digest("node", pool.category) % 9_000_000
    prices = [format_price(Decimal(limit), marketplace=page.market.code).text for limit in (25, 50, 100, 200)]
    return [
        {"id": "p_123", "title": "Brands", "options": [(brand, node) for brand in brands]},
        {"id": "p_72", "title": page.text.customer_reviews, "options": [(page.text.stars.format(rating="4"), node)]},
        {"id": "p_36", "title": "Price", "options": [(price, node) for price in prices]},
    ]


def render_search_page(
    *, seed: int, market: AmazonMarketplace, plan: SearchPage, root: str, big: bool
) -> bytes:
    """The HTML of ``plan`` as UTF-8; ``big`` pads it to 1-2.6 MB like a real desktop page."""
    page = _Page(seed=seed, market=market, plan=plan, root=root)
    rows = [_row(page, row, index) for index, row in enumerate(plan.rows, start=1)]
    truth = serp_truth(seed, market, plan.query, plan.page, plan.day, corrections=_corrections(plan))
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
        "refinements": _refinements(page),
        "page_href": lambda n: f"{root}/s?k={page.keyword_q}&page={n}&qid={page.qid}&ref=sr_pg_{n}",
        "banner_style": style_block(9000),
        "weblabs_json": Markup(json.dumps({"weblabs": list(context["wlab_states"].striptags()[:200])})),  # noqa: S704
        "url_state": Markup(json.dumps({"k": plan.query, "page": str(plan.page), "qid": str(page.qid)}).replace("<", "\\u003c")),  # noqa: S704
        "head_padding": padding_chunks(8_000, "head", *page.coordinates),
        "body_padding": [],
    }
    html = render("serp.html", p=context)
    target = _BASE_PADDING
    if big:
        target = BIG_TARGETS(page.coordinates) - len(html.encode())
    context["body_padding"] = padding_chunks(max(0, target), "body", *page.coordinates)
    return render("serp.html", p=context).encode()


def BIG_TARGETS(coordinates: tuple[object, ...]) -> int:  # noqa: N802
    from shelfscope.sandbox.amazon.padding import BIG_PAGE_MAX, BIG_PAGE_MIN

    return BIG_PAGE_MIN + digest("big", *coordinates) % (BIG_PAGE_MAX - BIG_PAGE_MIN)
