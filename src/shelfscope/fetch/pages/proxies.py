"""Settings → Proxies: the workspace's proxies with health, usage and cost; add, test, switch, remove.

Anyone in the workspace may look; changing proxies or thresholds needs the admin role, as in the
API. Passwords go straight to the vault through :mod:`shelfscope.fetch.proxy_service` and are
never rendered back.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.fetch import proxy_service
from shelfscope.fetch.pages._forms import PROVIDER_LABELS, optional_int, price_per_gb, proxy_fields
from shelfscope.fetch.proxy_pool import provider_spec
from shelfscope.fetch.proxy_standing import proxy_standings
from shelfscope.fetch.usage import set_threshold, thresholds_query, usage_by_provider_day
from shelfscope.web.context import WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import user_errors
from shelfscope.web.templating import redirect, render

__all__ = ["PROXIES_PATH", "WINDOWS", "router"]

router = APIRouter(include_in_schema=False)

PROXIES_PATH = "/settings/proxies"
FormStr = Annotated[str, Form()]
#: Windows the health and usage columns can cover, in hours, with their labels.
WINDOWS = {1: "last hour", 24: "last 24 hours", 24 * 7: "last 7 days", 24 * 30: "last 30 days"}


def window_hours(hours: int | None) -> int:
    return hours if hours in WINDOWS else 24


@router.get(PROXIES_PATH)
def proxies_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    hours: Annotated[int | None, Query()] = None,
) -> Response:
    window = window_hours(hours)
    now = platform.clock.now()
    proxies = proxy_service.list_proxies(session, workspace_id=web.workspace.id)
    today = usage_by_provider_day(session, workspace_id=web.workspace.id, since=now.date(), until=now.date())
    return render(
        request,
        "fetch/proxies.html",
        web=web,
        tab="proxies",
        proxies=proxies,
        standings=proxy_standings(
            session,
            platform.settings.fetch,
            workspace_id=web.workspace.id,
            now=now,
            window=timedelta(hours=window),
        ),
        thresholds=list(session.scalars(thresholds_query(workspace_id=web.workspace.id))),
        used_today={usage.provider: usage for usage in today},
        providers=PROVIDER_LABELS,
        gateways={name: provider_spec(name) for name in PROVIDER_LABELS},
        provider_options=list(PROVIDER_LABELS.items()),
        scheme_options=[
            ("http", "http"),
            ("https", "https"),
            ("socks5", "socks5"),
            ("socks5h", "socks5h (proxy resolves names)"),
        ],
        window=window,
        window_options=[(str(h), label.capitalize()) for h, label in WINDOWS.items()],
        window_label=WINDOWS[window],
    )


@router.post(PROXIES_PATH)
def add_proxy(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    name: FormStr = "",
    provider: FormStr = "custom",
    url: FormStr = "",
    host: FormStr = "",
    port: FormStr = "",
    scheme: FormStr = "http",
    username: FormStr = "",
    password: FormStr = "",
    country: FormStr = "",
    sticky: FormStr = "",
    max_concurrency: FormStr = "",
    cost_per_gb: FormStr = "",
) -> Response:
    web.principal.require(Role.ADMIN)
    form = {
        "name": name, "provider": provider, "url": url, "host": host, "port": port, "scheme": scheme,
        "username": username, "password": password, "country": country, "sticky": sticky,
        "max_concurrency": max_concurrency, "cost_per_gb": cost_per_gb,
    }  # fmt: skip
    with user_errors(request, session) as outcome:
        proxy = proxy_service.create_proxy(
            session, platform.vault, workspace_id=web.workspace.id, **proxy_fields(form)
        )
    if outcome.ok:
        flash(request, "success", f"Proxy {proxy.name} added; test its connection next")
    return redirect(request, PROXIES_PATH)


@router.post(PROXIES_PATH + "/{proxy_id}/test")
async def test_proxy(
    request: Request, proxy_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    web.principal.require(Role.ADMIN)
    proxy = proxy_service.get_proxy(session, workspace_id=web.workspace.id, proxy_id=proxy_id)
    settings = platform.settings
    with user_errors(request, session):
        check_url = proxy_service.check_url_for(settings, sandbox_url=settings.sandbox.url)
        result = await proxy_service.test_connection(
            settings, proxy_service.entry_for(proxy, platform.vault), check_url=check_url
        )
        proxy_service.record_test(proxy, result, now=platform.clock.now())
        if result.ok:
            exit_at = " · ".join(part for part in (result.country, result.exit_ip) if part) or "unknown"
            flash(request, "success", f"{proxy.name} works: {result.latency_ms} ms, exit {exit_at}")
        else:
            flash(request, "error", f"{proxy.name} failed its test: {result.error}")
    return redirect(request, PROXIES_PATH)


@router.post(PROXIES_PATH + "/{proxy_id}/enable")
def enable_proxy(request: Request, proxy_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    web.principal.require(Role.ADMIN)
    proxy = proxy_service.set_enabled(session, workspace_id=web.workspace.id, proxy_id=proxy_id, enabled=True)
    flash(request, "success", f"{proxy.name} enabled: new fetch sessions may use it")
    return redirect(request, PROXIES_PATH)


@router.post(PROXIES_PATH + "/{proxy_id}/disable")
def disable_proxy(request: Request, proxy_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    web.principal.require(Role.ADMIN)
    proxy = proxy_service.set_enabled(
        session, workspace_id=web.workspace.id, proxy_id=proxy_id, enabled=False
    )
    flash(request, "success", f"{proxy.name} disabled: runs that start from now on will not use it")
    return redirect(request, PROXIES_PATH)


@router.post(PROXIES_PATH + "/{proxy_id}/price")
def set_price(
    request: Request,
    *,
    proxy_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    cost_per_gb: FormStr = "",
) -> Response:
    web.principal.require(Role.ADMIN)
    proxy = proxy_service.get_proxy(session, workspace_id=web.workspace.id, proxy_id=proxy_id)
    with user_errors(request, session) as outcome:
        price = price_per_gb(cost_per_gb)
        proxy_service.update_proxy(
            session,
            platform.vault,
            workspace_id=web.workspace.id,
            proxy_id=proxy.id,
            changes={"cost_per_gb": price},
        )
    if outcome.ok:
        flash(request, "success", f"{proxy.name} now costs ${price:.2f} per GB in the estimates")
    return redirect(request, PROXIES_PATH)


@router.post(PROXIES_PATH + "/{proxy_id}/remove")
def remove_proxy(request: Request, proxy_id: IdPath, web: WebContextDep, session: SessionDep) -> Response:
    web.principal.require(Role.ADMIN)
    name = proxy_service.get_proxy(session, workspace_id=web.workspace.id, proxy_id=proxy_id).name
    proxy_service.delete_proxy(session, workspace_id=web.workspace.id, proxy_id=proxy_id)
    flash(request, "success", f"{name} removed; its password is gone from the vault")
    return redirect(request, PROXIES_PATH)


def _daily_limit(provider: str, mb_per_day: str) -> int:
    if provider not in PROVIDER_LABELS:
        raise InvalidInput(f"unknown provider {provider!r}", field="provider")
    limit = optional_int(mb_per_day, field="mb_per_day", low=1, high=10_000_000)
    if limit is None:
        raise InvalidInput("give the daily limit in MB", field="mb_per_day")
    return limit


@router.post(PROXIES_PATH + "/thresholds")
def save_threshold(
    request: Request,
    web: WebContextDep,
    session: SessionDep,
    provider: FormStr = "",
    mb_per_day: FormStr = "",
) -> Response:
    web.principal.require(Role.ADMIN)
    with user_errors(request, session) as outcome:
        limit = _daily_limit(provider, mb_per_day)
        set_threshold(session, workspace_id=web.workspace.id, provider=provider, mb_per_day=limit)
    if outcome.ok:
        flash(request, "success", f"{PROVIDER_LABELS[provider]}: alert above {limit} MB a day")
    return redirect(request, PROXIES_PATH)
