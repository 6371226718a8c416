"""Simulated Amazon storefronts for every marketplace (ARCHITECTURE §5), with queryable ground truth.

Search pages (``/amazon/{code}/s?k=…&page=N``, or the real host names) are rendered in the
2025-26 desktop layout from a deterministic catalogue whose rankings drift day by day with the
sandbox clock; product pages (``/dp/{asin}``) show price, rating, BSR and availability; bot
defences and faults are set through ``POST /amazon/_control``. What a page showed is available
as data (:func:`ground_truth`, ``GET /amazon/_truth``) so tests can assert that the tracker
measured exactly what was served.
"""

from __future__ import annotations

from shelfscope.sandbox.amazon.api import (
    asin_ranking,
    configure,
    ground_truth,
    ground_truth_page,
    product_truth,
    sandbox_day,
    served_log,
)
from shelfscope.sandbox.amazon.app import AMAZON, create_amazon_app, register
from shelfscope.sandbox.amazon.catalogue import MAX_PAGES, PAGE_SIZE, keyword_pool, listing
from shelfscope.sandbox.amazon.demo import DEMO_ASINS, DEMO_BRAND, DEMO_KEYWORDS, DEMO_MARKETPLACES
from shelfscope.sandbox.amazon.served import ServedLog, ServedPage
from shelfscope.sandbox.amazon.settings import AmazonSandboxSettings
from shelfscope.sandbox.amazon.truth import SerpTruth, TruthPlacement, TruthResult

__all__ = [
    "AMAZON",
    "DEMO_ASINS",
    "DEMO_BRAND",
    "DEMO_KEYWORDS",
    "DEMO_MARKETPLACES",
    "MAX_PAGES",
    "PAGE_SIZE",
    "AmazonSandboxSettings",
    "SerpTruth",
    "ServedLog",
    "ServedPage",
    "TruthPlacement",
    "TruthResult",
    "asin_ranking",
    "configure",
    "create_amazon_app",
    "ground_truth",
    "ground_truth_page",
    "keyword_pool",
    "listing",
    "product_truth",
    "register",
    "sandbox_day",
    "served_log",
]
