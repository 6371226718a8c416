"""The fetch engine: builds the chain from settings and runs requests through it.

``FetchEngine.from_settings(settings, **deps)`` reads the settings once and wires the parts:
identities (checked for coherence at start-up), the session pool, the proxy pool, the throttle,
the block detector, the retry policy with its circuit breaker, and the observers (statistics,
the throttle's adaptive penalty) on the fetch signals. Every outside dependency can be passed
in (client, clock, sleep, randomness, proxies, identities), which is how tests run the real
chain against a fake client or the sandbox without ever sleeping.

``await engine.fetch(request)`` returns a :class:`Response` for a real page (2xx/3xx) or raises
from :mod:`shelfscope.errors`: ``Blocked`` (never a block page as data), ``RateLimited``,
``Timeout``, ``UpstreamUnavailable`` and its fetch subclasses, ``NotFound``, ``ConfigError``…
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import timedelta
from types import TracebackType

from shelfscope.clock import Clock, SystemClock
from shelfscope.fetch.blocks import BlockDetector
from shelfscope.fetch.breaker import CircuitBreaker
from shelfscope.fetch.chain import Handler, Middleware, Stage, compose
from shelfscope.fetch.client_choice import ClientChoice, RoutingClient
from shelfscope.fetch.clients.base import FetchClient
from shelfscope.fetch.coherence import check_identities
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.identities import IDENTITIES, Identity
from shelfscope.fetch.middleware import (
    BlockMiddleware,
    IdentityMiddleware,
    ProxyMiddleware,
    RetryMiddleware,
    SessionMiddleware,
    StatsMiddleware,
    ThrottleMiddleware,
)
from shelfscope.fetch.models import Request, Response
from shelfscope.fetch.policy import RetryPolicy
from shelfscope.fetch.proxies import ProxyPool, StaticProxyPool
from shelfscope.fetch.sessions import SessionPool
from shelfscope.fetch.signals import FetchSignals
from shelfscope.fetch.stats import FetchStats
from shelfscope.fetch.throttle import DelayRange, Throttle
from shelfscope.fetch.timing import Sleep, real_sleep
from shelfscope.settings import Settings

__all__ = ["FetchEngine"]


def _default_client(settings: Settings, *, choice: ClientChoice, start_browser: bool) -> FetchClient:
    """curl_cffi, with Chromium behind it for the requests routed there (started now or on demand)."""
    from shelfscope.fetch.clients.curl import CurlClient  # curl_cffi loads only when used

    def make_browser() -> FetchClient:
        from shelfscope.fetch.clients.browser import BrowserClient  # Playwright loads only when used

        return BrowserClient.from_settings(settings.fetch)

    if start_browser:
        browser = make_browser()  # a missing Chromium fails here, before the HTTP client opens
        return RoutingClient(http=CurlClient.from_settings(settings.fetch), choice=choice, browser=browser)
    return RoutingClient(
        http=CurlClient.from_settings(settings.fetch), choice=choice, browser_factory=make_browser
    )


class FetchEngine:
    """Runs :class:`Request` objects through the middleware chain and a client."""

    def __init__(
        self,
        *,
        client: FetchClient,
        stages: dict[Stage, Middleware],
        clock: Clock,
        signals: FetchSignals,
        stats: FetchStats,
        sessions: SessionPool,
        throttle: Throttle,
        breaker: CircuitBreaker,
    ) -> None:
        self.client, self.clock, self.signals, self.stats = client, clock, signals, stats
        self.sessions, self.throttle, self.breaker = sessions, throttle, breaker
        self._handle: Handler = compose(stages, self._send)
        self._closed = False

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        client: FetchClient | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
        proxies: ProxyPool | None = None,
        identities: Sequence[Identity] | None = None,
        detector: BlockDetector | None = None,
        signals: FetchSignals | None = None,
        browser: bool = False,
    ) -> FetchEngine:
        """An engine configured by ``settings.fetch``; each keyword replaces one dependency.

        Without a ``client``, requests go through curl_cffi, or through Chromium when they ask for
        it or settings force it (:mod:`.client_choice`). ``browser=True`` (a feature that knows it
        needs pages rendered) or a forced site/profile starts the browser client here, so a
        missing Chromium is a :class:`ConfigError` before any work starts.
        """
        config = settings.fetch
        choice = ClientChoice.from_settings(config.browser)
        clock = clock or SystemClock()
        sleep = sleep or real_sleep
        rng = rng or random.Random()  # noqa: S311 - jitter and identity choice, not security
        identities = tuple(identities or IDENTITIES)
        check_identities(identities)
        signals = signals or FetchSignals()
        stats = FetchStats()
        sessions = SessionPool(
            identities=identities,
            clock=clock,
            rng=rng,
            max_age=timedelta(seconds=config.session_max_age_seconds),
            max_uses=config.session_max_uses,
            per_key=config.sessions_per_key,
        )
        throttle = Throttle(
            delays={name: DelayRange(d.min_seconds, d.max_seconds) for name, d in config.delays.items()},
            clock=clock,
            sleep=sleep,
            rng=rng,
            backoff_step=config.backoff_step_seconds,
            backoff_max=config.backoff_max_seconds,
            enabled=config.delays_enabled and not settings.sandbox.enabled,
        )
        breaker = CircuitBreaker(
            clock=clock, failure_threshold=config.breaker_failures, reset_seconds=config.breaker_reset_seconds
        )
        policy = RetryPolicy(
            max_attempts=config.max_attempts,
            backoff_base=config.retry_base_seconds,
            backoff_cap=config.retry_max_seconds,
            max_retry_after=config.max_retry_after_seconds,
            rng=rng,
        )
        signals.connect(stats.observe)
        signals.connect(throttle.observe)
        stages: dict[Stage, Middleware] = {
            Stage.IDENTITY: IdentityMiddleware(default_locale=config.default_locale, choice=choice),
            Stage.SESSION: SessionMiddleware(sessions=sessions),
            Stage.PROXY: ProxyMiddleware(
                proxies=proxies or StaticProxyPool(allow_direct=config.allow_direct)
            ),
            Stage.THROTTLE: ThrottleMiddleware(throttle=throttle),
            Stage.BLOCKS: BlockMiddleware(detector=detector or BlockDetector(), clock=clock),
            Stage.RETRY: RetryMiddleware(
                policy=policy, breaker=breaker, sessions=sessions, signals=signals, clock=clock, sleep=sleep
            ),
            Stage.STATS: StatsMiddleware(signals=signals, clock=clock),
        }
        if client is None:
            client = _default_client(settings, choice=choice, start_browser=browser or choice.forces_browser)
        return cls(
            client=client,
            stages=stages,
            clock=clock,
            signals=signals,
            stats=stats,
            sessions=sessions,
            throttle=throttle,
            breaker=breaker,
        )

    async def fetch(self, request: Request) -> Response:
        """Fetch ``request`` through the whole chain (see the module docstring for outcomes)."""
        if self._closed:
            raise RuntimeError("the fetch engine is closed")
        return await self._handle(Exchange(request=request, started_at=self.clock.now()))

    async def _send(self, exchange: Exchange) -> Response:
        exchange.sent_at = time.perf_counter()
        response = await self.client.send(exchange.request, session=exchange.require_session())
        exchange.response = response
        return response

    async def aclose(self) -> None:
        """Close the client and its connections; idempotent."""
        if not self._closed:
            self._closed = True
            await self.client.aclose()

    async def __aenter__(self) -> FetchEngine:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
