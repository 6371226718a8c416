"""Absolute ranks across pages, page and position, snapshots, and how a rank moved."""

from __future__ import annotations

from shelfscope.ranks.history import rank_change
from shelfscope.ranks.ranking import rank_pages
from shelfscope.ranks.serp import Placement, SerpPage, SerpResult


def _page(cards: str, asins: list[str], *, has_next: bool = True, total: int | None = 1000) -> SerpPage:
    """A search page whose cards are spelt by ``cards`` (S sponsored, O organic) with ``asins``."""
    results = []
    organic = sponsored = 0
    for position, (kind, asin) in enumerate(zip(cards, asins, strict=True), start=1):
        is_ad = kind == "S"
        organic += not is_ad
        sponsored += is_ad
        results.append(
            SerpResult(
                position=position,
                asin=asin,
                sponsored=is_ad,
                organic_rank=None if is_ad else organic,
                sponsored_rank=sponsored if is_ad else None,
                title=None,
                brand=f"brand-{asin[-1]}",
                price=None,
                currency=None,
                rating=None,
                review_count=None,
            )
        )
    return SerpPage(
        page_type="search",
        block_kind=None,
        marketplace="DE",
        query="q",
        corrected_query=None,
        total_results=total,
        total_results_text=None,
        page=None,
        has_next_page=has_next,
        layout="search-result",
        results=tuple(results),
        placements=(Placement(kind="sponsored_brand", asins=("B0SBBANNER",), sponsored=True),),
    )


PAGE_1 = _page("SOOSOO", ["B0000000A1", "B0000000B1", "B0000000C1", "B0000000D1", "B0000000E1", "B0000000F1"])
PAGE_2 = _page(
    "OSOOO", ["B0000000G2", "B0000000H2", "B0000000I2", "B0000000C1", "B0000000K2"], has_next=False
)


def test_organic_and_sponsored_ranks_continue_across_pages() -> None:
    ranked = rank_pages([PAGE_1, PAGE_2])
    deep = ranked.rank_of("B0000000I2")
    assert (deep.organic_rank, deep.organic_page, deep.organic_position) == (6, 2, 3)
    ad = ranked.rank_of("B0000000H2")
    assert (ad.sponsored_rank, ad.sponsored_page, ad.sponsored_position) == (3, 2, 2)
    assert (ad.organic_rank, ad.page, ad.position) == (None, 2, 2)


def test_first_appearance_counts_and_an_asin_can_be_an_ad_and_organic() -> None:
    ranked = rank_pages([PAGE_1, PAGE_2])
    ad_first = ranked.rank_of("B0000000A1")
    assert (ad_first.organic_rank, ad_first.sponsored_rank, ad_first.page, ad_first.position) == (
        None,
        1,
        1,
        1,
    )
    repeated = ranked.rank_of("B0000000C1")
    assert (repeated.organic_rank, repeated.page, repeated.position) == (2, 1, 3)  # page 2's repeat ignored


def test_an_asin_on_no_page_is_not_found() -> None:
    missing = rank_pages([PAGE_1, PAGE_2]).rank_of("B0NOTTHERE")
    assert not missing.found
    assert (missing.organic_rank, missing.sponsored_rank, missing.page, missing.position) == (None,) * 4


def test_page_and_position_follow_the_organic_hit_when_there_is_one() -> None:
    ranked = rank_pages([_page("OSO", ["B0000000X1", "B0000000Y1", "B0000000Y1"])])
    both = ranked.rank_of("B0000000Y1")
    assert (both.organic_rank, both.sponsored_rank, both.page, both.position) == (2, 1, 1, 3)


def test_snapshot_keeps_compact_results_of_the_first_pages() -> None:
    ranked = rank_pages([PAGE_1, PAGE_2])
    snapshot = ranked.snapshot(max_pages=1)
    assert snapshot["v"] == 1
    assert snapshot["results"][:2] == [
        ["B0000000A1", "brand-1", True, 1, 1, 1],
        ["B0000000B1", "brand-1", False, 1, 1, 2],
    ]
    assert len(snapshot["results"]) == 6
    assert snapshot["placements"] == [["sponsored_brand", 1, ["B0SBBANNER"]]]
    assert len(ranked.snapshot(max_pages=3)["results"]) == 11
    assert ranked.total_results == 1000


def test_rank_change_compares_two_successful_checks() -> None:
    assert rank_change(3, 7) == ("up", 4)
    assert rank_change(9, 7) == ("down", -2)
    assert rank_change(7, 7) == ("stable", 0)
    assert rank_change(5, None) == ("new", None)
    assert rank_change(None, 5) == ("lost", None)
    assert rank_change(None, None) == (None, None)
