"""Amazon marketplace ids as the seller reports name them: by country code or by site name.

Report rows say where they happened in their own words: the inventory ledger writes ``US``, the
settlement file ``Amazon.com``, the all-orders file ``Amazon.co.uk``. The ledger stores SP-API
marketplace ids. Source: the "Marketplace IDs" and endpoints pages (``shared/reference/spapi.md``
§11). The platform registry (``shelfscope.marketplaces``, not built yet) will own this table;
until it lands the seller parsers keep the part they need here.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Marketplace", "by_country", "by_id", "by_site", "is_japan"]


class Marketplace(NamedTuple):
    country: str
    marketplace_id: str
    site: str
    region: str


_TABLE = (
    Marketplace("US", "ATVPDKIKX0DER", "amazon.com", "NA"),
    Marketplace("CA", "A2EUQ1WTGCTBG2", "amazon.ca", "NA"),
    Marketplace("MX", "A1AM78C64UM0Y8", "amazon.com.mx", "NA"),
    Marketplace("BR", "A2Q3Y263D00KWC", "amazon.com.br", "NA"),
    Marketplace("UK", "A1F83G8C2ARO7P", "amazon.co.uk", "EU"),
    Marketplace("DE", "A1PA6795UKMFR9", "amazon.de", "EU"),
    Marketplace("FR", "A13V1IB3VIYZZH", "amazon.fr", "EU"),
    Marketplace("IT", "APJ6JRA9NG5V4", "amazon.it", "EU"),
    Marketplace("ES", "A1RKKUPIHCS9HS", "amazon.es", "EU"),
    Marketplace("NL", "A1805IZSGTT6HS", "amazon.nl", "EU"),
    Marketplace("SE", "A2NODRKZP88ZB9", "amazon.se", "EU"),
    Marketplace("PL", "A1C3SOZRARQ6R3", "amazon.pl", "EU"),
    Marketplace("BE", "AMEN7PMS3EDWL", "amazon.com.be", "EU"),
    Marketplace("IE", "A28R8C7NBKEWEA", "amazon.ie", "EU"),
    Marketplace("TR", "A33AVAJ2PDY3EV", "amazon.com.tr", "EU"),
    Marketplace("AE", "A2VIGQ35RCS4UG", "amazon.ae", "EU"),
    Marketplace("SA", "A17E79C6D8DWNP", "amazon.sa", "EU"),
    Marketplace("EG", "ARBP9OOSHTCHU", "amazon.eg", "EU"),
    Marketplace("IN", "A21TJRUUN4KGV", "amazon.in", "EU"),
    Marketplace("ZA", "AE08WJ6YKNBMC", "amazon.co.za", "EU"),
    Marketplace("JP", "A1VC38T7YXB528", "amazon.co.jp", "FE"),
    Marketplace("AU", "A39IBJ37TRP1C6", "amazon.com.au", "FE"),
    Marketplace("SG", "A19VAU5U5O7RUS", "amazon.sg", "FE"),
)
_BY_COUNTRY = {row.country: row for row in _TABLE} | {"GB": _TABLE[4]}  # older docs say GB
_BY_SITE = {row.site: row for row in _TABLE}
_BY_ID = {row.marketplace_id: row for row in _TABLE}


def by_country(code: str | None) -> Marketplace | None:
    """The marketplace of a two-letter country code (``US``, ``GB`` or ``UK``), if Amazon has one."""
    return _BY_COUNTRY.get((code or "").strip().upper())


def by_site(name: str | None) -> Marketplace | None:
    """The marketplace of a site name as reports write it (``Amazon.com``, ``www.amazon.co.jp``).

    ``Non-Amazon`` (multi-channel fulfilment) and unknown names have none.
    """
    site = (name or "").strip().lower().removeprefix("https://").removeprefix("www.").rstrip("/")
    return _BY_SITE.get(site)


def by_id(marketplace_id: str | None) -> Marketplace | None:
    """The marketplace of an SP-API id; ``None`` for ids this table does not know."""
    return _BY_ID.get((marketplace_id or "").strip())


def is_japan(marketplace_id: str | None) -> bool:
    """Japanese documents fall back to cp932 (Shift_JIS) rather than cp1252."""
    found = by_id(marketplace_id)
    return found is not None and found.country == "JP"
