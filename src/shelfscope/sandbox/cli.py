"""``shelfscope sandbox …``: run the sandbox on its own and show what it serves."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from shelfscope.cli_support import cli_settings, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.sandbox.registry import SimulatorRegistry

__all__ = ["DEFAULT_PORT", "register"]

DEFAULT_PORT = 8900

sandbox_app = typer.Typer(
    name="sandbox",
    help="The local simulator of every outside system (Amazon, Shopee, TikTok, SP-API, Ads/AMC, proxies).",
    no_args_is_help=True,
)


def _check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise InvalidInput(f"--port must be between 0 and 65535, got {port}", field="port")
    return port


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise InvalidInput(
            f"--url must be an http(s) URL like http://127.0.0.1:8900, got {url!r}", field="url"
        )
    return url.rstrip("/")


def _line(text: str) -> None:
    """Plain output that never wraps, so URLs stay whole for copying and scripts."""
    console.print(text, highlight=False, soft_wrap=True, markup=False)


def _print_listing(registry: SimulatorRegistry, base_url: str) -> None:
    """One line per simulator and one per connector setting it serves."""
    for simulator in registry:
        _line(f"  {simulator.name:<14} {simulator.url(base_url)}  {simulator.title}")
        for setting, url in simulator.absolute_urls(base_url).items():
            _line(f"    {setting:<24} {url}")
    _line(f"  faults and docs: {base_url}/")


def _as_json(registry: SimulatorRegistry, base_url: str) -> dict[str, Any]:
    simulators = [
        {
            "name": sim.name,
            "title": sim.title,
            "url": sim.url(base_url),
            "base_urls": sim.absolute_urls(base_url),
        }
        for sim in registry
    ]
    return {
        "base_url": base_url,
        "simulators": simulators,
        "connector_urls": registry.connector_urls(base_url),
    }


@sandbox_app.command("serve")
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on [default: settings.sandbox.host].")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = DEFAULT_PORT,
) -> None:
    """Run the sandbox in the foreground until Ctrl-C."""
    from shelfscope.sandbox.server import SandboxServer

    settings = cli_settings(long_running=True)
    server = SandboxServer.from_settings(settings, host=host, port=_check_port(port))

    def announce(url: str) -> None:
        _line(f"sandbox listening on {url}")
        _print_listing(server.simulators, url)

    try:
        server.run(on_started=announce)
    except KeyboardInterrupt:
        _line("sandbox stopped")


@sandbox_app.command("list")
def list_simulators(
    url: Annotated[
        str | None,
        typer.Option(help="Base URL the sandbox is reached at [default: settings.sandbox.url or port 8900]."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: simulators and connector URLs.")
    ] = False,
) -> None:
    """List every simulator with its URLs and the connector settings it serves."""
    from shelfscope.sandbox.registry import load_simulators

    settings = cli_settings()
    base_url = _check_url(url or settings.sandbox.url or f"http://{settings.sandbox.host}:{DEFAULT_PORT}")
    registry = load_simulators()
    if as_json:
        print_json(_as_json(registry, base_url))
        return
    _line(f"sandbox at {base_url}")
    _print_listing(registry, base_url)


def register(app: typer.Typer) -> None:
    app.add_typer(sandbox_app, name="sandbox")
