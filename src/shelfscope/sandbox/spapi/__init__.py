"""Login with Amazon and the Selling Partner API, simulated (ARCHITECTURE §5, issue 5).

Two simulators share one world (:func:`spapi_world`): ``/lwa`` (token endpoint and Seller
Central consent) and ``/spapi`` (Sellers, Reports and Finances in NA, EU and FE). They serve a
deterministic seller (per seed) with about 20 months of history in the real report layouts and
charsets, and know the ground truth a client must arrive at (:func:`ground_truth`).
"""

from __future__ import annotations

from shelfscope.sandbox.spapi.history.model import CaseKind, PlantedCase
from shelfscope.sandbox.spapi.knobs import SpapiKnobs
from shelfscope.sandbox.spapi.lwa_apps import DEMO_APP, SandboxApp, SellerAccount
from shelfscope.sandbox.spapi.simulator import LWA, SPAPI, register
from shelfscope.sandbox.spapi.truth import GroundTruth, KindTruth, ground_truth
from shelfscope.sandbox.spapi.world import REGIONS, SpapiWorld, spapi_world

__all__ = [
    "DEMO_APP",
    "LWA",
    "REGIONS",
    "SPAPI",
    "CaseKind",
    "GroundTruth",
    "KindTruth",
    "PlantedCase",
    "SandboxApp",
    "SellerAccount",
    "SpapiKnobs",
    "SpapiWorld",
    "ground_truth",
    "register",
    "spapi_world",
]
