"""Finding result cards in every layout era and reading their fields.

Three shapes of card exist in the wild:

* ``div[data-component-type="s-search-result"]`` (2019-2026), whether the page was saved raw,
  by a browser, or re-serialised by BeautifulSoup;
* ``li#result_N`` with ``data-asin`` (legacy desktop layout, up to 2019);
* loose card bodies (``.s-include-content-margin``) pasted without their container, as in
  captured fragments. Only used when the document is not a whole page.

Fields are read by structure (classes and attributes), never by label text, except for the
"by"/"von" word that introduces a brand line in older layouts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from shelfscope.ranks.serp.model import Layout

__all__ = ["CardFields", "card_asin", "find_cards", "read_card", "visible_text"]

_MODERN = 'div[data-component-type="s-search-result"]'
_LEGACY = 'li[id^="result_"][data-asin]'
_FRAGMENT_CLASS = "s-include-content-margin"
_FRAGMENT = f".{_FRAGMENT_CLASS}"
_WHOLE_PAGE = "title, .s-main-slot, #search, #navbar, #nav-belt"

_PRODUCT_LINK = re.compile(r"(?:/dp/|dp%2F)([A-Z0-9]{10})")
_DIGIT = re.compile(r"\d")
_BARE_COUNT = re.compile(r"\(?[\d.,\u00a0\u202f ]+\)?")
_BY_ROW_FIRST_SPAN = "div.a-row > span:first-child:nth-last-child(2)"
_BY_WORDS = frozenset({"by", "von", "de", "di", "par", "door", "av", "od", "przez", "från"})


def find_cards(tree: LexborHTMLParser) -> tuple[Layout, list[LexborNode]]:
    """The card nodes of a search page in DOM order, and which layout they came from."""
    modern = tree.css(_MODERN)
    if modern:
        return "search-result", modern
    legacy = tree.css(_LEGACY)
    if legacy:
        return "legacy", legacy
    if tree.css_first(_WHOLE_PAGE) is None:
        fragments = [
            node
            for node in tree.css(_FRAGMENT)
            if node.css_first("h2") is not None and not _has_ancestor_class(node, _FRAGMENT_CLASS)
        ]
        if fragments:
            return "fragment", fragments
    return "none", []


def _has_ancestor_class(node: LexborNode, class_name: str) -> bool:
    parent = node.parent
    while parent is not None and parent.is_element_node:
        if class_name in (parent.attributes.get("class") or "").split():
            return True
        parent = parent.parent
    return False


def card_asin(card: LexborNode, layout: Layout) -> str:
    """The card's ASIN; ``""`` for an empty placeholder card.

    Fragments have lost their ``data-asin`` container, so their ASIN comes from the product link.
    """
    if layout != "fragment":
        return (card.attributes.get("data-asin") or "").strip()
    for link in card.css("a[href]"):
        match = _PRODUCT_LINK.search(link.attributes.get("href") or "")
        if match:
            return match.group(1)
    return ""


def visible_text(node: LexborNode) -> str:
    """The node's text as a reader sees it: screen-reader-only spans removed, spaces collapsed."""
    text = node.text(deep=True)
    for hidden in node.css(".a-offscreen"):
        hidden_text = hidden.text(deep=True)
        if hidden_text:
            text = text.replace(hidden_text, "", 1)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True, kw_only=True)
class CardFields:
    """The raw, still unparsed field texts of one card."""

    title: str | None
    brand: str | None
    price_text: str | None
    rating_text: str | None
    review_count_texts: tuple[str, ...]
    badges: tuple[str, ...]


def read_card(card: LexborNode) -> CardFields:
    return CardFields(
        title=_title(card),
        brand=_brand(card),
        price_text=_price_text(card),
        rating_text=_rating_text(card),
        review_count_texts=_review_count_texts(card),
        badges=_badges(card),
    )


def _is_brand_heading(h2: LexborNode) -> bool:
    # 2024+ grid cards put the brand in its own small heading inside a secondary-colour row.
    parent = h2.parent
    return parent is not None and "a-color-secondary" in (parent.attributes.get("class") or "").split()


def _title(card: LexborNode) -> str | None:
    legacy = card.css_first("h2.s-access-title")
    if legacy is not None:
        full_title = " ".join((legacy.attributes.get("data-attribute") or "").split())
        return full_title or visible_text(legacy) or None
    scope = card.css_first('[data-cy="title-recipe"]') or card
    for h2 in scope.css("h2"):
        if not _is_brand_heading(h2):
            text = visible_text(h2)
            if text:
                return text
    return None


def _brand(card: LexborNode) -> str | None:
    for h2 in card.css("h2"):
        if _is_brand_heading(h2):
            return visible_text(h2) or None
    # "von <brand>" (legacy) / "by <brand>" (2020-2022 list view): a row of exactly two spans.
    for word_span in card.css(_BY_ROW_FIRST_SPAN):
        brand_span = word_span.next
        while brand_span is not None and not brand_span.is_element_node:
            brand_span = brand_span.next
        if brand_span is None or visible_text(word_span).lower() not in _BY_WORDS:
            continue
        brand = visible_text(brand_span)
        if brand:
            return brand
    return None


def _price_text(card: LexborNode) -> str | None:
    for price in card.css("span.a-price"):
        classes = (price.attributes.get("class") or "").split()
        if "a-text-price" in classes or price.attributes.get("data-a-strike") == "true":
            continue  # list price, "was" price or unit price
        shown = price.css_first(".a-offscreen") or price
        text = " ".join(shown.text(deep=True).split())
        if _DIGIT.search(text):
            return text
    legacy = card.css_first(".s-price")
    if legacy is not None:
        return " ".join(legacy.text(deep=True).split()) or None
    return None


def _rating_text(card: LexborNode) -> str | None:
    star = card.css_first('i[class*="a-icon-star"] .a-icon-alt')
    if star is None:
        return None
    return " ".join(star.text(deep=True).split()) or None


def _review_count_texts(card: LexborNode) -> tuple[str, ...]:
    """Candidate texts for the review count, most exact first.

    The link's aria-label holds the exact figure ("3,590 ratings") where the visible text is
    abbreviated ("(3.5K)"); 2021 cards put the count in a bare ``span[aria-label]``.
    """
    texts: list[str] = []
    link = card.css_first('a[href*="customerReviews"]')
    if link is not None:
        texts += [link.attributes.get("aria-label") or "", link.text(deep=True)]
    texts = [t for t in texts if _DIGIT.search(t)]
    if not texts:
        for span in card.css("span[aria-label]"):
            label = (span.attributes.get("aria-label") or "").strip()
            if _BARE_COUNT.fullmatch(label):
                texts.append(label)
    return tuple(texts)


def _badges(card: LexborNode) -> tuple[str, ...]:
    badges: list[str] = []
    for label in card.css(".a-badge-label"):
        text = visible_text(label)
        if text and text not in badges:
            badges.append(text)
    return tuple(badges)
