"""The provider proxy pool: healthy proxies round-robin, geo-targeted, with failover.

It implements the engine's :class:`~shelfscope.fetch.proxies.ProxyPool` interface, so the
engine takes it through ``FetchEngine.from_settings(settings, proxies=pool)`` unchanged, and it
learns from the engine's :class:`AttemptFinished` events (subscribe :meth:`observe`):

* **Selection** (:meth:`choose`, called once per new session): the next proxy, in round-robin
  order, among the enabled proxies that are not in cooldown and whose exit can be in the
  request's country (the marketplace's country: a fixed-country proxy must match, a provider
  proxy is asked for it in its username). Proxies at their concurrency limit are passed over
  while another has room.
* **Sticky sessions**: a provider proxy marked sticky gets a new session id per fetch session,
  so one simulated visitor keeps one exit IP and a rotated session gets a new one.
* **Failover**: a connection failure retires the session (retry policy: rotate), so the retry
  runs in another session, bound to another proxy; :meth:`choose` skips the failing proxy once
  it is in cooldown. :attr:`failovers` counts attempts that followed a connection failure on one
  proxy through another one (or another provider).
* **Direct connections** only when ``allow_direct`` is set and no proxy is available; otherwise
  the attempt fails with :class:`ProxyFailed` (which the retry policy rotates and retries).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

from shelfscope.clock import Clock
from shelfscope.errors import InvalidInput, NotFound
from shelfscope.fetch.failures import ProxyFailed
from shelfscope.fetch.models import Request, Site
from shelfscope.fetch.proxies import Proxy, is_loopback
from shelfscope.fetch.proxy_pool.health import HealthPolicy, ProxyHealth
from shelfscope.fetch.proxy_pool.providers import Provider, provider_username
from shelfscope.fetch.signals import AttemptFinished, FetchEvent, RequestFinished
from shelfscope.logs import get_logger
from shelfscope.marketplaces import amazon_marketplace, shopee_region, tiktok_shop_region
from shelfscope.settings import FetchSettings

__all__ = ["CONNECTION_ERRORS", "PoolEntry", "ProviderProxyPool", "request_country"]

log = get_logger(__name__)

#: Attempt error codes that mean the proxy (or the path through it) failed, not the site.
CONNECTION_ERRORS = frozenset({"connection_failed", "proxy_failed"})


@dataclass(frozen=True, kw_only=True)
class PoolEntry:
    """One configured proxy, credentials in clear (decrypted from the vault by the caller)."""

    id: str
    provider: Provider = Provider.CUSTOM
    scheme: str = "http"
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    country: str | None = None
    sticky: bool = False
    session_minutes: int = 10
    max_concurrency: int = 4
    cost_per_gb: float = 0.0

    @property
    def targetable(self) -> bool:
        """A provider gateway picks its exit country per username; a custom proxy has one exit."""
        return self.provider is not Provider.CUSTOM and self.username is not None

    def serves(self, country: str | None) -> bool:
        if country is None or self.targetable:
            return True
        return self.country is None or self.country.upper() == country.upper()

    def proxy(self, *, country: str | None, session_id: str | None) -> Proxy:
        """The :class:`Proxy` one session goes out through."""
        auth = ""
        if self.username is not None:
            name = self.username
            if self.targetable:
                name = provider_username(
                    self.provider,
                    self.username,
                    country=country or self.country,
                    session_id=session_id if self.sticky else None,
                    session_minutes=self.session_minutes,
                )
            auth = quote(name, safe="") + (f":{quote(self.password, safe='')}" if self.password else "") + "@"
        url = f"{self.scheme}://{auth}{self.host}:{self.port}"
        return Proxy(id=self.id, url=url, provider=str(self.provider), max_concurrency=self.max_concurrency)


def request_country(request: Request) -> str | None:
    """ISO country code the request's marketplace is served to (None: no preference).

    Amazon's own codes say ``UK`` for Great Britain, so the code comes from the locale (``en_GB``).
    """
    if not request.marketplace:
        return None
    try:
        if request.site is Site.AMAZON:
            return amazon_marketplace(request.marketplace).locale.split("_")[1]
        if request.site is Site.SHOPEE:
            return shopee_region(request.marketplace).country
        if request.site is Site.TIKTOK:
            return tiktok_shop_region(request.marketplace).country
    except (InvalidInput, NotFound):
        return None
    return None


@dataclass(kw_only=True)
class _Slot:
    entry: PoolEntry
    limit: asyncio.Semaphore
    health: ProxyHealth = field(default_factory=ProxyHealth)
    active: int = 0


class ProviderProxyPool:
    """Round-robin over healthy proxies; see the module docstring."""

    def __init__(
        self,
        entries: Sequence[PoolEntry],
        *,
        clock: Clock,
        allow_direct: bool = False,
        route_loopback: bool = False,
        policy: HealthPolicy | None = None,
    ) -> None:
        ids = [entry.id for entry in entries]
        if len(set(ids)) != len(ids):
            raise InvalidInput("proxy ids must be unique", field="proxies")
        self._slots = {e.id: _Slot(entry=e, limit=asyncio.Semaphore(e.max_concurrency)) for e in entries}
        self._order = list(self._slots)
        self._next = 0
        self._clock = clock
        self._allow_direct, self._route_loopback = allow_direct, route_loopback
        self._policy = policy or HealthPolicy()
        self._failed_on: dict[int, str] = {}  # id(request) -> proxy its last attempt failed on
        self.failovers = 0

    @classmethod
    def from_settings(
        cls,
        settings: FetchSettings,
        *,
        entries: Sequence[PoolEntry],
        clock: Clock,
        route_loopback: bool = False,
    ) -> ProviderProxyPool:
        """A pool over ``entries`` with the cooldown rules and direct-connection policy of ``settings``."""
        policy = HealthPolicy(
            dead_after=settings.proxy_dead_after,
            cooldown_base=settings.proxy_cooldown_seconds,
            cooldown_max=settings.proxy_cooldown_max_seconds,
        )
        return cls(
            entries,
            clock=clock,
            allow_direct=settings.allow_direct,
            route_loopback=route_loopback,
            policy=policy,
        )

    def health(self, proxy_id: str) -> ProxyHealth:
        return self._slots[proxy_id].health

    def provider_of(self, proxy_id: str | None) -> str | None:
        slot = self._slots.get(proxy_id or "")
        return str(slot.entry.provider) if slot is not None else None

    def entries(self) -> list[PoolEntry]:
        return [slot.entry for slot in self._slots.values()]

    def choose(self, request: Request) -> Proxy | None:
        if is_loopback(request.host) and not self._route_loopback:
            return None
        country = request_country(request)
        slot = self._pick(country)
        if slot is None:
            if self._allow_direct:
                return None
            raise ProxyFailed(f"no healthy proxy can serve {request.host} (country {country or 'any'})")
        return slot.entry.proxy(country=country, session_id=secrets.token_hex(6))

    def _pick(self, country: str | None) -> _Slot | None:
        now = self._clock.now()
        usable = [
            self._slots[pid]
            for pid in self._rotation()
            if self._slots[pid].health.available(now) and self._slots[pid].entry.serves(country)
        ]
        if not usable:
            return None
        roomy = [slot for slot in usable if slot.active < slot.entry.max_concurrency]
        chosen = (roomy or usable)[0]
        self._next = (self._order.index(chosen.entry.id) + 1) % len(self._order)
        return chosen

    def _rotation(self) -> list[str]:
        return self._order[self._next :] + self._order[: self._next]

    def slot(self, proxy: Proxy | None) -> AbstractAsyncContextManager[None]:
        return self._hold(proxy)

    @asynccontextmanager
    async def _hold(self, proxy: Proxy | None) -> AsyncIterator[None]:
        slot = self._slots.get(proxy.id) if proxy is not None else None
        if slot is None:
            yield
            return
        async with slot.limit:
            slot.active += 1
            try:
                yield
            finally:
                slot.active -= 1

    def observe(self, event: FetchEvent) -> None:
        """Learn from each attempt (a fetch-signal listener)."""
        if isinstance(event, RequestFinished):
            self._failed_on.pop(id(event.request), None)
            return
        if not isinstance(event, AttemptFinished):
            return
        record = event.record
        failed_on = self._failed_on.pop(id(event.request), None)
        if failed_on is not None and record.proxy_id != failed_on:
            self.failovers += 1  # this attempt went out through another proxy (or directly)
        slot = self._slots.get(record.proxy_id or "")
        if slot is None:
            return
        if record.error in CONNECTION_ERRORS:
            self._failed_on[id(event.request)] = slot.entry.id
            if slot.health.record_connection_failure(now=self._clock.now(), policy=self._policy):
                log.warning("proxy in cooldown", proxy=slot.entry.id, until=str(slot.health.cooldown_until))
        elif record.block_kind is not None:
            slot.health.record_block(latency=record.elapsed, policy=self._policy)
        elif record.error is None:
            slot.health.record_success(latency=record.elapsed, policy=self._policy)
