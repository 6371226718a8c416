"""View models of the search page's non-card rows: banner, carousels, video ad, related searches, filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote, quote_plus

from shelfscope.sandbox.amazon.catalogue import keyword_pool, product_spec
from shelfscope.sandbox.amazon.chrome import page_uuid, token
from shelfscope.sandbox.amazon.formatting import format_count, format_price
from shelfscope.sandbox.amazon.layout import BannerRow, CarouselRow, VideoRow
from shelfscope.sandbox.amazon.randomness import digest
from shelfscope.sandbox.amazon.serp_context import SerpContext, product_slug, stars

__all__ = ["banner_view", "carousel_view", "refinements", "related_terms", "video_view"]


def _tile(page: SerpContext, asin: str, *, sponsored: bool, index: int) -> dict[str, Any]:
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
        **stars(page, item),
    }


def banner_view(page: SerpContext, row: BannerRow, data_index: int) -> dict[str, Any]:
    click = page.aax_click(
        f"https://www.{page.market.domain}/stores/{quote(row.brand)}/page/{page_uuid('store', row.brand)}",
        row.brand,
    )
    items = []
    for asin in row.asins:
        item = page.listing(asin)
        star_values = stars(page, item)
        count = format_count(item.review_count, lang=page.text.lang)
        items.append(
            {
                "asin": asin,
                "title": item.title,
                "image_id": item.image_id,
                "count": count,
                "rating_label": f"{star_values['stars_text']} ({count})",
                **star_values,
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


def carousel_view(page: SerpContext, row: CarouselRow, data_index: int) -> dict[str, Any]:
    return {
        "kind": "carousel",
        "data_index": data_index,
        "uuid": page_uuid("carousel", data_index, *page.coordinates),
        "sponsored": row.sponsored,
        "slot": "sptw-cfv-exact-match-inline-desktop" if row.sponsored else "top-rated-inline-desktop",
        "heading": page.text.frequently_viewed if row.sponsored else page.text.top_rated,
        "tiles": [_tile(page, asin, sponsored=row.sponsored, index=n) for n, asin in enumerate(row.asins, 1)],
    }


def video_view(page: SerpContext, row: VideoRow, data_index: int) -> dict[str, Any]:
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
        **stars(page, item),
    }


def related_terms(page: SerpContext) -> list[tuple[str, str]]:
    keyword = page.plan.keyword
    pool = keyword_pool(page.seed, keyword)
    brands = list(dict.fromkeys(product_spec(page.seed, asin).brand.lower() for asin in pool.asins[:40]))
    suffixes = ["set", "large", "pack", "premium"] if page.text.lang == "en" else brands[4:8]
    terms = [f"{keyword} {brand}" for brand in brands[:4]] + [f"{keyword} {suffix}" for suffix in suffixes]
    return [(term, quote_plus(term)) for term in terms]


def refinements(page: SerpContext) -> list[dict[str, Any]]:
    pool = keyword_pool(page.seed, page.plan.keyword)
    brands = sorted({product_spec(page.seed, asin).brand for asin in pool.asins[:96]})
    node = 10_000_000 + digest("node", pool.category) % 9_000_000
    prices = [format_price(Decimal(limit), marketplace=page.market.code).text for limit in (25, 50, 100, 200)]
    return [
        {"id": "p_123", "title": "Brands", "options": [(brand, node) for brand in brands]},
        {
            "id": "p_72",
            "title": page.text.customer_reviews,
            "options": [(page.text.stars.format(rating="4"), node)],
        },
        {"id": "p_36", "title": "Price", "options": [(price, node) for price in prices]},
    ]
