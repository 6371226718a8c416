"""Sellers API: the marketplaces a connected seller participates in.

Read right after the OAuth exchange (getMarketplaceParticipations, or getAccount which nests the
same list). A consent covers a whole region; these rows say which of its marketplaces to sync.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shelfscope.errors import ContractChanged
from shelfscope.seller.json_body import JsonBody, load_json, optional_text, require_mapping, required_text

__all__ = ["MarketplaceParticipation", "parse_account", "parse_marketplace_participations"]


@dataclass(frozen=True, kw_only=True)
class MarketplaceParticipation:
    marketplace_id: str
    country_code: str | None
    name: str | None
    domain_name: str | None
    default_currency: str | None
    default_language: str | None
    store_name: str | None
    is_participating: bool
    has_suspended_listings: bool


def parse_marketplace_participations(body: JsonBody) -> tuple[MarketplaceParticipation, ...]:
    """getMarketplaceParticipations: its ``payload`` is the list itself."""
    response = require_mapping(load_json(body), what="getMarketplaceParticipations response")
    return _participations(response.get("payload"))


def parse_account(body: JsonBody) -> tuple[MarketplaceParticipation, ...]:
    """getAccount: the participations under ``payload.marketplaceParticipationList``."""
    response = require_mapping(load_json(body), what="getAccount response")
    payload = require_mapping(response.get("payload"), what="getAccount payload")
    return _participations(payload.get("marketplaceParticipationList"))


def _participations(entries: Any) -> tuple[MarketplaceParticipation, ...]:
    if not isinstance(entries, list):
        raise ContractChanged("marketplace participations are not a list")
    return tuple(_participation(require_mapping(entry, what="a participation")) for entry in entries)


def _participation(entry: Mapping[str, Any]) -> MarketplaceParticipation:
    marketplace = require_mapping(entry.get("marketplace"), what="participation.marketplace")
    participation = require_mapping(entry.get("participation"), what="participation.participation")
    return MarketplaceParticipation(
        marketplace_id=required_text(marketplace, "id", what="Marketplace"),
        country_code=optional_text(marketplace, "countryCode"),
        name=optional_text(marketplace, "name"),
        domain_name=optional_text(marketplace, "domainName"),
        default_currency=optional_text(marketplace, "defaultCurrencyCode"),
        default_language=optional_text(marketplace, "defaultLanguageCode"),
        store_name=optional_text(entry, "storeName"),
        is_participating=participation.get("isParticipating") is True,
        has_suspended_listings=participation.get("hasSuspendedListings") is True,
    )
