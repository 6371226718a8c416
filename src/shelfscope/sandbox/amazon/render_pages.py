"""Product, home, CAPTCHA and error pages of the simulated storefronts.

The product page carries what the product tracker reads, where the 2026 pages put it:
``#productTitle``, ``#corePriceDisplay_desktop_feature_div`` and ``#corePrice_feature_div``,
``#acrPopover[title]`` and ``#acrCustomerReviewText``, ``#availability``, the seller in
``#offer-display-features`` and the Best Sellers Rank in ``#productDetails_detailBullets_sections1``.
The CAPTCHA reproduces the ``/errors/validateCaptcha`` form of both real variants (image and
"continue shopping"); the error page is the "dogs of Amazon" page.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.catalogue import Listing
from shelfscope.sandbox.amazon.chrome import chrome_context, request_id, token
from shelfscope.sandbox.amazon.formatting import format_count, format_date, format_price, format_rating
from shelfscope.sandbox.amazon.i18n import ui_text
from shelfscope.sandbox.amazon.padding import BIG_PAGE_MAX, BIG_PAGE_MIN, padding_chunks
from shelfscope.sandbox.amazon.randomness import digest
from shelfscope.sandbox.amazon.serp_context import product_slug, star_class
from shelfscope.sandbox.amazon.templating import render

__all__ = ["render_captcha", "render_error_page", "render_home", "render_product_page"]

_BASE_PADDING = 120_000


def _availability(item: Listing, market: AmazonMarketplace) -> tuple[str, str]:
    text = ui_text(market)
    if item.availability == "unavailable":
        return text.unavailable, "a-color-price"
    if item.availability == "low_stock":
        return text.only_left.format(count=item.stock_left), "a-color-price"
    if item.availability == "dispatch_later":
        return text.dispatch, "a-color-success"
    return text.in_stock, "a-color-success"


def _bullets(item: Listing, market: AmazonMarketplace) -> list[str]:
    features = ui_text(market).title_features
    start = digest("bullets", item.asin) % len(features)
    return [f"{features[(start + n) % len(features)]} – {item.title}" for n in range(5)]  # noqa: RUF001


def render_product_page(
    *, market: AmazonMarketplace, item: Listing, day: date, root: str, big: bool
) -> bytes:
    """The detail page of ``item`` as ``market`` shows it on ``day``."""
    text = ui_text(market)
    rid = request_id("product", market.code, item.asin, day.isoformat())
    context = chrome_context(market=market, root=root, query="", rid=rid, page_type="Detail")
    rating = format_rating(item.rating, lang=text.lang)
    stars = text.stars.format(rating=rating)
    category = text.categories[item.category]
    savings = None
    if item.price is not None and item.list_price:
        savings = round((1 - item.price / item.list_price) * 100)
    context |= {
        "asin": item.asin,
        "title": item.title,
        "page_title": f"Amazon.{context['tld']}: {item.title} : {category}",
        "slug": product_slug(item.title),
        "brand": item.brand,
        "visit_store": text.visit_store.format(brand=item.brand),
        "store_id": token(36, "store", item.brand),
        "category": item.category,
        "image_id": item.image_id,
        "rating": rating,
        "stars_text": stars,
        "star_class": star_class(item.rating),
        "review_count": format_count(item.review_count, lang=text.lang),
        "reviews_label": text.reviews.format(count=format_count(item.review_count, lang=text.lang)),
        "price": None if item.price is None else format_price(item.price, marketplace=market.code),
        "list_price": None
        if item.list_price is None
        else format_price(item.list_price, marketplace=market.code),
        "savings": savings,
        "bullets": _bullets(item, market),
        "seller": f"Amazon.{context['tld']}" if digest("seller", item.asin) % 3 else item.brand,
        "offer_id": token(120, "offer", item.asin, market.code),
        "merchant_id": "A" + token(13, "merchant", item.asin).upper().replace("-", "K").replace("_", "Q"),
        "bsr_main": text.rank_in.format(rank=format_count(item.bsr, lang=text.lang), category=category),
        "bsr_sub": text.rank_in.format(
            rank=format_count(item.sub_bsr, lang=text.lang), category=item.subcategory
        ),
        "see_top": text.see_top.format(category=category),
        "first_available": format_date(
            date(2023, 1, 1).fromordinal(738_000 + digest("first", item.asin) % 900), text=text
        ),
        "head_padding": padding_chunks(8_000, "product-head", item.asin),
        "body_padding": [],
    }
    availability_text, availability_class = _availability(item, market)
    context |= {"availability_text": availability_text, "availability_class": availability_class}
    html = render("product.html", p=context)
    target = _BASE_PADDING
    if big:
        target = (
            BIG_PAGE_MIN + digest("big", item.asin, market.code) % (BIG_PAGE_MAX - BIG_PAGE_MIN) - len(html)
        )
    context["body_padding"] = padding_chunks(max(0, target), "product-body", item.asin, market.code)
    return render("product.html", p=context).encode()


def render_home(*, market: AmazonMarketplace, root: str) -> bytes:
    """The storefront's home page: no results, just the chrome (what a session warm-up fetches)."""
    context = chrome_context(
        market=market, root=root, query="", rid=request_id("home", market.code), page_type="Gateway"
    )
    return render("home.html", p=context).encode()


def render_captcha(
    *,
    market: AmazonMarketplace,
    root: str,
    amzn: str,
    return_to: str,
    characters: str,
    style: Literal["continue_shopping", "image"],
) -> bytes:
    """The robot check, in either real variant; ``characters`` solve it."""
    context = chrome_context(
        market=market, root=root, query="", rid=request_id("captcha", amzn), page_type="Captcha"
    )
    context |= {
        "image": style == "image",
        "amzn": amzn,
        "return_to": return_to,
        "characters": characters,
        "image_dir": token(8, "captcha-dir", amzn).lower(),
        "image_name": token(10, "captcha-img", amzn).lower(),
    }
    return render("captcha.html", p=context).encode()


def render_error_page(*, market: AmazonMarketplace, root: str, status: Literal[404, 503], rid: str) -> bytes:
    """The "dogs of Amazon" page: 503 "Sorry! Something went wrong!" or 404 "Page not found"."""
    context = chrome_context(market=market, root=root, query="", rid=rid, page_type="Error")
    text = context["text"]
    if status == 503:
        title, heading, message = text.dogs_title, text.dogs_title, text.dogs_text
    else:
        title, heading, message = "Page Not Found", "Sorry! We couldn't find that page.", text.no_results_hint
    context |= {
        "status": status,
        "title": title,
        "heading": heading,
        "message": message,
        "dog": f"{1 + digest('dog', rid) % 60}",
    }
    return render("dogs.html", p=context).encode()
