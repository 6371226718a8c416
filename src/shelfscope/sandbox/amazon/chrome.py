"""What every simulated storefront page shares: ids, hosts, nav bar and footer, per marketplace."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from markupsafe import Markup

from shelfscope.marketplaces import AmazonMarketplace
from shelfscope.sandbox.amazon.i18n import ui_text
from shelfscope.sandbox.amazon.padding import style_block
from shelfscope.sandbox.amazon.randomness import digest

__all__ = ["chrome_context", "page_uuid", "request_id", "token"]

_FLS = {"NA": "na", "EU": "eu", "FE": "fe"}
_REGION_HOST = {"NA": "na", "EU": "eu", "FE": "fe"}
_RID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_STYLESHEETS = (
    "11EIQ5IGqaL._RC|01ZTHTZObnL.css,41oTX3s1HML.css,11TIuySqr6L.css,01ElnPiDxWL.css",
    "41uXVCEPkUL._RC|71OXN3ZLxxL.css,31Y5VfGo6ZL.css,21Np9gK9gwL.css",
    "01mI9NDJJTL._RC|01Hw8JRm8RL.css,41JvXM3rm3L.css",
)
_NAV_LINKS = (
    ("/gp/goldbox?ref_=nav_cs_gb", "Today's Deals"),
    ("/gp/help/customer/display.html?nodeId=508510&ref_=nav_cs_customerservice", "Customer Service"),
    ("/gp/browse.html?node=16115931011&ref_=nav_cs_registry", "Registry"),
    ("/gift-cards/b/?ie=UTF8&node=2238192011&ref_=nav_cs_gc", "Gift Cards"),
    ("/b/?_encoding=UTF8&ld=AZUSSOA-sell&node=12766669011&ref_=nav_cs_sell", "Sell"),
)
_FOOTER_COLUMNS = (
    ("Get to Know Us", ("Careers", "Blog", "About Amazon", "Investor Relations", "Amazon Devices")),
    ("Make Money with Us", ("Sell products on Amazon", "Sell on Amazon Business", "Become an Affiliate")),
    ("Amazon Payment Products", ("Amazon Business Card", "Shop with Points", "Reload Your Balance")),
    (
        "Let Us Help You",
        ("Your Account", "Your Orders", "Shipping Rates & Policies", "Returns & Replacements"),
    ),
)


def request_id(*parts: object) -> str:
    """A 20-character request id like Amazon's ``x-amz-rid`` / ``ue_id``."""
    value = digest("rid", *parts)
    chars = []
    for _ in range(20):
        value, index = divmod(value * 7919 + 104729, len(_RID_ALPHABET))
        chars.append(_RID_ALPHABET[index])
    return "".join(chars)


def page_uuid(*parts: object) -> str:
    """A UUID fixed by ``parts`` (``data-uuid`` attributes)."""
    return str(uuid.UUID(int=digest("uuid-a", *parts) << 64 | digest("uuid-b", *parts)))


def token(size: int, *parts: object) -> str:
    """An opaque URL-safe token of about ``size`` characters fixed by ``parts``."""
    raw = b"".join(digest("token", index, *parts).to_bytes(8, "big") for index in range(size * 3 // 32 + 1))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:size]


def chrome_context(
    *, market: AmazonMarketplace, root: str, query: str, rid: str, page_type: str
) -> dict[str, Any]:
    """The page-level values the shared chrome (``_chrome.html``) reads."""
    text = ui_text(market)
    language, country = market.locale.split("_", 1)
    return {
        "market": market,
        "code": market.code,
        "text": text,
        "root": root,
        "query": query,
        "rid": rid,
        "domain": market.domain,
        "tld": market.domain.removeprefix("amazon."),
        "marketplace_id": market.marketplace_id,
        "fls": _FLS[market.region],
        "region_host": _REGION_HOST[market.region],
        "lang_attr": f"{language}-{country.lower()}",
        "lang_short": language.upper(),
        "nav_locale": country.lower(),
        "flag": country.lower(),
        "country": market.country,
        "page_type": page_type,
        "sub_page_type": "List" if page_type == "Search" else "Glance",
        "page_type_id": token(16, "pti", rid),
        "stylesheets": _STYLESHEETS,
        "inline_style": style_block(6000),
        "build_date": "3.25.6-2026-02-10",
        "csrf": token(76, "csrf", rid) + "=",
        "nav_digest": token(27, "nav", market.code),
        "departments": tuple((alias, alias.replace("-", " ").title()) for alias in _DEPARTMENTS),
        "nav_links": _NAV_LINKS,
        "footer_columns": _FOOTER_COLUMNS,
        "wlab_states": Markup('{"' + '":"C","'.join(_WEBLABS) + '":"C"}'),  # noqa: S704 - constant JSON
    }


_DEPARTMENTS = (
    "aps", "arts-crafts", "automotive", "baby-products", "beauty", "stripbooks", "computers", "electronics",
    "fashion", "garden", "grocery", "hpc", "kitchen", "office-products", "pets", "sporting", "tools",
    "toys-and-games",
)  # fmt: skip
_WEBLABS = tuple(f"SEARCH_{digest('weblab', index) % 900000 + 100000}" for index in range(40))
