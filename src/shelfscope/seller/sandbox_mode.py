"""Point the seller connector at the local LWA + SP-API simulators (demo and tests).

The simulator publishes its URLs under the connector names ``lwa``, ``seller_central_<region>``
and ``spapi_<region>``; these become :class:`~shelfscope.settings.SellerSettings` values, with
the sandbox's always-registered demo application as our client credentials.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import SecretStr

from shelfscope.sandbox.spapi.lwa_apps import DEMO_APP
from shelfscope.settings import Settings

__all__ = ["with_sandbox_seller"]


def with_sandbox_seller(
    settings: Settings, urls: Mapping[str, str], *, redirect_url: str | None = None
) -> Settings:
    """``settings`` whose seller group talks to the sandbox reached through ``urls``."""
    regions = ("NA", "EU", "FE")
    seller = settings.seller.model_copy(
        update={
            "lwa_client_id": DEMO_APP.client_id,
            "lwa_client_secret": SecretStr(DEMO_APP.client_secret),
            "application_id": DEMO_APP.application_id,
            "application_draft": DEMO_APP.draft,
            "lwa_token_url": urls["lwa"].rstrip("/") + "/auth/o2/token",
            "spapi_urls": {region: urls[f"spapi_{region.lower()}"] for region in regions},
            "consent_urls": {region: urls[f"seller_central_{region.lower()}"] for region in regions},
            **({"redirect_url": redirect_url} if redirect_url else {}),
        }
    )
    return settings.model_copy(update={"seller": seller})
