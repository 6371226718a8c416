"""Proxy middleware: a session gets its proxy on first use and keeps it until retired.

Binding happens here rather than at session creation so the proxy pool stays a separate
concern (it may pick by marketplace country, health or load). Each request holds a slot of its
proxy while it runs, which enforces the per-proxy concurrency limit.
"""

from __future__ import annotations

from shelfscope.fetch.chain import Handler
from shelfscope.fetch.exchange import Exchange
from shelfscope.fetch.models import Response
from shelfscope.fetch.proxies import ProxyPool

__all__ = ["ProxyMiddleware"]


class ProxyMiddleware:
    def __init__(self, *, proxies: ProxyPool) -> None:
        self._proxies = proxies

    async def __call__(self, exchange: Exchange, call_next: Handler) -> Response:
        session = exchange.require_session()
        if not session.proxy_bound:
            session.bind_proxy(self._proxies.choose(exchange.request))
        async with self._proxies.slot(session.proxy):
            return await call_next(exchange)
