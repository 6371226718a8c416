"""``shelfscope alerts …``: delivery channels and the alert history from the command line.

Every command acts in one workspace (``--workspace``, id or slug). Changes are audited as made by
the CLI. Signing secrets are read from ``--signing-secret-env`` (the name of an environment
variable), never from the command line, so they stay out of shell history and process lists.
Bad input exits 2 with one line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform

__all__ = ["alerts_app", "register"]

alerts_app = typer.Typer(help="Alerts: delivery channels (webhook, email) and history.", no_args_is_help=True)
channels_app = typer.Typer(help="Where alerts go besides the dashboard.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", help="Workspace id or slug.")]
ChannelArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Channel id.")]


@contextmanager
def _session(workspace: str) -> Iterator[tuple[Platform, Session, int]]:
    from shelfscope.auth.audit import AuditActor, actor_context
    from shelfscope.auth.workspaces import find_workspace

    with cli_platform() as platform, actor_context(AuditActor(via="cli")), platform.db.session() as session:
        yield platform, session, find_workspace(session, ref=workspace).id


def _channel_dict(channel: Any) -> dict[str, Any]:
    from shelfscope.alerts.schemas import ChannelOut

    return ChannelOut.model_validate(channel).model_dump(mode="json")


@channels_app.command("list")
def channels_list(*, workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    """List the workspace's channels."""
    from shelfscope.alerts.channels import channels_query

    with _session(workspace) as (_, session, workspace_id):
        rows = list(session.scalars(channels_query(workspace_id=workspace_id)))
        if as_json:
            print_json({"items": [_channel_dict(row) for row in rows], "total": len(rows)})
            return
        table = Table("id", "name", "kind", "target", "digest", "enabled", "last delivery")
        for row in rows:
            target = row.url if row.kind == "webhook" else ", ".join(row.recipients)
            last = "" if row.last_delivery_ok is None else ("ok" if row.last_delivery_ok else "failed")
            table.add_row(str(row.id), row.name, row.webhook_format or row.kind, target or "",
                          "yes" if row.digest else "", "yes" if row.enabled else "no", last)  # fmt: skip
        console.print(table)


@channels_app.command("add")
def channels_add(
    *,
    workspace: WorkspaceOpt,
    name: Annotated[str, typer.Option(help="A name for people.")],
    webhook: Annotated[str | None, typer.Option(help="Webhook URL (public http/https).")] = None,
    slack: Annotated[bool, typer.Option("--slack", help="Send the Slack-compatible body.")] = False,
    signing_secret_env: Annotated[
        str | None, typer.Option(help="Environment variable holding the HMAC signing secret.")
    ] = None,
    email: Annotated[list[str] | None, typer.Option("--email", help="A recipient (repeatable).")] = None,
    digest: Annotated[bool, typer.Option("--digest", help="Only a daily digest, not each alert.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a webhook (--webhook URL) or email (--email ADDRESS …) channel."""
    from shelfscope.alerts.channels import create_channel

    if (webhook is None) == (not email):
        raise InvalidInput("give either --webhook URL or at least one --email ADDRESS", field="webhook")
    secret = None
    if signing_secret_env:
        secret = os.environ.get(signing_secret_env)
        if not secret:
            raise InvalidInput(
                f"environment variable {signing_secret_env} is not set", field="signing_secret"
            )
    with _session(workspace) as (platform, session, workspace_id):
        channel = create_channel(
            session, platform, workspace_id=workspace_id, name=name, kind="webhook" if webhook else "email",
            url=webhook, webhook_format="slack" if slack else "json", signing_secret=secret,
            recipients=email or [], digest=digest,
        )  # fmt: skip
        if as_json:
            print_json(_channel_dict(channel))
            return
        console.print(f"channel {channel.id}: {channel.name} ({channel.kind}) added", highlight=False)


@channels_app.command("remove")
def channels_remove(channel_id: ChannelArg, *, workspace: WorkspaceOpt) -> None:
    """Remove a channel."""
    from shelfscope.alerts.channels import delete_channel

    with _session(workspace) as (_, session, workspace_id):
        delete_channel(session, workspace_id=workspace_id, channel_id=channel_id)
    console.print(f"channel {channel_id}: removed")


@channels_app.command("test")
def channels_test(channel_id: ChannelArg, *, workspace: WorkspaceOpt) -> None:
    """Send a sample alert to a channel now; exits 1 when it fails."""
    from shelfscope.alerts.history import send_test

    with _session(workspace) as (platform, session, workspace_id):
        result = send_test(session, platform, workspace_id=workspace_id, channel_id=channel_id)
    if not result.ok:
        console.print(f"channel {channel_id}: failed: {result.error}", style="red", highlight=False)
        raise typer.Exit(1)
    console.print(f"channel {channel_id}: delivered ({result.response_status})")


@alerts_app.command("events")
def events(
    *,
    workspace: WorkspaceOpt,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Alerts that fired, newest first, with how their deliveries went."""
    from shelfscope.alerts.history import deliveries_of, events_query
    from shelfscope.alerts.schemas import AlertEventOut, DeliveryOut

    with _session(workspace) as (_, session, workspace_id):
        rows = list(session.scalars(events_query(workspace_id=workspace_id).limit(limit)))
        sent = deliveries_of(session, workspace_id=workspace_id, event_ids=[row.id for row in rows])
        items = [
            AlertEventOut.model_validate(row).model_copy(
                update={"deliveries": [DeliveryOut.model_validate(d) for d in sent.get(row.id, [])]}
            )
            for row in rows
        ]
    if as_json:
        print_json({"items": [item.model_dump(mode="json") for item in items], "total": len(items)})
        return
    table = Table("id", "fired", "kind", "title", "deliveries", "link")
    for item in items:
        deliveries = ", ".join(f"{d.channel_id}:{d.status}" for d in item.deliveries)
        table.add_row(str(item.id), f"{item.fired_at:%Y-%m-%d %H:%M}", item.kind, item.title, deliveries,
                      item.link or "")  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    if not alerts_app.registered_groups:
        alerts_app.add_typer(channels_app, name="channels")
    app.add_typer(alerts_app, name="alerts")
