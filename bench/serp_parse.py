"""SERP parse speed: ``parse_serp`` (selectolax/Lexbor) against a BeautifulSoup parser of the same page.

Every real search page in the shared fixtures is parsed by both implementations in the same
run. The BeautifulSoup version (``html.parser``, CSS through soupsieve) performs the same
extraction as ``parse_serp``: page classification, cards of every layout era, structural ad
signals, title/brand/price/rating/reviews/badges, header (query, correction, total, paging)
and placements; it reuses the same string-level number parsing. Before timing, both results
are compared card by card so that the ratio compares equal work.

The two run interleaved, so that both see the same load on a shared machine. Prints, per file,
milliseconds per page for the fastest (least disturbed) and the median run, then the medians
over all files and the ratio. The architecture's goal is a ratio of at least 20.

    python bench/serp_parse.py            # fixtures at $SHELFSCOPE_REAL_FIXTURES or ../shared/fixtures
    python bench/serp_parse.py --rounds 3 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag

from shelfscope.marketplaces import amazon_marketplace
from shelfscope.ranks import classify_amazon_page, parse_serp
from shelfscope.ranks.serp.asin import is_valid_asin
from shelfscope.ranks.serp.numbers import (
    parse_count,
    parse_price,
    parse_rating,
    parse_total_results,
)

MARKETPLACE_BY_PREFIX = {"de": "DE", "es": "ES", "in": "IN", "uk": "UK", "us": "US", "fr": "FR"}


def fixtures_dir() -> Path:
    configured = os.environ.get("SHELFSCOPE_REAL_FIXTURES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


# --------------------------------------------------------------------------------------------
# The BeautifulSoup baseline: the same extraction as shelfscope.ranks.serp, written for bs4.
# --------------------------------------------------------------------------------------------

_LABEL_CLASSES = {
    "puis-sponsored-label-text",
    "puis-sponsored-label-info-icon",
    "s-label-popover-default",
    "s-sponsored-label-info-icon",
    "s-sponsored-label-text",
    "s-sponsored-header",
}
_SSPA_REF = re.compile(r"sr_\d+_\d+_sspa|sr(?:=|%3D)\d+-\d+-spons")
_PRODUCT_LINK = re.compile(r"(?:/dp/|dp%2F)([A-Z0-9]{10})")
_BY_WORDS = {"by", "von", "de", "di", "par", "door", "av", "od", "przez", "från"}
_PLACEMENT_RULES = (
    ("sponsored_video", ("VIDEO_SINGLE_PRODUCT", "sbv-video", "video-product-collection"), True),
    (
        "sponsored_brand",
        ("loom-desktop-top-slot", "brand-footer-slot", "sb-themed-collection", "desktopSparkle"),
        True,
    ),
    ("carousel", ("FEATURED_ASINS_LIST", "s-searchgrid-carousel"), False),
)


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else str(value).split()


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if value is None:
        return ""
    return " ".join(value) if isinstance(value, list) else str(value)


def _visible_text(tag: Tag) -> str:
    text = tag.get_text()
    for hidden in tag.select(".a-offscreen"):
        hidden_text = hidden.get_text()
        if hidden_text:
            text = text.replace(hidden_text, "", 1)
    return " ".join(text.split())


def bs4_signals(card: Tag) -> frozenset[str]:
    found: set[str] = set()
    if "AdHolder" in _classes(card):
        found.add("ad_holder")
    for node in card.find_all(True):
        if _LABEL_CLASSES.intersection(_classes(node)):
            found.add("label")
        if node.name == "a":
            href = _attr(node, "href")
            if "/sspa/click" in href or "picassoRedirect" in href:
                found.add("ad_click_link")
            if _SSPA_REF.search(href):
                found.add("sspa_ref")
    return frozenset(found)


def bs4_cards(soup: BeautifulSoup) -> tuple[str, list[Tag]]:
    modern = soup.select('div[data-component-type="s-search-result"]')
    if modern:
        return "search-result", modern
    legacy = soup.select('li[id^="result_"][data-asin]')
    if legacy:
        return "legacy", legacy
    if soup.select_one("title, .s-main-slot, #search, #navbar, #nav-belt") is None:
        fragments = [
            node
            for node in soup.select(".s-include-content-margin")
            if node.find("h2") is not None
            and not any("s-include-content-margin" in _classes(p) for p in node.parents if isinstance(p, Tag))
        ]
        if fragments:
            return "fragment", fragments
    return "none", []


def _is_brand_heading(h2: Tag) -> bool:
    return h2.parent is not None and "a-color-secondary" in _classes(h2.parent)


def _bs4_title(card: Tag) -> str | None:
    legacy_title = card.select_one("h2.s-access-title")
    if legacy_title is not None:
        full_title = " ".join(_attr(legacy_title, "data-attribute").split())
        return full_title or _visible_text(legacy_title) or None
    scope = card.select_one('[data-cy="title-recipe"]') or card
    for h2 in scope.find_all("h2"):
        if not _is_brand_heading(h2) and _visible_text(h2):
            return _visible_text(h2)
    return None


def _bs4_brand(card: Tag) -> str | None:
    for h2 in card.find_all("h2"):
        if _is_brand_heading(h2):
            return _visible_text(h2) or None
    for row in card.select("div.a-row"):
        children = row.find_all(True, recursive=False)
        if (
            len(children) == 2
            and children[0].name == "span"
            and _visible_text(children[0]).lower() in _BY_WORDS
            and _visible_text(children[1])
        ):
            return _visible_text(children[1])
    return None


def _bs4_price_text(card: Tag) -> str | None:
    for price in card.select("span.a-price"):
        if "a-text-price" in _classes(price) or _attr(price, "data-a-strike") == "true":
            continue
        shown = price.select_one(".a-offscreen") or price
        text = " ".join(shown.get_text().split())
        if re.search(r"\d", text):
            return text
    legacy_price = card.select_one(".s-price")
    if legacy_price is not None:
        return " ".join(legacy_price.get_text().split()) or None
    return None


def _bs4_review_texts(card: Tag) -> list[str]:
    texts: list[str] = []
    link = card.select_one('a[href*="customerReviews"]')
    if link is not None:
        texts += [_attr(link, "aria-label"), link.get_text()]
    texts = [t for t in texts if re.search(r"\d", t)]
    if not texts:
        for span in card.select("span[aria-label]"):
            label = _attr(span, "aria-label").strip()
            if re.fullmatch(r"\(?[\d.,\u00a0\u202f ]+\)?", label):
                texts.append(label)
    return texts


def bs4_fields(card: Tag) -> dict[str, Any]:
    star = card.select_one('i[class*="a-icon-star"] .a-icon-alt')
    badges: list[str] = []
    for label in card.select(".a-badge-label"):
        text = _visible_text(label)
        if text and text not in badges:
            badges.append(text)
    return {
        "title": _bs4_title(card),
        "brand": _bs4_brand(card),
        "price_text": _bs4_price_text(card),
        "rating_text": None if star is None else " ".join(star.get_text().split()) or None,
        "review_texts": _bs4_review_texts(card),
        "badges": badges,
    }


def bs4_header(soup: BeautifulSoup) -> dict[str, Any]:
    box = soup.select_one("#twotabsearchtextbox, input[name='field-keywords']")
    query = " ".join(_attr(box, "value").split()) or None if box is not None else None
    info = soup.select_one(".s-breadcrumb, #s-result-count")
    total = term = None
    if info is not None:
        term_node = info.select_one(".a-color-state")
        term = None if term_node is None else term_node.get_text().strip().strip("\"'“”„") or None
        text = info.get_text()
        if term_node is not None:
            text = text.replace(term_node.get_text(), " ")
        total = parse_total_results(text)
    corrected = None
    widget = soup.select_one('[class*="spell-correction"]')
    if widget is not None:
        emphasised = widget.select_one(".a-text-italic, .a-text-bold")
        if emphasised is not None:
            corrected = " ".join(emphasised.get_text().split()) or None
    if corrected is None and query and term and term.casefold() != query.casefold():
        corrected = term
    strip = soup.select_one(".s-pagination-strip, #pagn")
    page_node = None if strip is None else strip.select_one(".s-pagination-selected, .pagnCur")
    page_text = page_node.get_text().strip() if page_node is not None else ""
    return {
        "query": query,
        "corrected_query": corrected,
        "total_results": total,
        "page": int(page_text) if page_text.isdigit() else None,
        "has_next_page": strip is not None
        and strip.select_one("a.s-pagination-next, a#pagnNextLink") is not None,
    }


def bs4_placements(soup: BeautifulSoup) -> list[tuple[str, tuple[str, ...]]]:
    rows: list[Tag] = []
    for slot in soup.select(".s-main-slot"):
        for row in slot.find_all(True, recursive=False):
            if row.name in {"script", "style", "link", "noscript", "template"}:
                continue
            if _attr(row, "data-component-type") == "s-search-result":
                continue
            rows.append(row)
    rows.extend(soup.select("#pdagDesktopSparkle"))
    placements = []
    for row in rows:
        parts = [_attr(row, "class"), _attr(row, "id")]
        for node in row.select("[cel_widget_id], [data-card-metrics-id], [data-component-type]"):
            parts += [
                _attr(node, n) for n in ("cel_widget_id", "data-card-metrics-id", "data-component-type")
            ]
            parts.append(_attr(node, "class"))
        signature = " ".join(parts)
        kind = next((k for k, markers, _ in _PLACEMENT_RULES if any(m in signature for m in markers)), None)
        if kind is None:
            continue
        found = [_attr(n, "data-asin").strip() for n in row.select("[data-asin]")]
        for link in row.select('a[href*="dp"]'):
            found.extend(_PRODUCT_LINK.findall(_attr(link, "href")))
        asins = tuple(dict.fromkeys(a for a in found if is_valid_asin(a)))
        if asins:
            placements.append((kind, asins))
    return placements


def parse_serp_bs4(html: bytes, *, marketplace: str) -> dict[str, Any]:
    """The baseline: same output as parse_serp, as plain data."""
    market = amazon_marketplace(marketplace)
    page_type, block_kind = classify_amazon_page(html)
    if page_type != "search":
        return {"page_type": page_type, "block_kind": block_kind, "results": []}
    soup = BeautifulSoup(html, "html.parser")
    layout, cards = bs4_cards(soup)
    results: list[dict[str, Any]] = []
    organic = sponsored = 0
    for card in cards:
        if layout == "fragment":
            asin = next(
                (m.group(1) for a in card.select("a[href]") if (m := _PRODUCT_LINK.search(_attr(a, "href")))),
                "",
            )
        else:
            asin = _attr(card, "data-asin").strip()
        if not asin:
            continue
        signals = bs4_signals(card)
        if signals:
            sponsored += 1
        else:
            organic += 1
        fields = bs4_fields(card)
        price = (
            parse_price(fields["price_text"], default_currency=market.currency)
            if fields["price_text"]
            else None
        )
        if price is not None and price[0] == 0:
            price = None
        counts = [c for c in (parse_count(t) for t in fields["review_texts"]) if c is not None]
        results.append(
            {
                "position": len(results) + 1,
                "asin": asin,
                "sponsored": bool(signals),
                "organic_rank": None if signals else organic,
                "sponsored_rank": sponsored if signals else None,
                "title": fields["title"],
                "brand": fields["brand"],
                "price": None if price is None else price[0],
                "currency": None if price is None else price[1],
                "rating": parse_rating(fields["rating_text"]) if fields["rating_text"] else None,
                "review_count": counts[0] if counts else None,
                "badges": fields["badges"],
            }
        )
    return {
        "page_type": "search",
        "block_kind": None,
        **bs4_header(soup),
        "results": results,
        "placements": bs4_placements(soup),
    }


# --------------------------------------------------------------------------------------------
# Harness
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    """Milliseconds per parse of one page: fastest run (least disturbed) and median run."""

    name: str
    size: int
    cards: int
    selectolax_best: float
    selectolax_median: float
    bs4_best: float
    bs4_median: float

    @property
    def ratio(self) -> float:
        return self.bs4_best / self.selectolax_best


def _samples_ms(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _time_page(html: bytes, marketplace: str, *, rounds: int, repeat: int) -> tuple[list[float], list[float]]:
    """Interleave the two parsers in rounds so that both see the same machine load."""
    fast: list[float] = []
    slow: list[float] = []
    for _ in range(rounds):
        fast += _samples_ms(partial(parse_serp, html, marketplace=marketplace), repeat)
        slow += _samples_ms(partial(parse_serp_bs4, html, marketplace=marketplace), 1)
    return fast, slow


def _compare(html: bytes, marketplace: str) -> tuple[int, list[str]]:
    """Check that both parsers found the same cards; returns the card count and field notes.

    Positions, ASINs and ad flags must agree or the benchmark stops. Other differences are
    listed: html.parser is not an HTML5 parser and loses parts of some real pages (for example
    the legacy 2019 header behind IE conditional comments), which is a finding, not unequal work.
    """
    fast = parse_serp(html, marketplace=marketplace)
    slow = parse_serp_bs4(html, marketplace=marketplace)
    ours = [(r.position, r.asin, r.sponsored) for r in fast.results]
    theirs = [(r["position"], r["asin"], r["sponsored"]) for r in slow["results"]]
    if ours != theirs:
        raise SystemExit(f"the two parsers found different cards: {ours[:5]} / {theirs[:5]}")
    notes = []
    fields = ("title", "brand", "price", "currency", "rating", "review_count", "badges")
    for ours_result, theirs_result in zip(fast.results, slow["results"], strict=True):
        for name in fields:
            mine = getattr(ours_result, name)
            mine = list(mine) if name == "badges" else mine
            if mine != theirs_result[name]:
                notes.append(f"card {ours_result.position} {name}: {mine!r} / {theirs_result[name]!r}")
    header = ("query", "corrected_query", "total_results", "page", "has_next_page")
    for name in header:
        if fast.page_type == "search" and getattr(fast, name) != slow.get(name):
            notes.append(f"{name}: {getattr(fast, name)!r} / bs4 {slow.get(name)!r}")
    placements = [(p.kind, p.asins) for p in fast.placements]
    if fast.page_type == "search" and placements != slow["placements"]:
        notes.append(f"placements: {len(placements)} / bs4 {len(slow['placements'])}")
    return len(ours), notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per file")
    parser.add_argument("--repeat", type=int, default=5, help="parse_serp runs per round")
    args = parser.parse_args(argv)

    serp_dir = fixtures_dir() / "amazon" / "serp"
    files = sorted(serp_dir.glob("*.html"))
    if not files:
        print(f"no SERP fixtures under {serp_dir}; set SHELFSCOPE_REAL_FIXTURES", file=sys.stderr)
        return 2

    timings = []
    notes: list[str] = []
    for path in files:
        html = path.read_bytes()
        marketplace = MARKETPLACE_BY_PREFIX[path.name[:2]]
        cards, file_notes = _compare(html, marketplace)
        notes += [f"{path.name}: {note}" for note in file_notes]
        fast, slow = _time_page(html, marketplace, rounds=args.rounds, repeat=args.repeat)
        timings.append(
            Timing(
                path.name,
                len(html),
                cards,
                min(fast),
                statistics.median(fast),
                min(slow),
                statistics.median(slow),
            )
        )

    print(
        f"SERP parse, ms per page: best / median of {args.rounds * args.repeat} parse_serp runs and "
        f"{args.rounds} BeautifulSoup runs, interleaved"
    )
    print(f"{'file':<54} {'KB':>5} {'cards':>5} {'selectolax':>13} {'bs4 html.parser':>17} {'ratio':>6}")
    for t in timings:
        print(
            f"{t.name:<54} {t.size / 1024:>5.0f} {t.cards:>5} "
            f"{t.selectolax_best:>6.2f} / {t.selectolax_median:>5.2f} "
            f"{t.bs4_best:>7.1f} / {t.bs4_median:>6.1f} {t.ratio:>5.1f}x"
        )
    fast_best = statistics.median(t.selectolax_best for t in timings)
    slow_best = statistics.median(t.bs4_best for t in timings)
    fast_median = statistics.median(t.selectolax_median for t in timings)
    slow_median = statistics.median(t.bs4_median for t in timings)
    ratios = [t.ratio for t in timings]
    print(
        f"median over {len(timings)} pages (best runs): selectolax {fast_best:.2f} ms, "
        f"BeautifulSoup {slow_best:.1f} ms, ratio {slow_best / fast_best:.1f}x; "
        f"per-file ratio min {min(ratios):.1f}x, median {statistics.median(ratios):.1f}x; goal >= 20x"
    )
    print(
        f"median over {len(timings)} pages (median runs): selectolax {fast_median:.2f} ms, "
        f"BeautifulSoup {slow_median:.1f} ms, ratio {slow_median / fast_median:.1f}x"
    )
    full_pages = [t for t in timings if t.size > 500_000]
    if full_pages:
        mb = sum(t.size for t in full_pages) / 1_048_576
        ms = sum(t.selectolax_best for t in full_pages)
        print(f"full pages (>500 KB): {ms / mb:.1f} ms per MB with parse_serp (best runs)")
    if notes:
        print(f"where BeautifulSoup html.parser read the page differently ({len(notes)}):")
        for note in notes:
            print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
