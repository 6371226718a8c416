"""Sellers API v1: which marketplaces of the region the authorising seller sells in."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from shelfscope.marketplaces import amazon_marketplace
from shelfscope.sandbox.spapi.gateway import ApiCall, ApiResult, spapi_route
from shelfscope.sandbox.spapi.history.catalog import REGION_MARKETPLACES
from shelfscope.sandbox.spapi.render.formats import ledger_country, site_name

__all__ = ["sellers_routes"]


def _participation(code: str, store_name: str) -> dict[str, Any]:
    market = amazon_marketplace(code)
    return {
        "marketplace": {
            "id": market.marketplace_id,
            "countryCode": ledger_country(code),
            "name": site_name(code),
            "defaultCurrencyCode": market.currency,
            "defaultLanguageCode": market.locale,
            "domainName": f"www.{market.domain}",
        },
        "storeName": store_name,
        "participation": {"isParticipating": True, "hasSuspendedListings": False},
    }


def get_marketplace_participations(call: ApiCall) -> ApiResult:
    store = call.world.seller.store_name
    return ApiResult(
        body={"payload": [_participation(code, store) for code in REGION_MARKETPLACES[call.region]]}
    )


def sellers_routes() -> list[Route]:
    return [
        spapi_route(
            "/sellers/v1/marketplaceParticipations",
            "getMarketplaceParticipations",
            get_marketplace_participations,
            method="GET",
        )
    ]
