"""Proxy pool with providers: username syntax, health and cooldown, round-robin with failover."""

from __future__ import annotations

from shelfscope.fetch.proxy_pool.health import HealthPolicy, ProxyHealth
from shelfscope.fetch.proxy_pool.pool import CONNECTION_ERRORS, PoolEntry, ProviderProxyPool, request_country
from shelfscope.fetch.proxy_pool.providers import Provider, ProviderSpec, provider_spec, provider_username

__all__ = [
    "CONNECTION_ERRORS",
    "HealthPolicy",
    "PoolEntry",
    "Provider",
    "ProviderProxyPool",
    "ProviderSpec",
    "ProxyHealth",
    "provider_spec",
    "provider_username",
    "request_country",
]
