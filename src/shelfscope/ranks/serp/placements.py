"""Blocks on a search page that are not result cards: Sponsored Brands banners, video ads, carousels.

They never take a position (Amazon's own ``data-index`` counts them, which is why it is not a
rank), but trackers want to know that a brand held the top banner or a video slot. Each row of
the result list that is not a card is matched against a small table of markers taken from the
widget ids Amazon renders (``cel_widget_id``, ``data-card-metrics-id``, component types).
Messages ("Results", "More results"), pagination, feedback, related searches and display-ad
iframes match no rule and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from shelfscope.ranks.serp.asin import is_valid_asin
from shelfscope.ranks.serp.model import Placement, PlacementKind
from shelfscope.ranks.serp.sponsored import sponsored_signals

__all__ = ["PLACEMENT_RULES", "PlacementRule", "read_placements", "result_list_rows"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacementRule:
    kind: PlacementKind
    markers: tuple[str, ...]
    always_sponsored: bool


PLACEMENT_RULES: tuple[PlacementRule, ...] = (
    # Video first: a Sponsored Brands *video* banner in the top slot is a video ad.
    PlacementRule(
        kind="sponsored_video",
        markers=("VIDEO_SINGLE_PRODUCT", "sbv-video", "video-product-collection"),
        always_sponsored=True,
    ),
    PlacementRule(
        kind="sponsored_brand",
        markers=("loom-desktop-top-slot", "brand-footer-slot", "sb-themed-collection", "desktopSparkle"),
        always_sponsored=True,
    ),
    PlacementRule(
        kind="carousel",
        markers=("FEATURED_ASINS_LIST", "s-searchgrid-carousel"),
        always_sponsored=False,
    ),
)

_CARD_TYPE = "s-search-result"
_SKIPPED_TAGS = frozenset({"script", "style", "link", "noscript", "template"})
_SIGNATURE_NODES = "[cel_widget_id], [data-card-metrics-id], [data-component-type]"
_SIGNATURE_ATTRIBUTES = ("cel_widget_id", "data-card-metrics-id", "data-component-type")
_PRODUCT_LINK = re.compile(r"(?:/dp/|dp%2F)([A-Z0-9]{10})")
_LEGACY_BANNERS = "#pdagDesktopSparkle"


def _signature(row: LexborNode) -> str:
    parts = [row.attributes.get("class") or "", row.attributes.get("id") or ""]
    for node in row.css(_SIGNATURE_NODES):
        attributes = node.attributes
        parts.extend(attributes.get(name) or "" for name in _SIGNATURE_ATTRIBUTES)
        parts.append(attributes.get("class") or "")
    return " ".join(parts)


def _rule_for(row: LexborNode) -> PlacementRule | None:
    signature = _signature(row)
    for rule in PLACEMENT_RULES:
        if any(marker in signature for marker in rule.markers):
            return rule
    return None


def _asins(row: LexborNode) -> tuple[str, ...]:
    """ASINs shown in the block: ``data-asin`` tiles first, then product links (video ads)."""
    found: list[str] = []
    for node in row.css("[data-asin]"):
        found.append((node.attributes.get("data-asin") or "").strip())
    for link in row.css('a[href*="dp"]'):
        found.extend(_PRODUCT_LINK.findall(link.attributes.get("href") or ""))
    return tuple(dict.fromkeys(asin for asin in found if is_valid_asin(asin)))


def result_list_rows(tree: LexborHTMLParser) -> list[LexborNode]:
    """The rows of the result list that are not result cards (widgets, messages, paging)."""
    rows: list[LexborNode] = []
    for slot in tree.css(".s-main-slot"):
        for row in slot.iter():
            if row.tag in _SKIPPED_TAGS or row.attributes.get("data-component-type") == _CARD_TYPE:
                continue
            rows.append(row)
    return rows


def read_placements(tree: LexborHTMLParser, *, rows: list[LexborNode], legacy: bool) -> tuple[Placement, ...]:
    """The page's ad and carousel blocks in page order; blocks that show no product are dropped.

    ``rows`` are :func:`result_list_rows`; legacy (2019) pages keep their Sponsored Brands banner
    above the list instead.
    """
    candidates = [*tree.css(_LEGACY_BANNERS), *rows] if legacy else rows
    placements: list[Placement] = []
    for row in candidates:
        rule = _rule_for(row)
        if rule is None:
            continue
        asins = _asins(row)
        if not asins:
            continue  # lazy-loaded shells (e.g. the brand footer) carry no products in the HTML
        sponsored = rule.always_sponsored or bool(sponsored_signals(row))
        placements.append(Placement(kind=rule.kind, asins=asins, sponsored=sponsored))
    return tuple(placements)
