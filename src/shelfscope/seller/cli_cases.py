"""``shelfscope seller cases list|show|set-status|export|detect`` and ``seller ledger export``.

Every command names its workspace (``-w``, id or slug). Exports stream CSV to stdout or to
``--output``; bad input (an unknown status, a date without a timezone) exits 2 with one line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, console, print_json
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform
from shelfscope.seller import cases, exports
from shelfscope.seller.cases.export import CASE_COLUMNS
from shelfscope.seller.cases.schemas import CaseDetailOut, CaseOut
from shelfscope.seller.connections import list_connections

__all__ = ["cases_app", "ledger_app"]

cases_app = typer.Typer(help="Reimbursement cases: money Amazon may owe.", no_args_is_help=True)
ledger_app = typer.Typer(help="The seller ledger.", no_args_is_help=True)

WorkspaceOpt = Annotated[str, typer.Option("--workspace", "-w", help="Workspace id or slug.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CaseIdArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Case id.")]
StatusOpt = Annotated[str | None, typer.Option("--status", help="open, filed, paid or dismissed.")]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind", help="lost_or_damaged, refund_without_return, reimbursement_reversed or fee_overcharge."
    ),
]
ConnectionOpt = Annotated[int | None, typer.Option("--connection", min=1, help="Only this connection.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")]


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


def _write(chunks: Iterable[str], output: Path | None) -> None:
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as file:
            for chunk in chunks:
                file.write(chunk)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from exc
    console.print(f"wrote {output}")


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--{name} must be an ISO time such as 2026-01-01T00:00:00+00:00") from None


@cases_app.command("list")
def list_(
    *,
    workspace: WorkspaceOpt,
    status: StatusOpt = None,
    kind: KindOpt = None,
    connection: ConnectionOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    json_output: JsonOpt = False,
) -> None:
    """Cases of the workspace, soonest claim deadline first."""
    with _session(workspace) as (_platform, session, workspace_id):
        rows, total = cases.list_cases(
            session,
            workspace_id=workspace_id,
            status=status,
            kind=kind,
            connection_id=connection,
            limit=limit,
            offset=offset,
        )
        items = [CaseOut.model_validate(row).model_dump(mode="json") for row in rows]
    if json_output:
        print_json({"items": items, "total": total, "limit": limit, "offset": offset})
        return
    table = Table("id", "kind", "status", "sku", "amount", "deadline", "title")
    for item in items:
        amount = f"{item['amount']} {item['currency']}" if item["amount"] is not None else "?"
        table.add_row(
            str(item["id"]), item["kind"], item["status"], item["sku"] or "", amount,
            item["claim_deadline"][:10], item["title"],
        )  # fmt: skip
    console.print(table)
    console.print(f"{len(items)} of {total}")


@cases_app.command("show")
def show(workspace: WorkspaceOpt, case_id: CaseIdArg, json_output: JsonOpt = False) -> None:
    """One case with its evidence trail and history."""
    with _session(workspace) as (_platform, session, workspace_id):
        detail = CaseDetailOut.from_detail(
            cases.get_case(session, workspace_id=workspace_id, case_id=case_id)
        )
    if json_output:
        print_json(detail.model_dump(mode="json"))
        return
    amount = f"{detail.amount} {detail.currency}" if detail.amount is not None else "unknown"
    console.print(f"[bold]#{detail.id} {detail.title}[/bold]")
    console.print(f"{detail.kind.value} · {detail.status.value} · at stake {amount}")
    console.print(f"occurred {detail.occurred_at:%Y-%m-%d} · claim by {detail.claim_deadline:%Y-%m-%d}")
    table = Table("role", "time", "source", "type", "sku", "qty", "amount", "reference")
    for item in detail.evidence:
        entry = item.entry
        money = f"{entry.amount} {entry.currency}" if entry.amount is not None else ""
        table.add_row(
            item.role, f"{entry.event_time:%Y-%m-%d %H:%M}", entry.source, entry.entry_type or "",
            entry.sku or "", "" if entry.quantity is None else str(entry.quantity), money,
            entry.reference_id or entry.order_id or "",
        )  # fmt: skip
    console.print(table)
    for line in detail.history:
        console.print(f"{line.at:%Y-%m-%d %H:%M} {line.status.value}: {line.note}")


@cases_app.command("set-status")
def set_status(
    workspace: WorkspaceOpt,
    case_id: CaseIdArg,
    status: Annotated[str, typer.Argument(help="open, filed, paid or dismissed.")],
    note: Annotated[str | None, typer.Option("--note", help="Why; kept in the case's history.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Mark a case filed, paid, dismissed or open again."""
    with _session(workspace) as (platform, session, workspace_id):
        case = cases.set_case_status(
            session,
            workspace_id=workspace_id,
            case_id=case_id,
            status=status,
            note=note,
            now=platform.clock.now(),
        )
        out = CaseOut.model_validate(case).model_dump(mode="json")
    if json_output:
        print_json(out)
        return
    console.print(f"case {out['id']} is {out['status']}")


@cases_app.command("export")
def export(
    workspace: WorkspaceOpt,
    status: StatusOpt = None,
    kind: KindOpt = None,
    connection: ConnectionOpt = None,
    output: OutputOpt = None,
) -> None:
    """Cases as CSV, streamed."""
    with _session(workspace) as (platform, _, workspace_id):
        query = cases.cases_query(
            workspace_id=workspace_id, status=status, kind=kind, connection_id=connection
        )
        _write(exports.stream_csv(platform.db, query, CASE_COLUMNS), output)


@cases_app.command("detect")
def detect(workspace: WorkspaceOpt, connection: ConnectionOpt = None, json_output: JsonOpt = False) -> None:
    """Run the case rules over the ledger now (syncs do this on their own when they finish)."""
    results: list[dict[str, Any]] = []
    with _session(workspace) as (platform, session, workspace_id):
        for row in list_connections(session, workspace_id=workspace_id):
            if connection is None or row.id == connection:
                found = cases.detect_cases(session, connection_id=row.id, now=platform.clock.now())
                results.append(found.as_json())
    if json_output:
        print_json(results)
        return
    for result in results:
        console.print(
            f"connection {result['connection_id']}: {result['found']} case(s), "
            f"{result['created']} new, {result['closed']} closed by a late reimbursement"
        )


@ledger_app.command("export")
def ledger_export(
    *,
    workspace: WorkspaceOpt,
    source: Annotated[str | None, typer.Option("--source", help="Source kind, e.g. orders.")] = None,
    marketplace: Annotated[str | None, typer.Option("--marketplace", help="Marketplace id.")] = None,
    sku: Annotated[str | None, typer.Option("--sku")] = None,
    order: Annotated[str | None, typer.Option("--order", help="Amazon order id.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Event time from (ISO, with zone).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Event time before (ISO, with zone).")] = None,
    output: OutputOpt = None,
) -> None:
    """Ledger entries as CSV, newest first, streamed: the filters of the ledger API."""
    filters = exports.ledger_filters(
        source=source,
        marketplace_id=marketplace,
        sku=sku,
        order_id=order,
        since=_moment(since, "since"),
        until=_moment(until, "until"),
    )
    with _session(workspace) as (platform, _, workspace_id):
        query = exports.ledger_query(workspace_id=workspace_id, filters=filters)
        _write(exports.stream_csv(platform.db, query, exports.LEDGER_COLUMNS), output)
