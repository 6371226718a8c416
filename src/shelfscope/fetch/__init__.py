"""The fetch engine: get pages from hostile sites politely, and never mistake a block for data.

Usage::

    engine = FetchEngine.from_settings(settings)
    response = await engine.fetch(
        Request(url="https://www.amazon.de/s?k=usb+hub", site=Site.AMAZON, marketplace="DE",
                expected_page="serp", run_id=run_id)
    )  # a real search page, or Blocked / RateLimited / Timeout / … - never a block page as data
    await engine.aclose()

Official APIs and webhooks (SP-API, Login with Amazon, alert webhooks) use :class:`ApiHttp`
(:mod:`.api_http`), a plain synchronous client: the HTTP library is imported nowhere else.

A page that only a real browser gets is asked for with ``Request(..., client=ClientKind.BROWSER)``
(or forced per site with ``fetch.browser.sites``): the same engine then serves it through Chromium
(:mod:`.client_choice`).

A request passes ``identity → session → proxy → throttle → [client] → block detection → retry →
stats/usage`` (declared in :mod:`.chain`). Observers subscribe to ``engine.signals``: statistics
(``engine.stats``) do, and a request log can (one :class:`RequestFinished` per fetch).
ARCHITECTURE §4 describes the design; each module's docstring explains its part.
"""

from __future__ import annotations

from shelfscope.fetch.api_http import ApiHttp, ApiResponse, ApiStream, ApiTransport, InvalidApiUrl
from shelfscope.fetch.blocks import BlockDetector, BlockRule
from shelfscope.fetch.breaker import BreakerState, CircuitBreaker
from shelfscope.fetch.chain import REQUEST_STAGES, RESPONSE_STAGES, Stage
from shelfscope.fetch.clients import FakeClient, FetchClient, Reply, SentRequest
from shelfscope.fetch.coherence import check_identities, coherence_problems
from shelfscope.fetch.engine import FetchEngine
from shelfscope.fetch.failures import (
    CircuitOpen,
    ConnectionFailed,
    IncompleteBody,
    ProxyFailed,
    RequestRejected,
    ResponseTooLarge,
    ServerError,
)
from shelfscope.fetch.identities import IDENTITIES, Identity, IdentitySpec
from shelfscope.fetch.languages import Family, accept_language
from shelfscope.fetch.models import ClientKind, Device, Mode, Request, Response, Site, Timeouts
from shelfscope.fetch.policy import Action, RetryPolicy
from shelfscope.fetch.proxies import DIRECT, Proxy, ProxyPool, StaticProxyPool
from shelfscope.fetch.sessions import FetchSession, SessionPool
from shelfscope.fetch.signals import (
    AttemptFinished,
    AttemptRecord,
    FetchEvent,
    FetchSignals,
    Outcome,
    RequestFinished,
    RequestRecord,
)
from shelfscope.fetch.stats import FetchStats
from shelfscope.fetch.throttle import DelayRange, Throttle
from shelfscope.fetch.timing import ClockSleep, Sleep

__all__ = [
    "DIRECT",
    "IDENTITIES",
    "REQUEST_STAGES",
    "RESPONSE_STAGES",
    "Action",
    "ApiHttp",
    "ApiResponse",
    "ApiStream",
    "ApiTransport",
    "AttemptFinished",
    "AttemptRecord",
    "BlockDetector",
    "BlockRule",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpen",
    "ClientKind",
    "ClockSleep",
    "ConnectionFailed",
    "DelayRange",
    "Device",
    "FakeClient",
    "Family",
    "FetchClient",
    "FetchEngine",
    "FetchEvent",
    "FetchSession",
    "FetchSignals",
    "FetchStats",
    "Identity",
    "IdentitySpec",
    "IncompleteBody",
    "InvalidApiUrl",
    "Mode",
    "Outcome",
    "Proxy",
    "ProxyFailed",
    "ProxyPool",
    "Reply",
    "Request",
    "RequestFinished",
    "RequestRecord",
    "RequestRejected",
    "Response",
    "ResponseTooLarge",
    "RetryPolicy",
    "SentRequest",
    "ServerError",
    "SessionPool",
    "Site",
    "Sleep",
    "Stage",
    "StaticProxyPool",
    "Throttle",
    "Timeouts",
    "accept_language",
    "check_identities",
    "coherence_problems",
]
