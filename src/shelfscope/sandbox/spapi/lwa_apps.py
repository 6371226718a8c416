"""Applications registered with the sandbox's Login with Amazon, and the sandbox seller.

``DEMO_APP`` is always registered, so sandbox mode works with fixed credentials; tests register
others through ``POST /lwa/_apps``. The demo app is in Draft, as a self-hosted app usually is:
its consent URL must carry ``version=beta``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from shelfscope.sandbox.spapi.history.catalog import REGION_MARKETPLACES

__all__ = ["DEMO_APP", "SandboxApp", "SellerAccount", "seller_for_seed"]


@dataclass(frozen=True, kw_only=True)
class SandboxApp:
    """An SP-API application: its Solution Provider Portal id and its LWA client credentials.

    ``redirect_uris`` empty means any http(s) redirect URI is accepted.
    """

    application_id: str
    client_id: str
    client_secret: str = field(repr=False)
    name: str
    draft: bool = True
    redirect_uris: tuple[str, ...] = ()


DEMO_APP = SandboxApp(
    application_id="amzn1.sp.solution.5a1d5e2c-7d3b-4c1e-9a57-5ce1f5c0ffee",
    client_id="amzn1.application-oa2-client.5ce1f5c0ffee4a7d9b2e3f6a8c1d0b42",
    client_secret="amzn1.oa2-cs.v1.sandbox0demo0secret0not0a0real0credential",  # noqa: S106 - a public demo value
    name="shelfscope (sandbox)",
)


@dataclass(frozen=True, kw_only=True)
class SellerAccount:
    """The one seller who signs in to the sandbox's Seller Central."""

    selling_partner_id: str
    store_name: str
    regions: tuple[str, ...] = tuple(REGION_MARKETPLACES)


def seller_for_seed(seed: int) -> SellerAccount:
    rng = random.Random(f"{seed}:spapi:seller")  # noqa: S311 - simulation
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return SellerAccount(
        selling_partner_id="A" + "".join(rng.choice(alphabet) for _ in range(13)),
        store_name=rng.choice(("Northwind Goods", "Blue Fjord Trading", "Maple & Pine Supply")),
    )
