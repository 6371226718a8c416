"""The storefront simulator's knobs: bot defences, faults, page weight and spelling corrections.

Defaults are friendly (no CAPTCHA, no 503, no slow pages), which is what tests want unless they
test those behaviours. ``POST /amazon/_control`` changes any subset at run time; a platform
settings group ``sandbox.amazon`` of this shape, when present, sets the starting values.
Durations that describe the shopper's behaviour over time (rate windows, how long a flagged
session stays blocked) are in sandbox seconds, so a fast sandbox clock plays them out quickly;
``slow_seconds`` is real time, because it is network behaviour.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AmazonSandboxSettings"]


class AmazonSandboxSettings(BaseModel):
    """How the simulated Amazon storefronts treat their visitors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    captcha_after_requests: int | None = Field(
        None,
        ge=1,
        description="Serve a CAPTCHA once a session sends more than this many page requests within "
        "rate_window_seconds; unset: never.",
    )
    rate_window_seconds: float = Field(
        60.0, gt=0, description="Window of the per-session rate, in sandbox seconds."
    )
    captcha_without_cookies: bool = Field(
        False,
        description="Serve a CAPTCHA to a client that comes back without the session-id cookie it was given "
        "(its first cookieless request is served and sets the cookie).",
    )
    captcha_style: Literal["continue_shopping", "image"] = Field(
        "continue_shopping",
        description='Which robot check to show: the 2026 "Continue shopping" interstitial or the image '
        "CAPTCHA.",
    )
    captcha_block_seconds: float = Field(
        300.0, ge=0, description="How long a session that got a CAPTCHA keeps getting it unless it solves it."
    )
    error_503_rate: float = Field(
        0.0, ge=0, le=1, description='Share of page requests answered with the 503 "dogs" page.'
    )
    slow_rate: float = Field(0.0, ge=0, le=1, description="Share of page requests answered slowly.")
    slow_seconds: float = Field(2.0, ge=0, le=60, description="Delay of a slow answer, in real seconds.")
    big_pages: bool = Field(
        False, description="Pad every search and product page to 1-2.6 MB as real pages weigh (also ?big=1)."
    )
    corrections: dict[str, str] = Field(
        default_factory=dict,
        description='Exact spelling corrections, query to corrected query ({"suns creame": "sunscreen"}).',
    )
