"""Fetch engine commands: ``shelfscope fetch proxies …``, ``fetch health`` and ``fetch selftest``.

``fetch selftest --requests 1000 --proxies 4 --json`` runs the engine against an in-process
sandbox (:mod:`.selftest`) and prints one JSON object with its accounting; it exits 1 when an
invariant fails (a request not logged, a block counted as a success).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, cli_settings, console, print_json
from shelfscope.fetch import proxy_service
from shelfscope.fetch.models_db import ProxyConfig
from shelfscope.fetch.scoring import WEIGHTS, health_score
from shelfscope.platform import Platform

__all__ = ["fetch_app", "register"]

fetch_app = typer.Typer(help="The fetch engine: proxies, health, selftest.", no_args_is_help=True)
proxies_app = typer.Typer(help="Proxies and provider gateways of a workspace.", no_args_is_help=True)
fetch_app.add_typer(proxies_app, name="proxies")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", help="Workspace id or slug.")]
ProxyIdArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Proxy id.")]


@contextmanager
def _session(workspace: str) -> Iterator[tuple[Platform, Session, int]]:
    from shelfscope.auth.audit import AuditActor, actor_context
    from shelfscope.auth.workspaces import find_workspace

    with (
        cli_platform() as platform,
        actor_context(AuditActor(via="cli")),
        platform.db.session() as session,
    ):
        yield platform, session, find_workspace(session, ref=workspace).id


def _proxy_dict(proxy: ProxyConfig) -> dict[str, Any]:
    fields = ("id", "name", "provider", "scheme", "host", "port", "username", "country", "sticky")
    more = ("max_concurrency", "enabled", "cost_per_gb", "last_test_ok", "last_test_latency_ms")
    return {name: getattr(proxy, name) for name in (*fields, *more)} | {"has_password": proxy.has_password}


@proxies_app.command("add")
def add(
    workspace: WorkspaceOpt,
    name: Annotated[str, typer.Option(help="A name unique in the workspace.")],
    provider: Annotated[str, typer.Option(help="bright_data, smartproxy, oxylabs or custom.")] = "custom",
    host: Annotated[str | None, typer.Option(help="Default: the provider's gateway.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535)] = None,
    scheme: Annotated[
        str, typer.Option(help="http, https, socks5 or socks5h (the proxy resolves host names).")
    ] = "http",
    username: Annotated[
        str | None, typer.Option(help="Account username (provider options are added).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Stored encrypted; prefer SHELFSCOPE_PROXY_PASSWORD.", envvar="SHELFSCOPE_PROXY_PASSWORD"
        ),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Fixed exit country (custom) or default target.")
    ] = None,
    sticky: Annotated[bool, typer.Option(help="Keep one exit IP per fetch session.")] = False,
    max_concurrency: Annotated[int, typer.Option(min=1)] = 4,
    cost_per_gb: Annotated[str, typer.Option(help="Price per GB, for usage estimates.")] = "0",
) -> None:
    """Add a proxy and print it."""
    with _session(workspace) as (platform, session, workspace_id):
        proxy = proxy_service.create_proxy(
            session,
            platform.vault,
            workspace_id=workspace_id,
            name=name,
            provider=provider,
            host=host,
            port=port,
            scheme=scheme,
            username=username,
            password=password,
            country=country,
            sticky=sticky,
            max_concurrency=max_concurrency,
            cost_per_gb=Decimal(cost_per_gb),
        )
        print_json(_proxy_dict(proxy))


@proxies_app.command("list")
def list_(workspace: WorkspaceOpt, json_output: JsonOpt = False) -> None:
    """List the workspace's proxies (passwords are never shown)."""
    with _session(workspace) as (_platform, session, workspace_id):
        rows = [_proxy_dict(p) for p in proxy_service.list_proxies(session, workspace_id=workspace_id)]
    if json_output:
        print_json(rows)
        return
    table = Table("id", "name", "provider", "endpoint", "country", "enabled", "last test")
    for row in rows:
        test = "" if row["last_test_ok"] is None else ("ok" if row["last_test_ok"] else "failed")
        endpoint = f"{row['scheme']}://{row['host']}:{row['port']}"
        table.add_row(
            str(row["id"]),
            row["name"],
            row["provider"],
            endpoint,
            row["country"] or "",
            str(row["enabled"]),
            test,
        )
    console.print(table)


@proxies_app.command("test")
def test(workspace: WorkspaceOpt, proxy_id: ProxyIdArg) -> None:
    """Fetch the check URL through the proxy; print latency and exit country."""
    with _session(workspace) as (platform, session, workspace_id):
        proxy = proxy_service.get_proxy(session, workspace_id=workspace_id, proxy_id=proxy_id)
        settings = platform.settings
        check_url = proxy_service.check_url_for(settings, sandbox_url=settings.sandbox.url)
        entry = proxy_service.entry_for(proxy, platform.vault)
        result = asyncio.run(proxy_service.test_connection(settings, entry, check_url=check_url))
        proxy_service.record_test(proxy, result, now=platform.clock.now())
    print_json(vars(result))
    if not result.ok:
        raise typer.Exit(1)


def _set_enabled(workspace: str, proxy_id: int, *, enabled: bool) -> None:
    with _session(workspace) as (_platform, session, workspace_id):
        proxy = proxy_service.set_enabled(
            session, workspace_id=workspace_id, proxy_id=proxy_id, enabled=enabled
        )
        print_json(_proxy_dict(proxy))


@proxies_app.command("enable")
def enable(workspace: WorkspaceOpt, proxy_id: ProxyIdArg) -> None:
    """Let new sessions use the proxy."""
    _set_enabled(workspace, proxy_id, enabled=True)


@proxies_app.command("disable")
def disable(workspace: WorkspaceOpt, proxy_id: ProxyIdArg) -> None:
    """Stop giving the proxy to new sessions."""
    _set_enabled(workspace, proxy_id, enabled=False)


@proxies_app.command("remove")
def remove(workspace: WorkspaceOpt, proxy_id: ProxyIdArg) -> None:
    """Delete the proxy and its stored credentials."""
    with _session(workspace) as (_platform, session, workspace_id):
        proxy_service.delete_proxy(session, workspace_id=workspace_id, proxy_id=proxy_id)
    console.print(f"removed proxy {proxy_id}")


@fetch_app.command("health")
def health(
    workspace: WorkspaceOpt,
    hours: Annotated[int, typer.Option(min=1, max=720, help="Window of the score.")] = 24,
    json_output: JsonOpt = False,
) -> None:
    """The fetch health score with each factor's share."""
    with _session(workspace) as (platform, session, workspace_id):
        score = health_score(
            session, workspace_id=workspace_id, now=platform.clock.now(), window=timedelta(hours=hours)
        )
    if json_output:
        print_json(vars(score) | {"weights": WEIGHTS})
        return
    console.print(f"health score {score.score} / 100 over {score.requests} requests", highlight=False)
    table = Table("factor", "weight", "value", "points")
    for name, weight in WEIGHTS.items():
        table.add_row(name, f"{weight:.0%}", f"{score.factors[name]:.3f}", f"{score.contributions[name]:.1f}")
    console.print(table)


@fetch_app.command("selftest")
def selftest(
    requests: Annotated[int, typer.Option(min=1, max=100_000, help="Requests to send.")] = 1000,
    proxies: Annotated[int, typer.Option(min=2, max=64, help="Local forward proxies to start.")] = 4,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Requests in flight.")] = 16,
    json_output: JsonOpt = False,
) -> None:
    """Run the engine through local proxies (one dies, one gets CAPTCHAs) and check the accounting."""
    from shelfscope.fetch.selftest import run_selftest

    settings = cli_settings()
    report = asyncio.run(run_selftest(settings, requests=requests, proxies=proxies, concurrency=concurrency))
    payload = report.to_json()
    if json_output:
        sys.stdout.write(json.dumps(payload) + "\n")
    else:
        for key, value in payload.items():
            console.print(f"{key:>26}  {value}", highlight=False)
    exact = report.logged == report.requests and report.succeeded + report.failed == report.requests
    if not exact or report.blocks_counted_as_success:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(fetch_app, name="fetch")
