"""``shelfscope serve``: web, embedded worker and scheduler, optionally the sandbox, in one process."""

from __future__ import annotations

import math
import socket
import sys
from collections.abc import Callable
from contextlib import ExitStack
from typing import Annotated, Any

import typer

from shelfscope.auth.bootstrap import OwnerCreated
from shelfscope.cli_support import cli_settings, console
from shelfscope.errors import ConfigError
from shelfscope.platform import Platform
from shelfscope.settings import Settings

__all__ = ["register"]


def _start_sandbox(settings: Settings, stack: ExitStack) -> Settings:
    """Start the in-process sandbox and point every connector at it."""
    from shelfscope.sandbox.server import SandboxServer

    server = SandboxServer.from_settings(settings)
    server.start()
    stack.callback(server.stop)
    console.print(f"sandbox listening on {server.url}")
    sandbox = settings.sandbox.model_copy(update={"enabled": True, "url": server.url})
    settings = settings.model_copy(update={"sandbox": sandbox})
    if not settings.seller.application_id:  # no real SP-API app configured: the demo seller
        from shelfscope.seller.sandbox_mode import with_sandbox_seller

        callback = f"http://{settings.web.host}:{settings.web.port}/api/amazon/oauth-callback"
        settings = with_sandbox_seller(settings, server.connector_urls(), redirect_url=callback)
    return settings


def _announce_owner(created: OwnerCreated | None) -> None:
    if created is None:
        return
    if not created.generated:
        console.print(f"Owner account {created.email} created.", highlight=False)
        return
    console.print(
        "\n[bold]First start: an owner account was created.[/bold] This login is shown only once:\n"
        f"  email:    {created.email}\n  password: {created.password}\n"
        "Change the password under Settings after logging in.\n",
        highlight=False,
    )


def _bootstrap_owner(platform: Platform, *, email: str | None, password: str | None, demo: bool) -> None:
    from shelfscope.auth.bootstrap import DEFAULT_WORKSPACE_NAME, ensure_owner, has_users
    from shelfscope.demo import DEMO_WORKSPACE_NAME

    if has_users(platform):
        return
    if not demo and email is None and password is None and sys.stdin.isatty():
        console.print("No account exists yet. Create the owner account.")
        email = typer.prompt("Owner email")
        password = typer.prompt(
            "Password (at least 10 characters)", hide_input=True, confirmation_prompt=True
        )
    workspace_name = DEMO_WORKSPACE_NAME if demo else DEFAULT_WORKSPACE_NAME
    _announce_owner(ensure_owner(platform, email=email, password=password, workspace_name=workspace_name))


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default 8000).")] = None,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Serve only the web; run `shelfscope worker` elsewhere.")
    ] = False,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="Start the sandbox in-process.")] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="Start the sandbox and seed a demo workspace (offline demo).")
    ] = False,
    owner_email: Annotated[
        str | None,
        typer.Option(envvar="SHELFSCOPE_OWNER_EMAIL", help="Owner account to create on first start."),
    ] = None,
    owner_password: Annotated[
        str | None, typer.Option(envvar="SHELFSCOPE_OWNER_PASSWORD", help="Its password.", show_default=False)
    ] = None,
) -> None:
    """Serve the dashboard and API; in embedded mode also run the worker and the scheduler."""
    from shelfscope.api.app import create_app
    from shelfscope.db.migrate import upgrade

    settings = cli_settings(long_running=True)
    web = settings.web.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
    settings = settings.model_copy(update={"web": web})
    with ExitStack() as stack:
        if sandbox or demo:
            settings = _start_sandbox(settings, stack)
        platform = Platform.from_settings(settings)
        stack.callback(platform.close)
        upgrade(platform.db.engine)
        _bootstrap_owner(platform, email=owner_email, password=owner_password, demo=demo)
        if demo:
            from shelfscope.demo import seed_demo

            if seed_demo(platform) is not None:
                console.print("demo workspace seeded")
        from shelfscope.jobs.embedded import EmbeddedJobs, stop_signals

        signals = stack.enter_context(stop_signals())
        worker: EmbeddedJobs | None = None
        if not no_worker:
            worker = EmbeddedJobs.from_platform(platform)
            worker.start()
            stack.callback(worker.stop)
        app = create_app(platform)
        console.print(f"shelfscope on http://{settings.web.host}:{settings.web.port}")
        try:
            _run_web(app, settings, on_shutdown=worker.stop_taking if worker else None)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {settings.web.host}:{settings.web.port}: {exc.strerror}"
            ) from exc
        except KeyboardInterrupt:  # Ctrl-C twice: no grace period for running jobs
            if worker is not None:
                worker.stop_now()
        if signals.received:
            console.print("stopped")


def _run_web(app: Any, settings: Settings, *, on_shutdown: Callable[[], None] | None) -> None:
    """Serve until SIGINT/SIGTERM; ``on_shutdown`` runs the moment shutdown begins.

    uvicorn first drains open connections (up to the grace period); embedded jobs would go on
    claiming runs meanwhile, each of which would then have to be interrupted and handed back.
    """
    import uvicorn

    class WebServer(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            if on_shutdown is not None:
                on_shutdown()
            await super().shutdown(sockets=sockets)

    config = uvicorn.Config(
        app,
        host=settings.web.host,
        port=settings.web.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=max(1, math.ceil(settings.jobs.serve_grace_seconds)),
    )
    WebServer(config).run()


def register(app: typer.Typer) -> None:
    app.command()(serve)
