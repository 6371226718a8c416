"""TikTok Shop's bot answers, as rules. Real examples: ``shared/fixtures/tiktok``.

* **security_check**: the ``<title>Security Check</title>`` CAPTCHA interstitial (it loads
  ``oec-ttweb-captcha``).
* **risk_degraded**: a product page whose data was withheld from a visitor TikTok scored as
  risky: ``basic_info.risk_level`` medium or high next to a product ``error_code`` (the real
  capture says 23002002 "get product detail not exist" for a product that exists). Treated as a
  block so it never records a live product as gone.
* **region_blocked**: error 23002102, "not for sale in the region": the exit IP's country does
  not match the shop's; a session with another proxy may succeed.
"""

from __future__ import annotations

from shelfscope.fetch.blocks.rules import All, AnyOf, BlockRule, Contains, Matches, SmallerThan, Title

__all__ = ["TIKTOK_RULES"]

TIKTOK_RULES: tuple[BlockRule, ...] = (
    BlockRule(
        kind="security_check",
        when=AnyOf(
            Title(equals="Security Check"),
            All(SmallerThan(100_000), Contains(b"oec-ttweb-captcha", case=True)),
        ),
        why="Security Check CAPTCHA interstitial",
    ),
    BlockRule(
        kind="risk_degraded",
        when=All(
            Matches(rb'"risk_level"\s*:\s*"(medium|high)"'),
            Matches(rb'"error_code"\s*:\s*230\d{5}'),
        ),
        why="product data withheld from a visitor scored as risky",
    ),
    BlockRule(
        kind="region_blocked",
        when=Matches(rb'"error_code"\s*:\s*23002102\b'),
        why="product not for sale in the exit IP's region",
    ),
)
