"""Python access to the storefronts' ground truth and controls, for tests and the demo.

Everything here answers for the sandbox ``ctx`` (``SandboxServer.context``): its seed, its
spelling corrections and, when no day is given, the day of its clock. The HTTP endpoints
``/amazon/_truth`` and ``/amazon/_control`` return the same values.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shelfscope.marketplaces import amazon_marketplace
from shelfscope.sandbox.amazon.catalogue import PAGE_SIZE, Listing, listing
from shelfscope.sandbox.amazon.served import ServedLog
from shelfscope.sandbox.amazon.settings import AmazonSandboxSettings
from shelfscope.sandbox.amazon.state import amazon_state
from shelfscope.sandbox.amazon.truth import SerpTruth, serp_truth
from shelfscope.sandbox.context import SandboxContext

__all__ = [
    "asin_ranking",
    "configure",
    "ground_truth",
    "ground_truth_page",
    "product_truth",
    "sandbox_day",
    "served_log",
]


def sandbox_day(ctx: SandboxContext) -> date:
    """The day the storefronts serve now: the UTC date of the sandbox clock."""
    return ctx.clock.now().date()


def ground_truth_page(
    ctx: SandboxContext, marketplace: str, keyword: str, *, page: int = 1, day: date | None = None
) -> SerpTruth:
    """What search page ``page`` of ``keyword`` on ``marketplace`` shows on ``day`` (default: today)."""
    state = amazon_state(ctx)
    return serp_truth(
        ctx.seed,
        amazon_marketplace(marketplace),
        keyword,
        page,
        day or sandbox_day(ctx),
        corrections=state.settings.corrections,
    )


def ground_truth(
    ctx: SandboxContext, marketplace: str, keyword: str, *, page: int = 1, day: date | None = None
) -> list[dict[str, Any]]:
    """The result cards of that page: ``{position, asin, sponsored, organic_rank, sponsored_rank,
    page, absolute_organic_rank, absolute_sponsored_rank, title, brand, price, currency, rating,
    review_count, badges}`` each. Placements and totals are on :func:`ground_truth_page`."""
    truth = ground_truth_page(ctx, marketplace, keyword, page=page, day=day)
    return [result.to_json() for result in truth.results]


def asin_ranking(
    ctx: SandboxContext, marketplace: str, keyword: str, asin: str, *, depth: int = 3, day: date | None = None
) -> dict[str, Any]:
    """Where ``asin`` ranks within ``depth`` pages: what a tracker's observation should record.

    ``organic_rank``/``sponsored_rank`` are absolute across pages (first occurrence of each kind);
    ``page`` and ``position`` are those of the first organic card, else the first sponsored one.
    """
    organic: dict[str, Any] | None = None
    sponsored: dict[str, Any] | None = None
    for page in range(1, depth + 1):
        truth = ground_truth_page(ctx, marketplace, keyword, page=page, day=day)
        for result in truth.results:
            if result.asin != asin:
                continue
            if result.sponsored and sponsored is None:
                sponsored = result.to_json()
            if not result.sponsored and organic is None:
                organic = result.to_json()
        if not truth.has_next_page:
            break
    first = organic or sponsored
    return {
        "asin": asin,
        "found": first is not None,
        "organic_rank": None if organic is None else organic["absolute_organic_rank"],
        "sponsored_rank": None if sponsored is None else sponsored["absolute_sponsored_rank"],
        "page": None if first is None else first["page"],
        "position": None if first is None else first["position"],
        "page_size": PAGE_SIZE,
    }


def product_truth(ctx: SandboxContext, marketplace: str, asin: str, *, day: date | None = None) -> Listing:
    """The listing ``/dp/{asin}`` shows on ``marketplace`` that day (title without keyword context)."""
    return listing(ctx.seed, amazon_marketplace(marketplace), asin, day or sandbox_day(ctx))


def configure(ctx: SandboxContext, **changes: Any) -> AmazonSandboxSettings:
    """Change the storefronts' settings (see :class:`AmazonSandboxSettings`) in ``ctx``."""
    return amazon_state(ctx).configure(**changes)


def served_log(ctx: SandboxContext) -> ServedLog:
    """What the storefronts of ``ctx`` served, and how often each kind."""
    return amazon_state(ctx).served
