"""The deterministic catalogue: products, what each keyword finds, and listings per marketplace and day.

Any keyword gives plausible results: its shelf is generated from a hash of (seed, keyword) with
one category and a handful of brands, like a real shelf. A product's facts depend only on
(seed, ASIN), so the same ASIN is the same product on every page and in every marketplace;
what changes by marketplace and day is its listing: price in the local currency (with deals
some weeks), review count (which only grows), Best Sellers Rank (a daily walk) and stock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.demo import DEMO_BRAND, DEMO_KEYWORDS, demo_product
from shelfscope.sandbox.amazon.i18n import ui_text
from shelfscope.sandbox.amazon.randomness import digest, pick, unit, walk
from shelfscope.sandbox.amazon.words import AMAZON_BRANDS, BRANDS, CATEGORIES, CATEGORY_NOUNS, CATEGORY_PRICES

__all__ = [
    "FX_RATES",
    "MAX_PAGES",
    "PAGE_SIZE",
    "Availability",
    "KeywordPool",
    "Listing",
    "ProductSpec",
    "keyword_pool",
    "listing",
    "make_asin",
    "normalise_keyword",
    "product_spec",
]

PAGE_SIZE = 48
"""Organic results per page in the desktop grid ("1-48 of …")."""
MAX_PAGES = 7
"""Amazon stops paginating after 7 pages of the grid, however many results it claims."""

FX_RATES: dict[str, float] = {
    "USD": 1.0, "CAD": 1.37, "MXN": 18.5, "BRL": 5.4, "GBP": 0.79, "EUR": 0.92, "SEK": 10.5, "PLN": 3.95,
    "TRY": 34.0, "AED": 3.67, "SAR": 3.75, "EGP": 49.0, "ZAR": 18.2, "INR": 84.0, "JPY": 150.0, "AUD": 1.52,
    "SGD": 1.34,
}  # fmt: skip
"""Approximate units per US dollar; catalogue prices are set in USD and converted."""

_ASIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_OVER_TOTALS = (1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 50000, 60000, 90000)
_BRANDS_PER_KEYWORD = 10
_REVIEW_EPOCH = date(2024, 1, 1)
_ENDINGS = (Decimal("0.99"), Decimal("0.95"), Decimal("0.49"), Decimal("0.99"), Decimal("0.00"))

Availability = Literal["in_stock", "low_stock", "dispatch_later", "unavailable"]


def normalise_keyword(keyword: str) -> str:
    """Case and whitespace folded: ``"  Yoga  MAT"`` and ``"yoga mat"`` are one shelf."""
    return " ".join(keyword.casefold().split())


def make_asin(*parts: object) -> str:
    """A valid-looking ASIN (``B0`` + 8 of ``0-9A-Z``) fixed by ``parts``."""
    value = digest("asin", *parts)
    chars = []
    for _ in range(8):
        value, index = divmod(value, len(_ASIN_ALPHABET))
        chars.append(_ASIN_ALPHABET[index])
    return "B0" + "".join(chars)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductSpec:
    """What a product is, whatever marketplace or day."""

    asin: str
    brand: str
    category: str
    base_usd: Decimal
    rating: Decimal
    review_base: int
    bsr_base: int
    amazon_brand: bool
    demo: bool = False


def _log_uniform(low: float, high: float, fraction: float) -> float:
    return math.exp(math.log(low) + (math.log(high) - math.log(low)) * fraction)


def _category_of(seed: int, asin: str) -> str:
    return CATEGORIES[digest(seed, "category", asin) % len(CATEGORIES)]


def _brand_of(seed: int, asin: str) -> str:
    if unit(seed, "amazon-brand", asin) < 0.01:
        return pick(AMAZON_BRANDS, seed, asin)
    return BRANDS[digest(seed, "brand", asin) % len(BRANDS)]


@lru_cache(maxsize=65536)
def product_spec(seed: int, asin: str) -> ProductSpec:
    """The product behind ``asin`` (any valid ASIN is a product; demo ASINs are the demo's)."""
    demo = demo_product(asin)
    if demo is not None:
        return ProductSpec(
            asin=asin, brand=DEMO_BRAND, category=demo.category, base_usd=demo.base_usd, rating=demo.rating,
            review_base=demo.review_base, bsr_base=demo.bsr_base, amazon_brand=False, demo=True,
        )  # fmt: skip
    category = _category_of(seed, asin)
    brand = _brand_of(seed, asin)
    amazon_brand = brand in AMAZON_BRANDS
    low, high = CATEGORY_PRICES[category]
    rating = (Decimal(30 + int(20 * unit(seed, "rating", asin) ** 0.6)) / 10).quantize(Decimal("0.1"))
    return ProductSpec(
        asin=asin,
        brand=brand,
        category=category,
        base_usd=Decimal(f"{_log_uniform(low, high, unit(seed, 'price', asin)):.2f}"),
        rating=min(rating, Decimal("4.9")),
        review_base=int(_log_uniform(3, 60000, unit(seed, "reviews", asin))),
        bsr_base=int(_log_uniform(40, 400000, unit(seed, "bsr", asin))),
        amazon_brand=amazon_brand,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordPool:
    """The products a keyword finds, most relevant first, and the total the page claims."""

    keyword: str
    category: str
    asins: tuple[str, ...]
    total_results: int
    over: bool
    """Whether the count reads "over N" (a lower bound) rather than an exact total."""

    @property
    def last_page(self) -> int:
        return max(1, min(MAX_PAGES, math.ceil(len(self.asins) / PAGE_SIZE)))


def _demo_category(keyword: str) -> str | None:
    for per_asin in DEMO_KEYWORDS.values():
        for asin, keywords in per_asin.items():
            demo = demo_product(asin)
            if keyword in keywords and demo is not None:
                return demo.category
    return None


@lru_cache(maxsize=1024)
def keyword_pool(seed: int, keyword: str) -> KeywordPool:
    """The shelf of ``keyword`` (normalised): one category, ten brands, up to 7 pages of products."""
    keyword = normalise_keyword(keyword)
    demo_category = _demo_category(keyword)
    category = demo_category or CATEGORIES[digest(seed, "keyword-category", keyword) % len(CATEGORIES)]
    if demo_category is not None or unit(seed, "keyword-size", keyword) >= 0.2:
        over, total, size = True, pick(_OVER_TOTALS, seed, "total", keyword), PAGE_SIZE * MAX_PAGES
    else:
        total = 12 + digest(seed, "exact-total", keyword) % 320
        over, size = False, total
    first_brand = digest(seed, "brands", keyword) % len(BRANDS)
    brands = {BRANDS[(first_brand + 5 * step) % len(BRANDS)] for step in range(_BRANDS_PER_KEYWORD)}
    brands |= set(AMAZON_BRANDS)
    asins: dict[str, None] = {}
    attempt = 0
    while len(asins) < size:
        asin = make_asin(seed, keyword, attempt)
        attempt += 1
        if _category_of(seed, asin) == category and _brand_of(seed, asin) in brands:
            asins[asin] = None
    return KeywordPool(keyword=keyword, category=category, asins=tuple(asins), total_results=total, over=over)


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    """A product as one marketplace shows it on one day."""

    asin: str
    marketplace: str
    brand: str
    title: str
    category: str
    subcategory: str
    price: Decimal | None
    """``None`` while unavailable: no offer, no price on the card or the page."""
    list_price: Decimal | None
    """The struck-through "List:"/"UVP:" price during a deal."""
    currency: str
    rating: Decimal
    review_count: int
    bsr: int
    sub_bsr: int
    availability: Availability
    stock_left: int | None
    amazon_brand: bool
    image_id: str


def _retail(amount: float, currency: str, ending: Decimal) -> Decimal:
    if currency == "JPY":
        return Decimal(max(100, round(amount / 10) * 10 - 20))
    if currency == "INR":
        return Decimal(max(99, round(amount / 100) * 100 - 1))
    return Decimal(max(1, int(amount))) + ending


def _prices(
    seed: int, spec: ProductSpec, market: AmazonMarketplace, day: date
) -> tuple[Decimal, Decimal | None]:
    factor = 0.9 + 0.25 * unit(seed, "market-price", spec.asin, market.code)
    amount = float(spec.base_usd) * FX_RATES[market.currency] * factor
    ending = pick(_ENDINGS, seed, "ending", spec.asin, market.code)
    retail = _retail(amount, market.currency, ending)
    year, week, _ = day.isocalendar()
    if unit(seed, "deal", spec.asin, market.code, year, week) >= 0.12:
        return retail, None
    discount = 0.10 + 0.20 * unit(seed, "discount", spec.asin, market.code, year, week)
    return _retail(amount * (1 - discount), market.currency, ending), retail


def _availability(seed: int, asin: str, market: str, day: date) -> tuple[Availability, int | None]:
    draw = unit(seed, "availability", asin, market, day.isoformat())
    if draw < 0.015:
        return "unavailable", None
    if draw < 0.05:
        return "low_stock", 1 + digest(seed, "stock", asin, market, day.isoformat()) % 9
    if draw < 0.07:
        return "dispatch_later", None
    return "in_stock", None


def _title(spec: ProductSpec, market: AmazonMarketplace, keyword: str | None) -> tuple[str, str]:
    """(title, subcategory) in the marketplace's language."""
    text = ui_text(market)
    demo = demo_product(spec.asin)
    if demo is not None:
        return demo.titles.get(text.lang, demo.titles["en"]), text.categories[spec.category]
    if keyword:
        words = normalise_keyword(keyword).split()
        name = " ".join(w.capitalize() for w in words) if text.lang == "en" else keyword.capitalize()
    else:
        name = pick(CATEGORY_NOUNS[spec.category], "noun", spec.asin)
    first = pick(text.title_features, "feature-1", spec.asin)
    second = pick(text.title_features, "feature-2", spec.asin)
    colour = pick(text.colours, "colour", spec.asin)
    features = first if first == second else f"{first}, {second}"
    return f"{spec.brand} {name}, {features} ({colour})", name


def listing(
    seed: int, market: AmazonMarketplace, asin: str, day: date, *, keyword: str | None = None
) -> Listing:
    """``asin`` as ``market`` lists it on ``day``; ``keyword`` names it the way its search shelf does."""
    spec = product_spec(seed, asin)
    price: Decimal | None
    list_price: Decimal | None
    price, list_price = _prices(seed, spec, market, day)
    availability, stock_left = _availability(seed, asin, market.code, day)
    if availability == "unavailable":
        price = list_price = None
    days = max(0, (day - _REVIEW_EPOCH).days)
    bsr = max(1, round(spec.bsr_base * math.exp(0.08 * walk(f"{seed}|bsr|{asin}|{market.code}", day))))
    title, subcategory = _title(spec, market, keyword)
    return Listing(
        asin=asin,
        marketplace=market.code,
        brand=spec.brand,
        title=title,
        category=spec.category,
        subcategory=subcategory,
        price=price,
        list_price=list_price,
        currency=market.currency,
        rating=spec.rating,
        review_count=spec.review_base + spec.review_base * days // 1500,
        bsr=bsr,
        sub_bsr=max(1, bsr // (20 + digest(seed, "sub-bsr", asin) % 200)),
        availability=availability,
        stock_left=stock_left,
        amazon_brand=spec.amazon_brand,
        image_id=f"{digest(seed, 'image', asin) % 10**11:011d}"[:3] + asin[2:9],
    )
