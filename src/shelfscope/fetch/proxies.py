"""Which proxy a new session goes out through, and how many requests share one at a time.

This is the pool interface plus the simplest pool: a fixed list of proxy URLs used round-robin,
each with its own concurrency limit (scrapy-rotating-proxies' lesson: limits belong to the proxy,
not to the target site). Provider username syntax, health scores, cooldown and credentials in the
vault come with the provider pool; the engine only relies on :class:`ProxyPool`.

Direct connections leave from this machine's own address, which marketplaces ban quickly, so a
pool without proxies refuses them unless ``allow_direct`` is set. Loopback targets (the sandbox,
tests) are always fetched directly: no proxy can reach them anyway.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from shelfscope.errors import ConfigError, InvalidInput
from shelfscope.fetch.models import Request

__all__ = ["DIRECT", "Proxy", "ProxyPool", "StaticProxyPool", "is_loopback"]

#: The proxy id recorded for requests that went out without a proxy.
DIRECT = "direct"
_SCHEMES = {"http", "https", "socks5", "socks5h"}


@dataclass(frozen=True, kw_only=True)
class Proxy:
    """One exit: ``url`` may carry credentials (``http://user:pass@host:port``)."""

    id: str
    url: str
    provider: str = "custom"
    max_concurrency: int = 4

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in _SCHEMES or not parts.hostname or not parts.port:
            raise InvalidInput(f"proxy {self.id}: not a scheme://host:port URL", field="url")
        if self.max_concurrency < 1:
            raise InvalidInput(
                f"proxy {self.id}: max_concurrency must be at least 1", field="max_concurrency"
            )

    @property
    def redacted_url(self) -> str:
        """The URL with the password hidden, for logs and error messages."""
        parts = urlsplit(self.url)
        if parts.password is None:
            return self.url
        netloc = f"{parts.username}:***@{parts.hostname}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class ProxyPool(Protocol):
    def choose(self, request: Request) -> Proxy | None:
        """The proxy for a new session that will fetch ``request``; None: connect directly."""
        ...

    def slot(self, proxy: Proxy | None) -> AbstractAsyncContextManager[None]:
        """Held while one request uses ``proxy``: waits while the proxy is at its limit."""
        ...


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class StaticProxyPool:
    """A fixed list of proxies, handed out round-robin to new sessions."""

    def __init__(self, proxies: Sequence[Proxy] = (), *, allow_direct: bool = False) -> None:
        ids = [proxy.id for proxy in proxies]
        if len(set(ids)) != len(ids):
            raise InvalidInput("proxy ids must be unique", field="proxies")
        self._proxies = tuple(proxies)
        self._allow_direct = allow_direct
        self._next = itertools.cycle(self._proxies)
        self._limits = {proxy.id: asyncio.Semaphore(proxy.max_concurrency) for proxy in proxies}

    @property
    def proxies(self) -> tuple[Proxy, ...]:
        return self._proxies

    def choose(self, request: Request) -> Proxy | None:
        if is_loopback(request.host):
            return None
        if self._proxies:
            return next(self._next)
        if self._allow_direct:
            return None
        raise ConfigError(
            f"no proxy is configured for {request.host} and direct connections are not allowed; "
            "add a proxy or set SHELFSCOPE_FETCH__ALLOW_DIRECT=true"
        )

    def slot(self, proxy: Proxy | None) -> AbstractAsyncContextManager[None]:
        return self._hold(proxy)

    @asynccontextmanager
    async def _hold(self, proxy: Proxy | None) -> AsyncIterator[None]:
        if proxy is None:
            yield
            return
        async with self._limits[proxy.id]:
            yield
