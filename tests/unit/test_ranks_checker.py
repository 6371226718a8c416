"""One keyword check over real Amazon pages: pages read, early stop, and failures that stay failures."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from shelfscope.archive import RawArchive
from shelfscope.clock import FakeClock
from shelfscope.errors import Blocked, ParseError, ShelfscopeError, Timeout
from shelfscope.fetch import ClockSleep, FakeClient, FetchEngine, Reply, StaticProxyPool
from shelfscope.ranks.checker import check_keyword
from shelfscope.ranks.fetcher import EngineFetcher
from shelfscope.ranks.pages import LivePageSource, RawPage
from shelfscope.settings import Settings

BESTECK = "serp/de_serp_2019_amznscrp_plastikfrei-besteck.html"
FLASCHE = "serp/de_serp_2019_amznscrp_plastikfrei-flasche.html"
BEUTEL = "serp/de_serp_2019_amznscrp_plastikfrei-gemuesebeutel.html"
US_PHONE = "serp/us_serp_2024_amzon-crawler_phone.html"
US_FRAGMENTS = "serp/us_serp-card-fragments_2021_amazon-analyse-zhong.html"
CAPTCHA = "blocked/us_captcha-continue-shopping_2026_amazon-scraper.html"
BESTSELLERS = "wrong-page/us_bestsellers_2026_ai-commerce-intelligente.html"


@dataclass
class FixtureSource:
    """Serves fixture files as pages 1, 2, 3 …; an exception in the list is raised instead."""

    root: Path
    pages: list[str | ShelfscopeError]
    requested: list[int] = field(default_factory=list)
    accepted: list[int] = field(default_factory=list)

    def fetch(self, *, marketplace: str, query: str, page: int) -> RawPage:
        self.requested.append(page)
        item = self.pages[page - 1]
        if isinstance(item, ShelfscopeError):
            raise item
        body = (self.root / "amazon" / item).read_bytes()
        return RawPage(
            marketplace=marketplace,
            query=query,
            number=page,
            body=body,
            archive_key=f"{page:064x}",
            bytes_fetched=len(body),
        )

    def accept(self, raw: RawPage) -> None:
        self.accepted.append(raw.number)


def test_reads_every_page_up_to_the_depth_and_ranks_across_them(real_fixtures: Path) -> None:
    source = FixtureSource(real_fixtures, [BESTECK, FLASCHE, BEUTEL])
    check = check_keyword(source, marketplace="DE", query="plastikfrei", depth=2)
    assert check.ok
    assert source.requested == [1, 2]
    assert source.accepted == [1, 2]
    assert check.page_keys == [f"{1:064x}", f"{2:064x}"]
    # Sponsored at position 1 and organic at position 5 (organic rank 3) on page 1 of "besteck".
    both = check.rank_of("B07HDW5DM5")
    assert (both.sponsored_rank, both.sponsored_position, both.organic_rank, both.organic_position) == (
        1,
        1,
        3,
        5,
    )
    assert (both.page, both.position) == (1, 5)
    assert check.ranked is not None
    assert check.ranked.total_results == 33


def test_stops_early_only_when_there_is_no_next_page(real_fixtures: Path) -> None:
    source = FixtureSource(real_fixtures, [US_PHONE, US_FRAGMENTS, US_PHONE])
    check = check_keyword(source, marketplace="US", query="phone", depth=5)
    assert check.ok
    assert source.requested == [1, 2]
    assert check.ranked is not None
    page_one_organic = len(check.ranked.pages[0].organic)
    second_page_first_organic = check.rank_of("B00VDVCQ84")
    assert second_page_first_organic.organic_rank == page_one_organic + 1
    assert second_page_first_organic.organic_page == 2


def test_a_block_page_midway_fails_the_check_instead_of_reporting_not_ranked(real_fixtures: Path) -> None:
    source = FixtureSource(real_fixtures, [BESTECK, CAPTCHA, BEUTEL])
    check = check_keyword(source, marketplace="DE", query="plastikfrei", depth=3)
    assert not check.ok
    assert isinstance(check.error, Blocked)
    assert check.failed_page == 2
    assert check.failure_reason is not None
    assert check.failure_reason.startswith("page 2: blocked: Amazon DE answered with a ")
    assert source.accepted == [1], "a block page is never shared with other jobs"
    assert len(check.page_keys) == 2, "the block page is archived for inspection"
    with pytest.raises(ValueError, match="no ranks"):
        check.rank_of("B07HDW5DM5")


def test_a_page_of_the_wrong_type_is_a_parse_failure(real_fixtures: Path) -> None:
    check = check_keyword(FixtureSource(real_fixtures, [BESTSELLERS]), marketplace="US", query="x", depth=3)
    assert isinstance(check.error, ParseError)
    assert (
        check.failure_reason
        == "page 1: parse_error: Amazon US answered with a page that is not a search page"
    )


def test_a_fetch_that_gives_up_is_recorded_with_its_reason(real_fixtures: Path) -> None:
    source = FixtureSource(real_fixtures, [BESTECK, Timeout("www.amazon.de did not answer within 60s")])
    check = check_keyword(source, marketplace="DE", query="plastikfrei", depth=3)
    assert check.failure_reason == "page 2: timeout: www.amazon.de did not answer within 60s"
    assert len(check.page_keys) == 1


def test_live_pages_go_through_the_engine_which_retries_a_captcha(
    real_fixtures: Path, settings: Settings
) -> None:
    captcha = (real_fixtures / "amazon" / CAPTCHA).read_bytes()
    page = (real_fixtures / "amazon" / BESTECK).read_bytes()
    client = FakeClient({"/s": [Reply(body=captcha), Reply(body=page)]})
    quiet = settings.model_copy(update={"fetch": settings.fetch.model_copy(update={"delays_enabled": False})})
    clock = FakeClock()
    engine = FetchEngine.from_settings(
        quiet,
        client=client,
        clock=clock,
        sleep=ClockSleep(clock),
        rng=random.Random(3),
        proxies=StaticProxyPool(allow_direct=True),
    )
    archive = RawArchive(settings.data_dir / "archive")
    with EngineFetcher(engine, asyncio.new_event_loop()) as fetcher:
        source = LivePageSource(fetcher=fetcher, base_url_of={"DE": "https://www.amazon.de"}, archive=archive)
        check = check_keyword(source, marketplace="DE", query="plastikfrei besteck", depth=1)
    assert check.ok
    assert [sent.request.url for sent in client.sent] == ["https://www.amazon.de/s?k=plastikfrei+besteck"] * 2
    assert client.sent[0].session_id != client.sent[1].session_id, "the blocked session was rotated"
    assert dict(client.sent[1].headers)["accept-language"].startswith("de-DE,de;")
    assert archive.get(check.page_keys[0]) == page
    assert source.pages_fetched == 1
    assert source.bytes_fetched >= len(page)
