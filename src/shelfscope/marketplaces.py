"""Registry of every marketplace shelfscope talks to: Amazon storefronts, Shopee and TikTok Shop.

Features need the same facts about a marketplace in many places: the storefront domain the
scraper fetches, the Accept-Language a local shopper sends, the currency a price is in, the
SP-API marketplace id, regional endpoint and Seller Central URL for the official APIs. They live
here once, as data.

Sources: marketplace ids, regional endpoints and Seller Central URLs follow Amazon's SP-API
"Marketplace IDs", "SP-API Endpoints" and authorization documentation (recorded in
``shared/reference/spapi.md`` §11; IE and ZA, which that table omits, from the Ireland launch
announcement and the per-marketplace Seller Central domains). The default locale of each
storefront follows the Product Advertising API locale reference ("Language of Preference"),
which is also what the storefront serves when no language is chosen; the Gulf and Egyptian
stores default to English (``en_AE``).

Lookups accept a code (case-insensitive; ``GB`` is an alias of ``UK``, Amazon's own code), a
storefront domain (with or without ``www.`` or a scheme) or an SP-API marketplace id, and raise
:class:`~shelfscope.errors.InvalidInput` for anything unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shelfscope.errors import InvalidInput

__all__ = [
    "AMAZON_MARKETPLACES",
    "SHOPEE_REGIONS",
    "SP_API_ENDPOINTS",
    "TIKTOK_SHOP_REGIONS",
    "AmazonMarketplace",
    "Region",
    "ShopRegion",
    "amazon_marketplace",
    "amazon_marketplace_by_domain",
    "amazon_marketplace_by_id",
    "shopee_region",
    "tiktok_shop_region",
]

Region = Literal["NA", "EU", "FE"]

SP_API_ENDPOINTS: dict[Region, str] = {
    "NA": "sellingpartnerapi-na.amazon.com",
    "EU": "sellingpartnerapi-eu.amazon.com",
    "FE": "sellingpartnerapi-fe.amazon.com",
}
"""SP-API host per selling region (AWS regions us-east-1, eu-west-1 and us-west-2)."""

_SELLER_CENTRAL_EUROPE = "https://sellercentral-europe.amazon.com"


@dataclass(frozen=True, slots=True, kw_only=True)
class AmazonMarketplace:
    """One Amazon storefront and the identifiers the official APIs use for it."""

    code: str
    """Amazon's two-letter code (``UK``, not ``GB``)."""
    country: str
    domain: str
    """Storefront domain without ``www.``: ``amazon.co.uk``."""
    marketplace_id: str
    """SP-API / Ads API marketplace id."""
    region: Region
    seller_central_url: str
    currency: str
    """ISO 4217 code of the prices the storefront shows."""
    locale: str
    """Default storefront locale, ``de_DE`` style."""

    @property
    def language(self) -> str:
        """ISO 639-1 language of the default locale."""
        return self.locale.split("_", 1)[0]

    @property
    def sp_api_endpoint(self) -> str:
        """Host of the SP-API regional endpoint that serves this marketplace."""
        return SP_API_ENDPOINTS[self.region]

    @property
    def base_url(self) -> str:
        """Storefront root as shoppers reach it."""
        return f"https://www.{self.domain}"

    @property
    def accept_language(self) -> str:
        """The Accept-Language header a local desktop browser sends.

        The fetch engine uses it so that headers, locale and the served page language agree.
        Non-English storefronts add English at a lower weight, as real browsers commonly do.
        """
        language, country = self.locale.split("_", 1)
        primary = f"{language}-{country},{language};q=0.9"
        return primary if language == "en" else f"{primary},en;q=0.8"


# (code, country, storefront domain, SP-API marketplace id, region, currency, default locale)
_AMAZON_ROWS: tuple[tuple[str, str, str, str, Region, str, str], ...] = (
    ("US", "United States", "amazon.com", "ATVPDKIKX0DER", "NA", "USD", "en_US"),
    ("CA", "Canada", "amazon.ca", "A2EUQ1WTGCTBG2", "NA", "CAD", "en_CA"),
    ("MX", "Mexico", "amazon.com.mx", "A1AM78C64UM0Y8", "NA", "MXN", "es_MX"),
    ("BR", "Brazil", "amazon.com.br", "A2Q3Y263D00KWC", "NA", "BRL", "pt_BR"),
    ("UK", "United Kingdom", "amazon.co.uk", "A1F83G8C2ARO7P", "EU", "GBP", "en_GB"),
    ("DE", "Germany", "amazon.de", "A1PA6795UKMFR9", "EU", "EUR", "de_DE"),
    ("FR", "France", "amazon.fr", "A13V1IB3VIYZZH", "EU", "EUR", "fr_FR"),
    ("IT", "Italy", "amazon.it", "APJ6JRA9NG5V4", "EU", "EUR", "it_IT"),
    ("ES", "Spain", "amazon.es", "A1RKKUPIHCS9HS", "EU", "EUR", "es_ES"),
    ("IE", "Ireland", "amazon.ie", "A28R8C7NBKEWEA", "EU", "EUR", "en_IE"),
    ("NL", "Netherlands", "amazon.nl", "A1805IZSGTT6HS", "EU", "EUR", "nl_NL"),
    ("SE", "Sweden", "amazon.se", "A2NODRKZP88ZB9", "EU", "SEK", "sv_SE"),
    ("PL", "Poland", "amazon.pl", "A1C3SOZRARQ6R3", "EU", "PLN", "pl_PL"),
    ("BE", "Belgium", "amazon.com.be", "AMEN7PMS3EDWL", "EU", "EUR", "fr_BE"),
    ("TR", "Turkey", "amazon.com.tr", "A33AVAJ2PDY3EV", "EU", "TRY", "tr_TR"),
    ("AE", "United Arab Emirates", "amazon.ae", "A2VIGQ35RCS4UG", "EU", "AED", "en_AE"),
    ("SA", "Saudi Arabia", "amazon.sa", "A17E79C6D8DWNP", "EU", "SAR", "en_AE"),
    ("EG", "Egypt", "amazon.eg", "ARBP9OOSHTCHU", "EU", "EGP", "en_AE"),
    ("ZA", "South Africa", "amazon.co.za", "AE08WJ6YKNBMC", "EU", "ZAR", "en_ZA"),
    ("IN", "India", "amazon.in", "A21TJRUUN4KGV", "EU", "INR", "en_IN"),
    ("JP", "Japan", "amazon.co.jp", "A1VC38T7YXB528", "FE", "JPY", "ja_JP"),
    ("AU", "Australia", "amazon.com.au", "A39IBJ37TRP1C6", "FE", "AUD", "en_AU"),
    ("SG", "Singapore", "amazon.sg", "A19VAU5U5O7RUS", "FE", "SGD", "en_SG"),
)

# UK, DE, FR, IT and ES share the unified European Seller Central; every other marketplace,
# the newer European ones included, has a Seller Central on its own domain.
_UNIFIED_EUROPE_SELLER_CENTRAL = frozenset({"UK", "DE", "FR", "IT", "ES"})

AMAZON_MARKETPLACES: tuple[AmazonMarketplace, ...] = tuple(
    AmazonMarketplace(
        code=code,
        country=country,
        domain=domain,
        marketplace_id=marketplace_id,
        region=region,
        seller_central_url=(
            _SELLER_CENTRAL_EUROPE
            if code in _UNIFIED_EUROPE_SELLER_CENTRAL
            else f"https://sellercentral.{domain}"
        ),
        currency=currency,
        locale=locale,
    )
    for code, country, domain, marketplace_id, region, currency, locale in _AMAZON_ROWS
)

_CODE_ALIASES = {"GB": "UK"}
_BY_CODE = {m.code: m for m in AMAZON_MARKETPLACES}
_BY_DOMAIN = {m.domain: m for m in AMAZON_MARKETPLACES}
_BY_ID = {m.marketplace_id: m for m in AMAZON_MARKETPLACES}


def _known_codes() -> str:
    return ", ".join(m.code for m in AMAZON_MARKETPLACES)


def amazon_marketplace(code: str) -> AmazonMarketplace:
    """The marketplace for a code such as ``de`` or ``GB``."""
    key = code.strip().upper()
    key = _CODE_ALIASES.get(key, key)
    try:
        return _BY_CODE[key]
    except KeyError:
        raise InvalidInput(
            f"unknown Amazon marketplace {code!r} (known: {_known_codes()})", field="marketplace"
        ) from None


def amazon_marketplace_by_domain(domain: str) -> AmazonMarketplace:
    """The marketplace for a storefront host or URL: ``www.amazon.de``, ``https://amazon.de/s?k=x``."""
    host = domain.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split(":", 1)[0].rstrip(".")
    host = host.removeprefix("www.").removeprefix("smile.")
    try:
        return _BY_DOMAIN[host]
    except KeyError:
        raise InvalidInput(f"unknown Amazon storefront domain {domain!r}", field="marketplace") from None


def amazon_marketplace_by_id(marketplace_id: str) -> AmazonMarketplace:
    """The marketplace for an SP-API marketplace id such as ``A1PA6795UKMFR9``."""
    try:
        return _BY_ID[marketplace_id.strip().upper()]
    except KeyError:
        raise InvalidInput(f"unknown Amazon marketplace id {marketplace_id!r}", field="marketplace") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class ShopRegion:
    """A regional Shopee or TikTok Shop storefront."""

    code: str
    """ISO 3166-1 alpha-2 country code of the region."""
    country: str
    domain: str
    currency: str


def _shop(code: str, country: str, domain: str, currency: str) -> ShopRegion:
    return ShopRegion(code=code, country=country, domain=domain, currency=currency)


SHOPEE_REGIONS: tuple[ShopRegion, ...] = (
    _shop("SG", "Singapore", "shopee.sg", "SGD"),
    _shop("MY", "Malaysia", "shopee.com.my", "MYR"),
    _shop("TH", "Thailand", "shopee.co.th", "THB"),
    _shop("TW", "Taiwan", "shopee.tw", "TWD"),
    _shop("ID", "Indonesia", "shopee.co.id", "IDR"),
    _shop("VN", "Vietnam", "shopee.vn", "VND"),
    _shop("PH", "Philippines", "shopee.ph", "PHP"),
    _shop("BR", "Brazil", "shopee.com.br", "BRL"),
    _shop("MX", "Mexico", "shopee.com.mx", "MXN"),
    _shop("CO", "Colombia", "shopee.com.co", "COP"),
    _shop("CL", "Chile", "shopee.cl", "CLP"),
)
"""Shopee storefronts, each on its own domain (``/api/v4/...`` is served per domain)."""

# TikTok Shop product pages live on www.tiktok.com for every region (``/shop/pdp/...``); the
# region decides which products are for sale and in which currency.
_TIKTOK = "www.tiktok.com"
TIKTOK_SHOP_REGIONS: tuple[ShopRegion, ...] = (
    _shop("US", "United States", _TIKTOK, "USD"),
    _shop("GB", "United Kingdom", _TIKTOK, "GBP"),
    _shop("IE", "Ireland", _TIKTOK, "EUR"),
    _shop("DE", "Germany", _TIKTOK, "EUR"),
    _shop("FR", "France", _TIKTOK, "EUR"),
    _shop("IT", "Italy", _TIKTOK, "EUR"),
    _shop("ES", "Spain", _TIKTOK, "EUR"),
    _shop("MX", "Mexico", _TIKTOK, "MXN"),
    _shop("BR", "Brazil", _TIKTOK, "BRL"),
    _shop("JP", "Japan", _TIKTOK, "JPY"),
    _shop("ID", "Indonesia", _TIKTOK, "IDR"),
    _shop("MY", "Malaysia", _TIKTOK, "MYR"),
    _shop("TH", "Thailand", _TIKTOK, "THB"),
    _shop("VN", "Vietnam", _TIKTOK, "VND"),
    _shop("PH", "Philippines", _TIKTOK, "PHP"),
    _shop("SG", "Singapore", _TIKTOK, "SGD"),
)


def _shop_region(regions: tuple[ShopRegion, ...], code: str, platform: str) -> ShopRegion:
    key = code.strip().upper()
    key = {"UK": "GB"}.get(key, key)
    for region in regions:
        if region.code == key:
            return region
    known = ", ".join(r.code for r in regions)
    raise InvalidInput(f"unknown {platform} region {code!r} (known: {known})", field="region")


def shopee_region(code: str) -> ShopRegion:
    """The Shopee storefront for a country code such as ``vn``."""
    return _shop_region(SHOPEE_REGIONS, code, "Shopee")


def tiktok_shop_region(code: str) -> ShopRegion:
    """The TikTok Shop region for a country code (``UK`` is accepted for ``GB``)."""
    return _shop_region(TIKTOK_SHOP_REGIONS, code, "TikTok Shop")
