"""The marketplace registry: one place for domains, ids, endpoints, currencies and locales."""

from __future__ import annotations

import pytest

from shelfscope.errors import InvalidInput
from shelfscope.marketplaces import (
    AMAZON_MARKETPLACES,
    SHOPEE_REGIONS,
    TIKTOK_SHOP_REGIONS,
    amazon_marketplace,
    amazon_marketplace_by_domain,
    amazon_marketplace_by_id,
    shopee_region,
    tiktok_shop_region,
)

REQUIRED = {
    "US", "CA", "MX", "BR", "UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL",
    "BE", "TR", "AE", "SA", "EG", "IN", "JP", "AU", "SG",
}  # fmt: skip

# (code, domain, SP-API marketplace id, region, Seller Central, currency, locale)
KNOWN = [
    ("US", "amazon.com", "ATVPDKIKX0DER", "NA", "https://sellercentral.amazon.com", "USD", "en_US"),
    ("CA", "amazon.ca", "A2EUQ1WTGCTBG2", "NA", "https://sellercentral.amazon.ca", "CAD", "en_CA"),
    ("MX", "amazon.com.mx", "A1AM78C64UM0Y8", "NA", "https://sellercentral.amazon.com.mx", "MXN", "es_MX"),
    ("BR", "amazon.com.br", "A2Q3Y263D00KWC", "NA", "https://sellercentral.amazon.com.br", "BRL", "pt_BR"),
    ("UK", "amazon.co.uk", "A1F83G8C2ARO7P", "EU", "https://sellercentral-europe.amazon.com", "GBP", "en_GB"),
    ("DE", "amazon.de", "A1PA6795UKMFR9", "EU", "https://sellercentral-europe.amazon.com", "EUR", "de_DE"),
    ("FR", "amazon.fr", "A13V1IB3VIYZZH", "EU", "https://sellercentral-europe.amazon.com", "EUR", "fr_FR"),
    ("IT", "amazon.it", "APJ6JRA9NG5V4", "EU", "https://sellercentral-europe.amazon.com", "EUR", "it_IT"),
    ("ES", "amazon.es", "A1RKKUPIHCS9HS", "EU", "https://sellercentral-europe.amazon.com", "EUR", "es_ES"),
    ("IE", "amazon.ie", "A28R8C7NBKEWEA", "EU", "https://sellercentral.amazon.ie", "EUR", "en_IE"),
    ("NL", "amazon.nl", "A1805IZSGTT6HS", "EU", "https://sellercentral.amazon.nl", "EUR", "nl_NL"),
    ("SE", "amazon.se", "A2NODRKZP88ZB9", "EU", "https://sellercentral.amazon.se", "SEK", "sv_SE"),
    ("PL", "amazon.pl", "A1C3SOZRARQ6R3", "EU", "https://sellercentral.amazon.pl", "PLN", "pl_PL"),
    ("BE", "amazon.com.be", "AMEN7PMS3EDWL", "EU", "https://sellercentral.amazon.com.be", "EUR", "fr_BE"),
    ("TR", "amazon.com.tr", "A33AVAJ2PDY3EV", "EU", "https://sellercentral.amazon.com.tr", "TRY", "tr_TR"),
    ("AE", "amazon.ae", "A2VIGQ35RCS4UG", "EU", "https://sellercentral.amazon.ae", "AED", "en_AE"),
    ("SA", "amazon.sa", "A17E79C6D8DWNP", "EU", "https://sellercentral.amazon.sa", "SAR", "en_AE"),
    ("EG", "amazon.eg", "ARBP9OOSHTCHU", "EU", "https://sellercentral.amazon.eg", "EGP", "en_AE"),
    ("IN", "amazon.in", "A21TJRUUN4KGV", "EU", "https://sellercentral.amazon.in", "INR", "en_IN"),
    ("JP", "amazon.co.jp", "A1VC38T7YXB528", "FE", "https://sellercentral.amazon.co.jp", "JPY", "ja_JP"),
    ("AU", "amazon.com.au", "A39IBJ37TRP1C6", "FE", "https://sellercentral.amazon.com.au", "AUD", "en_AU"),
    ("SG", "amazon.sg", "A19VAU5U5O7RUS", "FE", "https://sellercentral.amazon.sg", "SGD", "en_SG"),
]


def test_every_required_marketplace_is_registered_once() -> None:
    codes = [m.code for m in AMAZON_MARKETPLACES]
    assert set(codes) >= REQUIRED
    assert len(codes) == len(set(codes))
    assert len({m.domain for m in AMAZON_MARKETPLACES}) == len(codes)
    assert len({m.marketplace_id for m in AMAZON_MARKETPLACES}) == len(codes)


@pytest.mark.parametrize(
    ("code", "domain", "marketplace_id", "region", "seller_central", "currency", "locale"), KNOWN
)
def test_marketplace_facts(
    code: str, domain: str, marketplace_id: str, region: str, seller_central: str, currency: str, locale: str
) -> None:
    market = amazon_marketplace(code)
    assert (market.domain, market.marketplace_id, market.region) == (domain, marketplace_id, region)
    assert (market.seller_central_url, market.currency, market.locale) == (seller_central, currency, locale)
    assert market.sp_api_endpoint == f"sellingpartnerapi-{region.lower()}.amazon.com"
    assert market.language == locale.split("_", maxsplit=1)[0]
    assert market.base_url == f"https://www.{domain}"


def test_accept_language_matches_the_locale() -> None:
    assert amazon_marketplace("DE").accept_language == "de-DE,de;q=0.9,en;q=0.8"
    assert amazon_marketplace("US").accept_language == "en-US,en;q=0.9"
    assert amazon_marketplace("JP").accept_language == "ja-JP,ja;q=0.9,en;q=0.8"


@pytest.mark.parametrize("code", ["de", "De", " DE ", "DE"])
def test_codes_are_case_insensitive(code: str) -> None:
    assert amazon_marketplace(code).code == "DE"


def test_gb_is_an_alias_of_uk() -> None:
    assert amazon_marketplace("gb") is amazon_marketplace("UK")


@pytest.mark.parametrize(
    "domain",
    ["amazon.co.uk", "www.amazon.co.uk", "https://www.amazon.co.uk/s?k=sweatshirt", "WWW.AMAZON.CO.UK."],
)
def test_lookup_by_domain_or_url(domain: str) -> None:
    assert amazon_marketplace_by_domain(domain).code == "UK"


def test_lookup_by_marketplace_id() -> None:
    assert amazon_marketplace_by_id("A1VC38T7YXB528").code == "JP"
    assert amazon_marketplace_by_id("a1pa6795ukmfr9").code == "DE"


@pytest.mark.parametrize(
    ("lookup", "value"),
    [
        (amazon_marketplace, "XX"),
        (amazon_marketplace_by_domain, "amazon.xyz"),
        (amazon_marketplace_by_id, "A000000000000"),
    ],
)
def test_unknown_values_are_invalid_input(lookup: object, value: str) -> None:
    assert callable(lookup)
    with pytest.raises(InvalidInput) as caught:
        lookup(value)
    assert caught.value.field == "marketplace"
    assert value in caught.value.message


def test_shopee_and_tiktok_regions() -> None:
    assert shopee_region("vn").domain == "shopee.vn"
    assert shopee_region("TW").currency == "TWD"
    assert shopee_region("co").domain == "shopee.com.co"
    assert tiktok_shop_region("uk").code == "GB"
    assert tiktok_shop_region("US").currency == "USD"
    assert all(region.domain == "www.tiktok.com" for region in TIKTOK_SHOP_REGIONS)
    assert len({r.code for r in SHOPEE_REGIONS}) == len(SHOPEE_REGIONS)
    with pytest.raises(InvalidInput, match="unknown Shopee region"):
        shopee_region("DE")
