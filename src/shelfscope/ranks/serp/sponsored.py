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

__all__ = ["AD_CLICK_PATHS", "LABEL_SELECTOR", "SSPA_REF", "sponsored_signals"]

# Label elements, by era: 2023-2026 (puis-*), 2021-2022 (s-label-popover, info icon), legacy
# 2019 (h5.s-sponsored-header).
LABEL_SELECTOR = (
    ".puis-sponsored-label-text, .puis-sponsored-label-info-icon, .s-label-popover-default, "
    ".s-sponsored-label-info-icon, .s-sponsored-label-text, h5.s-sponsored-header"
)
AD_CLICK_PATHS = ("/sspa/click", "picassoRedirect")
"""Ad click-through links: /sspa/click (2024+) and picassoRedirect (2019-2023). Spelled out in
:func:`sponsored_signals`, which runs for every link of every card."""
SSPA_REF = re.compile(r"sr_\d+_\d+_sspa|sr(?:=|%3D)\d+-\d+-spons")
"""Sponsored refs on the product link (ref=sr_1_N_sspa, sr=8-N-spons), also URL-encoded inside a
redirect. A pattern, because "-spons" alone also occurs in product-name slugs."""

_AD_HOLDER = "AdHolder"


def sponsored_signals(card: LexborNode) -> frozenset[str]:
    """The ad markers present on ``card``: ``ad_holder``, ``label``, ``ad_click_link``,
    ``sspa_ref``. An empty set means an organic card.

    Links are checked in Python rather than with ``[href*=…]`` selectors: one pass over a
    card's anchors is several times cheaper than substring selectors over all its nodes.
    """
    found: set[str] = set()
    if _AD_HOLDER in (card.attributes.get("class") or "").split():
        found.add("ad_holder")
    if card.css_first(LABEL_SELECTOR) is not None:
        found.add("label")
    for link in card.css("a[href]"):
        href = link.attributes.get("href") or ""
        if "/sspa/click" in href or "picassoRedirect" in href:
            found.add("ad_click_link")
        if ("sspa" in href or "spons" in href) and SSPA_REF.search(href):
            found.add("sspa_ref")
    return frozenset(found)
