"""Use cases on a workspace's proxies: add, list, change, enable/disable, remove, test.

Passwords go into the vault on the way in and come out only to build a :class:`PoolEntry` for
the engine: no function here returns one to a caller that could show it. Every query is scoped
by ``workspace_id``; a proxy of another workspace is :class:`NotFound`, as if it did not exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shelfscope.auth.vault import Vault
from shelfscope.clock import Clock, SystemClock
from shelfscope.errors import ConfigError, Conflict, InvalidInput, NotFound, ShelfscopeError
from shelfscope.fetch.models import Request
from shelfscope.fetch.models_db import ProxyConfig
from shelfscope.fetch.proxy_pool import PoolEntry, Provider, ProviderProxyPool, provider_spec
from shelfscope.settings import Settings

__all__ = [
    "ConnectionTest",
    "check_url_for",
    "create_proxy",
    "delete_proxy",
    "get_proxy",
    "list_proxies",
    "pool_entries",
    "proxies_query",
    "record_test",
    "set_enabled",
    "split_proxy_url",
    "test_connection",
    "update_proxy",
    "workspace_pool",
]

_SCHEMES = {"http", "https", "socks5", "socks5h"}
_EDITABLE = {
    "name",
    "host",
    "port",
    "scheme",
    "username",
    "country",
    "sticky",
    "session_minutes",
    "max_concurrency",
    "enabled",
    "cost_per_gb",
}


def _validate(proxy: ProxyConfig) -> None:
    if proxy.scheme not in _SCHEMES:
        raise InvalidInput(f"scheme must be one of {sorted(_SCHEMES)}", field="scheme")
    if not 0 < proxy.port < 65536:
        raise InvalidInput("port must be between 1 and 65535", field="port")
    if proxy.country is not None and (len(proxy.country) != 2 or not proxy.country.isalpha()):
        raise InvalidInput("country is a two-letter ISO code", field="country")
    if proxy.max_concurrency < 1 or proxy.session_minutes < 1:
        raise InvalidInput("max_concurrency and session_minutes must be at least 1", field="max_concurrency")
    if proxy.provider != Provider.CUSTOM and not proxy.username:
        raise InvalidInput(f"a {proxy.provider} proxy needs its account username", field="username")


def _unique_name(session: Session, *, workspace_id: int, name: str, proxy_id: int | None = None) -> None:
    clash = session.scalar(
        select(ProxyConfig.id).where(ProxyConfig.workspace_id == workspace_id, ProxyConfig.name == name)
    )
    if clash is not None and clash != proxy_id:
        raise Conflict(f"a proxy named {name!r} already exists")


def create_proxy(
    session: Session,
    vault: Vault,
    *,
    workspace_id: int,
    name: str,
    provider: str = "custom",
    host: str | None = None,
    port: int | None = None,
    scheme: str = "http",
    username: str | None = None,
    password: str | None = None,
    country: str | None = None,
    sticky: bool = False,
    session_minutes: int = 10,
    max_concurrency: int = 4,
    enabled: bool = True,
    cost_per_gb: Decimal = Decimal(0),
) -> ProxyConfig:
    """Add a proxy; a provider's gateway host and port are filled in when not given."""
    try:
        spec = provider_spec(provider)
    except ValueError:
        raise InvalidInput(f"unknown provider {provider!r}", field="provider") from None
    host, port = host or spec.default_host, port or spec.default_port
    if not host or not port:
        raise InvalidInput("a custom proxy needs a host and a port", field="host")
    _unique_name(session, workspace_id=workspace_id, name=name)
    proxy = ProxyConfig(
        workspace_id=workspace_id,
        name=name,
        provider=str(spec.provider),
        host=host,
        port=port,
        scheme=scheme,
        username=username,
        password=vault.encrypt(password) if password else None,
        country=country.upper() if country else None,
        sticky=sticky,
        session_minutes=session_minutes,
        max_concurrency=max_concurrency,
        enabled=enabled,
        cost_per_gb=cost_per_gb,
    )
    _validate(proxy)
    session.add(proxy)
    session.flush()
    return proxy


def split_proxy_url(url: str) -> dict[str, Any]:
    """A custom proxy URL (``socks5://user:pass@host:1080``) as :func:`create_proxy` arguments."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InvalidInput("the proxy URL's port is not a number between 1 and 65535", field="url") from None
    if parts.scheme not in _SCHEMES or not parts.hostname or port is None:
        raise InvalidInput(
            "a proxy URL looks like http://host:port or socks5://user:pass@host:port", field="url"
        )
    return {
        "scheme": parts.scheme,
        "host": parts.hostname,
        "port": port,
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
    }


def proxies_query(*, workspace_id: int) -> Select[Any]:
    """The workspace's proxies, oldest first."""
    return select(ProxyConfig).where(ProxyConfig.workspace_id == workspace_id).order_by(ProxyConfig.id)


def list_proxies(session: Session, *, workspace_id: int) -> list[ProxyConfig]:
    return list(session.scalars(proxies_query(workspace_id=workspace_id)))


def get_proxy(session: Session, *, workspace_id: int, proxy_id: int) -> ProxyConfig:
    proxy = session.get(ProxyConfig, proxy_id)
    if proxy is None or proxy.workspace_id != workspace_id:
        raise NotFound(f"no proxy {proxy_id}")
    return proxy


def update_proxy(
    session: Session,
    vault: Vault,
    *,
    workspace_id: int,
    proxy_id: int,
    changes: dict[str, Any],
    password: str | None = None,
) -> ProxyConfig:
    """Apply ``changes`` (editable fields only); a new ``password`` replaces the stored one."""
    proxy = get_proxy(session, workspace_id=workspace_id, proxy_id=proxy_id)
    unknown = sorted(set(changes) - _EDITABLE)
    if unknown:
        raise InvalidInput(f"fields {unknown} cannot be changed", field=unknown[0])
    if "name" in changes:
        _unique_name(session, workspace_id=workspace_id, name=changes["name"], proxy_id=proxy.id)
    for field_name, value in changes.items():
        setattr(proxy, field_name, str(value).upper() if field_name == "country" and value else value)
    if password is not None:
        proxy.password = vault.encrypt(password) if password else None
    _validate(proxy)
    session.flush()
    return proxy


def set_enabled(session: Session, *, workspace_id: int, proxy_id: int, enabled: bool) -> ProxyConfig:
    proxy = get_proxy(session, workspace_id=workspace_id, proxy_id=proxy_id)
    proxy.enabled = enabled
    session.flush()
    return proxy


def delete_proxy(session: Session, *, workspace_id: int, proxy_id: int) -> None:
    session.delete(get_proxy(session, workspace_id=workspace_id, proxy_id=proxy_id))
    session.flush()


def entry_for(proxy: ProxyConfig, vault: Vault) -> PoolEntry:
    """The engine's view of a stored proxy, with the password decrypted."""
    return PoolEntry(
        id=str(proxy.id),
        provider=Provider(proxy.provider),
        scheme=proxy.scheme,
        host=proxy.host,
        port=proxy.port,
        username=proxy.username,
        password=vault.decrypt(proxy.password) if proxy.password else None,
        country=proxy.country,
        sticky=proxy.sticky,
        session_minutes=proxy.session_minutes,
        max_concurrency=proxy.max_concurrency,
        cost_per_gb=float(proxy.cost_per_gb),
    )


def pool_entries(session: Session, vault: Vault, *, workspace_id: int) -> list[PoolEntry]:
    """The enabled proxies of a workspace, ready for a :class:`ProviderProxyPool`."""
    return [entry_for(p, vault) for p in list_proxies(session, workspace_id=workspace_id) if p.enabled]


def workspace_pool(
    session: Session, vault: Vault, settings: Settings, *, workspace_id: int, clock: Clock
) -> ProviderProxyPool:
    """The pool a workspace's fetches go through: ``FetchEngine.from_settings(settings, proxies=…)``.

    Subscribe its ``observe`` to the engine's signals so health and failover follow the attempts.
    """
    entries = pool_entries(session, vault, workspace_id=workspace_id)
    return ProviderProxyPool.from_settings(settings.fetch, entries=entries, clock=clock)


@dataclass(frozen=True, kw_only=True)
class ConnectionTest:
    ok: bool
    latency_ms: int | None
    exit_ip: str | None
    country: str | None
    error: str | None


def check_url_for(settings: Settings, *, sandbox_url: str | None = None) -> str:
    """Where 'test connection' goes: the setting, else the sandbox's echo of the client address."""
    if settings.fetch.proxy_check_url:
        return settings.fetch.proxy_check_url
    if sandbox_url:
        return sandbox_url.rstrip("/") + "/proxies/ip"
    raise ConfigError("set SHELFSCOPE_FETCH__PROXY_CHECK_URL to test proxy connections")


async def test_connection(
    settings: Settings, entry: PoolEntry, *, check_url: str, clock: Clock | None = None
) -> ConnectionTest:
    """Fetch ``check_url`` once through ``entry``; report latency and, when the answer says, the exit."""
    from shelfscope.fetch.engine import FetchEngine  # the engine loads its HTTP client lazily

    clock = clock or SystemClock()
    one_try = settings.model_copy(update={"fetch": settings.fetch.model_copy(update={"max_attempts": 1})})
    pool = ProviderProxyPool([entry], clock=clock, route_loopback=True)
    started = time.perf_counter()
    try:
        async with FetchEngine.from_settings(one_try, proxies=pool, clock=clock) as engine:
            response = await engine.fetch(Request(url=check_url))
    except ShelfscopeError as exc:
        return ConnectionTest(ok=False, latency_ms=None, exit_ip=None, country=None, error=exc.message)
    latency_ms = round((time.perf_counter() - started) * 1000)
    try:
        answer = response.json()
    except ShelfscopeError:
        answer = {}
    answer = answer if isinstance(answer, dict) else {}
    ip = answer.get("ip") or answer.get("origin")
    country = answer.get("country") or answer.get("country_code")
    return ConnectionTest(
        ok=True,
        latency_ms=latency_ms,
        exit_ip=str(ip) if ip else None,
        country=str(country)[:2].upper() if country else None,
        error=None,
    )


def record_test(proxy: ProxyConfig, result: ConnectionTest, *, now: datetime) -> None:
    proxy.last_test_ok = result.ok
    proxy.last_test_latency_ms = result.latency_ms
    proxy.last_test_country = result.country
    proxy.last_tested_at = now
