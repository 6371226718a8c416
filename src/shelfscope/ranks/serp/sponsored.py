"""Structural ad detection for a result card.

The visible label follows the UI language ("Sponsored", "Gesponsert", "Patrocinado", "推廣")
and Amazon's own-brand ads carry none at all ("Featured from Amazon brands"), so the label text
is never read. Each signal below is a piece of markup that only ad cards have; one is enough.
Every real sponsored card in the fixtures carries at least two, which is what makes a single
signal trustworthy.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

__all__ = ["SIGNAL_SELECTORS", "sponsored_signals"]

SIGNAL_SELECTORS: tuple[tuple[str, str], ...] = (
    # Label elements, by era: 2023-2026 (puis-*), 2021-2022 (s-label-popover / info icon),
    # legacy 2019 (h5.s-sponsored-header).
    (
        "label",
        ".puis-sponsored-label-text, .puis-sponsored-label-info-icon, .s-label-popover-default, "
        ".s-sponsored-label-info-icon, .s-sponsored-label-text, h5.s-sponsored-header",
    ),
    # Ad click-through links: /sspa/click (2024+) or picassoRedirect (2019-2023).
    ("ad_click_link", 'a[href*="/sspa/click"], a[href*="picassoRedirect"]'),
)
"""(signal name, CSS selector) pairs checked inside the card."""

# Sponsored refs on the product link: ref=sr_1_N_sspa and sr=8-N-spons, also URL-encoded inside
# a redirect. Checked with a pattern because "-spons" alone also occurs in product-name slugs.
_SSPA_LINKS = 'a[href*="_sspa"], a[href*="-spons"]'
_SSPA_REF = re.compile(r"sr_\d+_\d+_sspa|sr(?:=|%3D)\d+-\d+-spons")

_AD_HOLDER = "AdHolder"


def sponsored_signals(card: LexborNode) -> frozenset[str]:
    """The ad markers present on ``card``; an empty set means an organic card."""
    found: set[str] = set()
    if _AD_HOLDER in (card.attributes.get("class") or "").split():
        found.add("ad_holder")
    for name, selector in SIGNAL_SELECTORS:
        if card.css_first(selector) is not None:
            found.add(name)
    if any(_SSPA_REF.search(a.attributes.get("href") or "") for a in card.css(_SSPA_LINKS)):
        found.add("sspa_ref")
    return frozenset(found)
