"""The middleware of the fetch chain, one concern per module; the order is in :mod:`..chain`.

The retry middleware, which is the attempt loop itself, lives in :mod:`shelfscope.fetch.retry`
next to its policy tables; the others adapt one component each (sessions, throttle, …).
"""

from __future__ import annotations

from shelfscope.fetch.middleware.blocks import BlockMiddleware
from shelfscope.fetch.middleware.identity import IdentityMiddleware
from shelfscope.fetch.middleware.proxy import ProxyMiddleware
from shelfscope.fetch.middleware.session import SessionMiddleware
from shelfscope.fetch.middleware.stats import StatsMiddleware
from shelfscope.fetch.middleware.throttle import ThrottleMiddleware
from shelfscope.fetch.retry import RetryMiddleware

__all__ = [
    "BlockMiddleware",
    "IdentityMiddleware",
    "ProxyMiddleware",
    "RetryMiddleware",
    "SessionMiddleware",
    "StatsMiddleware",
    "ThrottleMiddleware",
]
