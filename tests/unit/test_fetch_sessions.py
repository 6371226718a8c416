"""Fetch sessions bind identity, cookies and proxy, and retire as a unit."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from shelfscope.clock import FakeClock
from shelfscope.errors import ConfigError, InvalidInput
from shelfscope.fetch import IDENTITIES, Device, IdentitySpec, Proxy, Request, SessionPool, StaticProxyPool
from shelfscope.fetch.cookies import SessionCookies

SPEC = IdentitySpec(locale="de-DE")


def pool(clock: FakeClock, **options: object) -> SessionPool:
    settings = {"max_age": timedelta(minutes=5), "max_uses": 50, "per_key": 1, **options}
    return SessionPool(identities=IDENTITIES, clock=clock, rng=random.Random(2), **settings)  # type: ignore[arg-type]


def test_a_session_is_reused_within_its_life_and_retired_after_max_age() -> None:
    clock = FakeClock()
    sessions = pool(clock)
    first = sessions.acquire(key="amazon|DE", spec=SPEC)
    clock.advance(299)
    assert sessions.acquire(key="amazon|DE", spec=SPEC) is first
    clock.advance(1)
    second = sessions.acquire(key="amazon|DE", spec=SPEC)
    assert second is not first
    assert first.retired_reason == "age"


def test_a_session_is_retired_after_its_use_count() -> None:
    clock = FakeClock()
    sessions = pool(clock, max_uses=3)
    used = [sessions.acquire(key="k", spec=SPEC) for _ in range(4)]
    assert used[0] is used[1] is used[2]
    assert used[3] is not used[0]
    assert used[0].retired_reason == "uses"


def test_retired_sessions_are_never_handed_out_again() -> None:
    clock = FakeClock()
    sessions = pool(clock)
    burned = sessions.acquire(key="k", spec=SPEC)
    sessions.retire(burned, reason="blocked")
    fresh = sessions.acquire(key="k", spec=SPEC)
    assert fresh is not burned
    assert burned.retired and burned.retired_reason == "blocked"
    assert sessions.live() == [fresh]
    assert sessions.retired_count == 1


def test_every_session_serves_exactly_its_uses_when_several_expire_together() -> None:
    clock = FakeClock()
    sessions = pool(clock, per_key=3, max_uses=5)
    served = {session.id: session for session in (sessions.acquire(key="k", spec=SPEC) for _ in range(60))}
    live = sessions.live("k")
    retired = [session for session in served.values() if session.retired]
    # None is lost: every session is either live or retired for its uses, and the uses add up.
    assert len(live) == 3
    assert len(retired) + len(live) == len(served)
    assert {session.retired_reason for session in retired} == {"uses"}
    assert all(session.uses == 5 for session in retired)
    assert sum(session.uses for session in served.values()) == 60


def test_requests_spread_over_the_live_sessions_of_a_key() -> None:
    clock = FakeClock()
    sessions = pool(clock, per_key=3)
    used = [sessions.acquire(key="k", spec=SPEC) for _ in range(9)]
    assert len({session.id for session in used}) == 3
    assert sorted(session.uses for session in sessions.live("k")) == [3, 3, 3]
    assert sessions.acquire(key="other", spec=SPEC) not in used


def test_a_new_session_gets_an_identity_of_the_wanted_device_and_its_language() -> None:
    clock = FakeClock()
    sessions = pool(clock)
    session = sessions.acquire(key="m", spec=IdentitySpec(device=Device.MOBILE, locale="fr-FR"))
    assert session.identity.device is Device.MOBILE
    assert session.accept_language.startswith("fr-FR,fr;q=0.")


def test_a_session_keeps_its_proxy_for_life() -> None:
    clock = FakeClock()
    session = pool(clock).acquire(key="k", spec=SPEC)
    assert session.proxy_id is None
    proxy = Proxy(id="p1", url="http://user:secret@10.0.0.1:8080")
    session.bind_proxy(proxy)
    assert session.proxy_id == "p1"
    with pytest.raises(InvalidInput, match="already bound"):
        session.bind_proxy(None)


def test_session_cookies_are_kept_and_sent_back_to_matching_urls() -> None:
    jar = SessionCookies()
    jar.store(
        "https://www.amazon.de/s?k=x",
        (
            ("set-cookie", "session-id=260-1; Domain=.amazon.de; Path=/"),
            ("set-cookie", "i18n-prefs=EUR; Path=/"),
            ("content-type", "text/html"),
        ),
    )
    assert jar.names() == ["i18n-prefs", "session-id"]
    cookie = jar.header_for("https://www.amazon.de/dp/B0")
    assert cookie is not None
    assert sorted(cookie.split("; ")) == ["i18n-prefs=EUR", "session-id=260-1"]
    assert jar.header_for("https://smile.amazon.de/") == "session-id=260-1"
    assert jar.header_for("https://www.amazon.com/") is None


def test_the_static_proxy_pool_rotates_and_refuses_direct_unless_allowed() -> None:
    proxies = [Proxy(id=f"p{n}", url=f"http://10.0.0.{n}:3128") for n in (1, 2)]
    rotating = StaticProxyPool(proxies)
    request = Request(url="https://www.amazon.de/s?k=x")
    assert [rotating.choose(request).id for _ in range(3)] == ["p1", "p2", "p1"]  # type: ignore[union-attr]
    with pytest.raises(ConfigError, match="ALLOW_DIRECT"):
        StaticProxyPool().choose(request)
    assert StaticProxyPool(allow_direct=True).choose(request) is None
    assert StaticProxyPool().choose(Request(url="http://127.0.0.1:8000/echo/")) is None
    assert rotating.choose(Request(url="http://localhost:8000/")) is None


def test_proxy_urls_are_validated_and_redacted() -> None:
    proxy = Proxy(id="bd", url="http://brd-customer-x-zone-y:s3cret@brd.superproxy.io:33335")
    assert proxy.redacted_url == "http://brd-customer-x-zone-y:***@brd.superproxy.io:33335"
    with pytest.raises(InvalidInput, match="scheme://host:port"):
        Proxy(id="bad", url="brd.superproxy.io")
