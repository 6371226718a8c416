"""Provider username syntax, proxy health with cooldown, and the pool's selection rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import InvalidInput
from shelfscope.fetch import Request
from shelfscope.fetch.failures import ProxyFailed
from shelfscope.fetch.models import Site
from shelfscope.fetch.proxy_pool import (
    HealthPolicy,
    PoolEntry,
    Provider,
    ProviderProxyPool,
    provider_username,
)
from shelfscope.fetch.signals import AttemptFinished, AttemptRecord

US = Request(url="https://www.amazon.com/s?k=tea", site=Site.AMAZON, marketplace="US")
DE = Request(url="https://www.amazon.de/s?k=tee", site=Site.AMAZON, marketplace="DE")


def _attempt(
    request: Request, proxy_id: str, *, error: str | None = None, block: str | None = None
) -> AttemptFinished:
    record = AttemptRecord(
        number=1,
        status=200 if error is None else None,
        elapsed=0.5,
        bytes_in=100,
        bytes_out=10,
        identity_id=None,
        session_id="s",
        proxy_id=proxy_id,
        error=error,
        block_kind=block,
        action="accept" if error is None else "rotate",
    )
    return AttemptFinished(request=request, record=record)


def test_bright_data_username_targets_country_and_session() -> None:
    name = provider_username("bright_data", "brd-customer-hl_1-zone-res", country="US", session_id="ab12")
    assert name == "brd-customer-hl_1-zone-res-country-us-session-ab12"


def test_smartproxy_username_has_session_duration() -> None:
    name = provider_username(Provider.SMARTPROXY, "bob", country="de", session_id="x9", session_minutes=30)
    assert name == "user-bob-country-de-session-x9-sessionduration-30"


def test_oxylabs_username_caps_session_time_at_thirty_minutes() -> None:
    name = provider_username(Provider.OXYLABS, "acme", country="gb", session_id="s1", session_minutes=90)
    assert name == "customer-acme-cc-GB-sessid-s1-sesstime-30"


def test_custom_username_is_used_as_given_and_bad_session_ids_refused() -> None:
    assert provider_username(Provider.CUSTOM, "plain", country="US", session_id="s") == "plain"
    with pytest.raises(InvalidInput):
        provider_username(Provider.OXYLABS, "acme", session_id="no spaces")


def test_pool_round_robins_and_builds_sticky_provider_usernames() -> None:
    entries = [
        PoolEntry(
            id="a",
            provider=Provider.OXYLABS,
            host="pr.oxylabs.io",
            port=7777,
            username="acme",
            password="pw",
            sticky=True,
        ),
        PoolEntry(id="b", host="10.0.0.2", port=8080),
    ]
    pool = ProviderProxyPool(entries, clock=FakeClock())
    first, second, third = pool.choose(US), pool.choose(US), pool.choose(US)
    assert first is not None and second is not None and third is not None
    assert [first.id, second.id, third.id] == ["a", "b", "a"]
    assert "customer-acme-cc-US-sessid-" in first.url and first.url.endswith(":pw@pr.oxylabs.io:7777")
    assert first.url != third.url  # a new session id for every session


def test_geo_targeting_skips_fixed_exits_in_another_country() -> None:
    entries = [
        PoolEntry(id="us", host="10.0.0.1", port=1, country="US"),
        PoolEntry(id="de", host="10.0.0.2", port=1, country="DE"),
    ]
    pool = ProviderProxyPool(entries, clock=FakeClock())
    assert {pool.choose(DE).id for _ in range(3)} == {"de"}  # type: ignore[union-attr]


def test_dead_proxy_goes_to_cooldown_with_growing_backoff_and_failover_is_counted() -> None:
    clock = FakeClock()
    pool = ProviderProxyPool(
        [PoolEntry(id="a", host="10.0.0.1", port=1), PoolEntry(id="b", host="10.0.0.2", port=1)],
        clock=clock,
        policy=HealthPolicy(dead_after=2, cooldown_base=10),
    )
    for _ in range(2):
        pool.observe(_attempt(US, "a", error="proxy_failed"))
    health = pool.health("a")
    assert health.cooldown_until == clock.now() + timedelta(seconds=10)
    assert {pool.choose(US).id for _ in range(3)} == {"b"}  # type: ignore[union-attr]
    pool.observe(_attempt(US, "b"))  # the retry of the same request went out through b
    assert pool.failovers == 1 and pool.health("b").successes == 1
    clock.advance(10)
    assert pool.choose(DE) is not None and health.available(clock.now())
    pool.observe(_attempt(DE, "a", error="connection_failed"))  # on probation: one failure suffices
    assert health.cooldown_until == clock.now() + timedelta(seconds=20)
    pool.observe(_attempt(DE, "a"))
    assert health.cooldown_until is None and health.successes == 1


def test_no_healthy_proxy_fails_unless_direct_is_allowed() -> None:
    clock = FakeClock()
    entries = [PoolEntry(id="a", host="10.0.0.1", port=1)]
    strict = ProviderProxyPool(entries, clock=clock, policy=HealthPolicy(dead_after=1))
    strict.observe(_attempt(US, "a", error="proxy_failed"))
    with pytest.raises(ProxyFailed):
        strict.choose(US)
    relaxed = ProviderProxyPool(entries, clock=clock, allow_direct=True, policy=HealthPolicy(dead_after=1))
    relaxed.observe(_attempt(US, "a", error="proxy_failed"))
    assert relaxed.choose(US) is None


def test_blocks_count_against_a_proxy_without_killing_it() -> None:
    pool = ProviderProxyPool([PoolEntry(id="a", host="10.0.0.1", port=1)], clock=FakeClock())
    for _ in range(5):
        pool.observe(_attempt(US, "a", block="captcha"))
    health = pool.health("a")
    assert health.blocks == 5 and health.cooldown_until is None and health.success_rate == 0.0
    assert health.latency_ewma == pytest.approx(0.5)


def test_from_settings_reads_cooldown_and_direct_policy() -> None:
    from shelfscope.settings import FetchSettings

    settings = FetchSettings(proxy_dead_after=1, proxy_cooldown_seconds=5, allow_direct=True)
    clock = FakeClock()
    pool = ProviderProxyPool.from_settings(
        settings, entries=[PoolEntry(id="a", host="10.0.0.1", port=1)], clock=clock
    )
    pool.observe(_attempt(US, "a", error="proxy_failed"))
    assert pool.health("a").cooldown_until == clock.now() + timedelta(seconds=5)
    assert pool.choose(US) is None  # no healthy proxy, direct allowed
