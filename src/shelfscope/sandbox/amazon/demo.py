"""The demo workspace's products: fixed ASINs that the sandbox moves up and down its shelves.

The demo tracks these ASINs on US, DE and UK for the keywords below. Their rankings follow a
seeded daily walk around a different centre per keyword, so a first start already shows
history with movers: some keywords hold the top ten, some hover at the page-1 boundary and
enter or leave page 1, some live on page 2; most days they also hold a top-of-search ad,
and some days they lose it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "DEMO_ASINS",
    "DEMO_BRAND",
    "DEMO_KEYWORDS",
    "DEMO_MARKETPLACES",
    "DEMO_PRODUCTS",
    "DemoProduct",
    "demo_keyword_asins",
    "demo_product",
]

DEMO_BRAND = "Lumora"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoProduct:
    """A demo ASIN's fixed facts; prices in USD convert like every other product's."""

    asin: str
    category: str
    base_usd: Decimal
    rating: Decimal
    review_base: int
    bsr_base: int
    titles: dict[str, str]
    """Title per UI language; languages without one use English."""


DEMO_PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct(
        asin="B0D7KQ3M2X",
        category="kitchen",
        base_usd=Decimal("24.99"),
        rating=Decimal("4.6"),
        review_base=3184,
        bsr_base=412,
        titles={
            "en": "Lumora Insulated Water Bottle 32 oz, Stainless Steel, Leak-Proof Lid, Keeps Drinks Cold",
            "de": "Lumora Trinkflasche Edelstahl 1 l, Isolierflasche auslaufsicher, hält 24 h kalt",
        },
    ),
    DemoProduct(
        asin="B0CZ8VN4TR",
        category="sports",
        base_usd=Decimal("32.99"),
        rating=Decimal("4.5"),
        review_base=1267,
        bsr_base=1890,
        titles={
            "en": "Lumora Yoga Mat 6mm Non-Slip, Extra Thick Exercise Mat with Carry Strap",
            "de": "Lumora Yogamatte 6 mm rutschfest, extra dicke Gymnastikmatte mit Tragegurt",
        },
    ),
    DemoProduct(
        asin="B0DF2HX9LP",
        category="sports",
        base_usd=Decimal("19.99"),
        rating=Decimal("4.4"),
        review_base=842,
        bsr_base=3560,
        titles={
            "en": "Lumora Resistance Bands Set of 5, Fabric Exercise Bands for Legs and Glutes",
            "de": "Lumora Fitnessbänder 5er Set, Widerstandsbänder aus Stoff für Beine und Po",
        },
    ),
    DemoProduct(
        asin="B0CM5RW7JD",
        category="kitchen",
        base_usd=Decimal("15.99"),
        rating=Decimal("4.3"),
        review_base=2205,
        bsr_base=980,
        titles={
            "en": "Lumora Electric Milk Frother Handheld, Rechargeable Foam Maker for Coffee",
            "de": "Lumora Milchaufschäumer elektrisch, Handmilchschäumer mit Akku für Kaffee",
        },
    ),
)

DEMO_ASINS: tuple[str, ...] = tuple(product.asin for product in DEMO_PRODUCTS)
"""The ASINs the demo workspace tracks."""

DEMO_MARKETPLACES: tuple[str, ...] = ("US", "DE", "UK")

_BOTTLE, _MAT, _BANDS, _FROTHER = DEMO_ASINS

DEMO_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {
        _BOTTLE: ("insulated water bottle", "stainless steel water bottle", "water bottle"),
        _MAT: ("yoga mat", "non slip yoga mat", "thick exercise mat"),
        _BANDS: ("resistance bands", "exercise bands for legs"),
        _FROTHER: ("milk frother", "handheld milk frother"),
    },
    "DE": {
        _BOTTLE: ("trinkflasche edelstahl", "isolierflasche", "trinkflasche"),
        _MAT: ("yogamatte", "yogamatte rutschfest", "gymnastikmatte"),
        _BANDS: ("fitnessbänder", "widerstandsbänder"),
        _FROTHER: ("milchaufschäumer", "milchaufschäumer elektrisch"),
    },
    "UK": {
        _BOTTLE: ("insulated water bottle", "metal water bottle", "water bottle"),
        _MAT: ("yoga mat", "exercise mat"),
        _BANDS: ("resistance bands", "exercise bands"),
        _FROTHER: ("milk frother", "electric milk frother"),
    },
}
"""Marketplace → demo ASIN → the keywords it ranks for there (and that the demo tracks)."""

_BY_ASIN = {product.asin: product for product in DEMO_PRODUCTS}


def demo_product(asin: str) -> DemoProduct | None:
    """The demo product with this ASIN, if it is one."""
    return _BY_ASIN.get(asin)


def demo_keyword_asins(marketplace: str, keyword: str) -> tuple[tuple[str, int], ...]:
    """Demo ASINs ranking for ``keyword`` (normalised) on ``marketplace``, each with the keyword's
    index in its list (which picks the keyword's rank band)."""
    found: list[tuple[str, int]] = []
    for asin, keywords in DEMO_KEYWORDS.get(marketplace, {}).items():
        if keyword in keywords:
            found.append((asin, DEMO_ASINS.index(asin) + keywords.index(keyword)))
    return tuple(found)
