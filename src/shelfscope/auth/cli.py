"""Administration commands: ``user``, ``workspace``, ``apikey`` and ``secrets``.

Mutations run as the ``cli`` actor, so the audit log shows they were made locally.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.auth.audit import AuditActor, actor_context
from shelfscope.auth.principal import Principal, Role
from shelfscope.cli_support import cli_platform, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform

__all__ = ["register"]

user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces and their members.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys of a workspace.", no_args_is_help=True)
secrets_app = typer.Typer(help="The secret vault.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", help="Workspace id or slug.")]
RoleOpt = Annotated[Role, typer.Option(case_sensitive=False, help="Role in the workspace.")]


@contextmanager
def _admin_session() -> Iterator[tuple[Platform, Session]]:
    """A platform and a session whose mutations are audited as made by the CLI."""
    with cli_platform() as platform, actor_context(AuditActor(via="cli")), platform.db.session() as session:
        yield platform, session


def _cli_principal(workspace_id: int) -> Principal:
    return Principal(user_id=None, workspace_id=workspace_id, role=Role.OWNER, via="cli")


def _password(value: str | None, *, prompt: str = "Password") -> str:
    if value:
        return value
    if not sys.stdin.isatty():
        raise InvalidInput("give --password (no terminal to ask on)", field="password")
    entered: str = typer.prompt(
        f"{prompt} (at least 10 characters)", hide_input=True, confirmation_prompt=True
    )
    return entered


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = Table(*columns)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="Login email.")],
    password: Annotated[str | None, typer.Option(help="Password; asked for when omitted.")] = None,
    display_name: Annotated[str, typer.Option(help="Name shown in the dashboard.")] = "",
    workspace: Annotated[str | None, typer.Option("--workspace", "-w", help="Add to this workspace.")] = None,
    role: RoleOpt = Role.MEMBER,
) -> None:
    """Create a user, optionally as a member of a workspace."""
    from shelfscope.auth.members import add_member
    from shelfscope.auth.users import create_user
    from shelfscope.auth.workspaces import find_workspace

    secret = _password(password)
    with _admin_session() as (_, session):
        target = find_workspace(session, ref=workspace) if workspace else None
        user = create_user(session, email=email, password=secret, display_name=display_name)
        if target is not None:
            add_member(session, workspace_id=target.id, user_id=user.id, role=role)
        where = f" in {target.slug} as {role.value}" if target else ""
        console.print(f"created user {user.id} {user.email}{where}")


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """List every user."""
    from shelfscope.auth.users import list_users

    with _admin_session() as (_, session):
        users = list_users(session, limit=10_000)
        rows = [[u.id, u.email, u.display_name, u.is_active, u.last_login_at] for u in users]
    if as_json:
        keys = ("id", "email", "display_name", "is_active", "last_login_at")
        print_json([dict(zip(keys, row, strict=True)) for row in rows])
    else:
        _table(["id", "email", "name", "active", "last login"], rows)


@user_app.command("reset-password")
def user_reset_password(
    email: Annotated[str, typer.Argument(help="Login email.")],
    password: Annotated[str | None, typer.Option(help="New password; asked for when omitted.")] = None,
) -> None:
    """Set a new password and sign the user out everywhere."""
    from shelfscope.auth.users import reset_password

    secret = _password(password, prompt="New password")
    with _admin_session() as (platform, session):
        user = reset_password(session, email=email, password=secret, now=platform.clock.now())
        console.print(f"password of {user.email} changed; their sessions were signed out")


@workspace_app.command("create")
def workspace_create(
    name: Annotated[str, typer.Argument(help="Workspace name.")],
    owner: Annotated[str, typer.Option(help="Email of the existing user who will own it.")],
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
) -> None:
    """Create a workspace owned by an existing user."""
    from shelfscope.auth.users import find_user_by_email, normalize_email
    from shelfscope.auth.workspaces import create_workspace

    with _admin_session() as (_, session):
        user = find_user_by_email(session, email=normalize_email(owner))
        if user is None:
            raise InvalidInput(f"no user with email {owner}; create it first with `shelfscope user create`")
        workspace = create_workspace(session, owner_id=user.id, name=name, timezone=timezone)
        console.print(f"created workspace {workspace.id} {workspace.slug} owned by {user.email}")


@workspace_app.command("list")
def workspace_list(as_json: JsonOpt = False) -> None:
    """List every workspace with its member count."""
    from sqlalchemy import func, select

    from shelfscope.auth.models import Membership, Workspace

    with _admin_session() as (_, session):
        query = (
            select(
                Workspace.id, Workspace.slug, Workspace.name, Workspace.timezone, func.count(Membership.id)
            )
            .outerjoin(Membership, Membership.workspace_id == Workspace.id)
            .group_by(Workspace.id)
            .order_by(Workspace.id)
        )
        rows = [list(row) for row in session.execute(query)]
    if as_json:
        keys = ("id", "slug", "name", "timezone", "members")
        print_json([dict(zip(keys, row, strict=True)) for row in rows])
    else:
        _table(["id", "slug", "name", "timezone", "members"], rows)


@workspace_app.command("add-member")
def workspace_add_member(
    workspace: Annotated[str, typer.Argument(help="Workspace id or slug.")],
    email: Annotated[str, typer.Argument(help="Email of an existing user.")],
    role: RoleOpt = Role.MEMBER,
) -> None:
    """Add an existing user to a workspace."""
    from shelfscope.auth.members import add_member
    from shelfscope.auth.users import find_user_by_email, normalize_email
    from shelfscope.auth.workspaces import find_workspace

    with _admin_session() as (_, session):
        target = find_workspace(session, ref=workspace)
        user = find_user_by_email(session, email=normalize_email(email))
        if user is None:
            raise InvalidInput(f"no user with email {email}; create it first with `shelfscope user create`")
        add_member(session, workspace_id=target.id, user_id=user.id, role=role)
        console.print(f"{user.email} is now {role.value} of {target.slug}")


@apikey_app.command("create")
def apikey_create(
    workspace: WorkspaceOpt,
    name: Annotated[str, typer.Option(help="What the key is for.")],
    role: RoleOpt = Role.MEMBER,
) -> None:
    """Create an API key; it is printed once and cannot be shown again."""
    from shelfscope.auth.api_keys import create_api_key
    from shelfscope.auth.workspaces import find_workspace

    with _admin_session() as (platform, session):
        target = find_workspace(session, ref=workspace)
        principal = _cli_principal(target.id)
        api_key, key = create_api_key(
            session, principal=principal, name=name, role=role, now=platform.clock.now()
        )
        console.print(f"created API key {api_key.id} ({api_key.name}, {api_key.role.value}) in {target.slug}")
    console.print("The key is shown only now:", highlight=False)
    sys.stdout.write(key + "\n")


@apikey_app.command("list")
def apikey_list(workspace: WorkspaceOpt, as_json: JsonOpt = False) -> None:
    """List the API keys of a workspace (never the keys themselves)."""
    from shelfscope.auth.api_keys import list_api_keys
    from shelfscope.auth.workspaces import find_workspace

    with _admin_session() as (_, session):
        target = find_workspace(session, ref=workspace)
        keys = list_api_keys(session, principal=_cli_principal(target.id))
        rows = [[k.id, k.name, f"ssk_{k.prefix}_…", k.role.value, k.last_used_at, k.revoked_at] for k in keys]
    if as_json:
        names = ("id", "name", "prefix", "role", "last_used_at", "revoked_at")
        print_json([dict(zip(names, row, strict=True)) for row in rows])
    else:
        _table(["id", "name", "key", "role", "last used", "revoked"], rows)


@apikey_app.command("revoke")
def apikey_revoke(
    api_key_id: Annotated[int, typer.Argument(help="Id from `apikey list`.", min=1)], workspace: WorkspaceOpt
) -> None:
    """Revoke an API key; requests with it fail from now on."""
    from shelfscope.auth.api_keys import revoke_api_key
    from shelfscope.auth.workspaces import find_workspace

    with _admin_session() as (platform, session):
        target = find_workspace(session, ref=workspace)
        principal = _cli_principal(target.id)
        api_key = revoke_api_key(
            session, principal=principal, api_key_id=api_key_id, now=platform.clock.now()
        )
        console.print(f"revoked API key {api_key.id} ({api_key.name})")


@secrets_app.command("rotate")
def secrets_rotate(
    keep_old_keys: Annotated[
        bool,
        typer.Option("--keep-old-keys", help="Keep the previous keys in the key file after re-encrypting."),
    ] = False,
) -> None:
    """Generate a new vault key and re-encrypt every stored secret with it."""
    from shelfscope.auth.vault import rotate_keys

    with cli_platform() as platform:
        result = rotate_keys(settings=platform.settings, db=platform.db, keep_old_keys=keep_old_keys)
    console.print(f"re-encrypted {result.re_encrypted} stored secrets")
    if result.key_file is None:
        console.print(
            "keys come from SHELFSCOPE_VAULT__KEYS: everything is now encrypted with the first one; "
            "the others can be removed from the configuration"
        )
    else:
        console.print(f"{result.key_file} now holds {result.keys_kept} key(s)", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(workspace_app, name="workspace")
    app.add_typer(apikey_app, name="apikey")
    app.add_typer(secrets_app, name="secrets")
