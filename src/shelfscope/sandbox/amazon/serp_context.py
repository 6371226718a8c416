"""The shared state of one search page being drawn: its plan, ids, tokens and link builders.

Links follow the real patterns: organic cards point at ``/Title-Slug/dp/ASIN/ref=sr_1_N``, ads at
``/sspa/click?…&url=%2F…%2Fdp%2FASIN%2Fref%3Dsr_1_N_sspa…``, video and banner ads at aax click
URLs. ``root`` prefixes site-relative links so that pages reached through the sandbox's path
(``/amazon/de/s?k=…``) link within it, while pages reached by host name link like the real site.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote, quote_plus

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.catalogue import Listing
from shelfscope.sandbox.amazon.chrome import token
from shelfscope.sandbox.amazon.formatting import format_rating
from shelfscope.sandbox.amazon.i18n import UiText, ui_text
from shelfscope.sandbox.amazon.layout import SearchPage
from shelfscope.sandbox.amazon.randomness import digest
from shelfscope.sandbox.amazon.truth import card_listing, planned_page

__all__ = ["SerpContext", "abbreviated_count", "page_corrections", "product_slug", "star_class", "stars"]


def product_slug(title: str) -> str:
    """The URL slug Amazon puts before ``/dp/``: the title's first words, dash-joined."""
    words = ["".join(ch for ch in word if ch.isalnum()) for word in title.split()]
    return quote("-".join(word for word in words if word)[:60].strip("-") or "dp", safe="-")


def star_class(rating: Decimal, size: str = "mini") -> str:
    """``a-star-mini-4-5`` for 4.3-4.7: stars round to the nearest half."""
    halves = int((rating * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    whole, half = divmod(halves, 2)
    return f"a-star-{size}-{whole}-5" if half else f"a-star-{size}-{whole}"


class SerpContext:
    """Values shared by every row of one page, and the link builders that need them."""

    def __init__(self, *, seed: int, market: AmazonMarketplace, plan: SearchPage, root: str) -> None:
        self.seed, self.market, self.plan, self.root = seed, market, plan, root
        self.text: UiText = ui_text(market)
        coordinates = (seed, market.code, plan.keyword, plan.page, plan.day.isoformat())
        self.coordinates = coordinates
        self.qid = (
            1_700_000_000 + (plan.day.toordinal() - 738_000) * 86_400 + digest("qid", *coordinates) % 86_400
        )
        self.dib = (
            "eyJ2IjoiMSJ9." + token(320, "dib", *coordinates) + "." + token(43, "dib-sig", *coordinates)
        )
        self.keyword_q = quote_plus(plan.corrected_query or plan.query)
        self.cards_before = sum(
            len(
                planned_page(
                    seed, market, plan.query, earlier, plan.day, corrections=page_corrections(plan)
                ).cards
            )
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
        return (
            f"https://aax-{fls}.{self.market.domain}/x/c/{token(96, 'aax', *parts, *self.coordinates)}/{path}"
        )


def page_corrections(plan: SearchPage) -> dict[str, str]:
    return {plan.query: plan.corrected_query} if plan.corrected_query else {}


def stars(page: SerpContext, item: Listing) -> dict[str, str]:
    rating = format_rating(item.rating, lang=page.text.lang)
    stars = page.text.stars.format(rating=rating)
    return {"stars_text": stars, "star_class": star_class(item.rating), "rating": rating}


def abbreviated_count(count: int) -> str:
    if count < 1000:
        return f"({count})"
    return f"({count / 1000:.1f}K)".replace(".0K", "K")
