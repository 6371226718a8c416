"""Commands of background work: ``worker``, ``scheduler``, ``runs …`` and ``demo enqueue``.

``runs`` commands are local administration: ``show``, ``cancel`` and ``retry`` accept any run
id; ``list`` and ``demo enqueue`` act on one workspace (``--workspace``), or on system runs
that belong to none when it is omitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, cli_settings, console, print_json
from shelfscope.jobs.models import Run, RunStatus
from shelfscope.platform import Platform

__all__ = ["register"]

runs_app = typer.Typer(help="Background runs: list, inspect, cancel, retry.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo work to watch the job system.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
WorkspaceOpt = Annotated[
    str | None, typer.Option("--workspace", "-w", help="Workspace id or slug [default: system runs].")
]
RunIdArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Run id.")]


@contextmanager
def _session() -> Iterator[tuple[Platform, Session]]:
    from shelfscope.auth.audit import AuditActor, actor_context

    with cli_platform() as platform, actor_context(AuditActor(via="cli")), platform.db.session() as session:
        yield platform, session


def _workspace_id(session: Session, ref: str | None) -> int | None:
    if ref is None:
        return None
    from shelfscope.auth.workspaces import find_workspace

    return find_workspace(session, ref=ref).id


def _run_dict(run: Run) -> dict[str, Any]:
    from shelfscope.jobs.schemas import RunOut

    return RunOut.model_validate(run).model_dump(mode="json")


def worker(
    concurrency: Annotated[
        int | None,
        typer.Option("--concurrency", "-c", min=1, max=64, help="Worker threads [default: from settings]."),
    ] = None,
) -> None:
    """Execute queued runs until stopped (SIGTERM/SIGINT finish running work first)."""
    from shelfscope.jobs.embedded import run_worker

    with cli_platform(cli_settings(long_running=True)) as platform:
        run_worker(platform, concurrency)


def scheduler() -> None:
    """Dispatch due work and recover runs of dead workers until stopped (run exactly one)."""
    from shelfscope.jobs.embedded import run_scheduler

    with cli_platform(cli_settings(long_running=True)) as platform:
        run_scheduler(platform)


@runs_app.command("list")
def runs_list(
    workspace: WorkspaceOpt = None,
    status: Annotated[RunStatus | None, typer.Option(case_sensitive=False, help="Only this status.")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List runs, newest first."""
    from shelfscope.jobs.service import list_runs

    with _session() as (_, session):
        rows, total = list_runs(
            session, workspace_id=_workspace_id(session, workspace), status=status, kind=kind, limit=limit
        )
        if as_json:
            print_json({"items": [_run_dict(run) for run in rows], "total": total})
            return
        table = Table("id", "kind", "subject", "status", "progress", "attempts", "queued at", "error")
        for run in rows:
            of_total = f"/{run.progress_total}" if run.progress_total is not None else ""
            progress = f"{run.progress_done}{of_total}"
            table.add_row(
                str(run.id), run.kind, run.subject, run.status, progress, str(run.attempts),
                f"{run.queued_at:%Y-%m-%d %H:%M:%S}", (run.error or "")[:60],
            )  # fmt: skip
        console.print(table)
        console.print(f"{len(rows)} of {total} runs")


@runs_app.command("show")
def runs_show(run_id: RunIdArg) -> None:
    """Print one run as JSON."""
    from shelfscope.jobs.service import get_run, run_workspace_id

    with _session() as (_, session):
        workspace_id = run_workspace_id(session, run_id=run_id)
        print_json(_run_dict(get_run(session, workspace_id=workspace_id, run_id=run_id)))


@runs_app.command("cancel")
def runs_cancel(run_id: RunIdArg) -> None:
    """Cancel a queued run now, or ask a running one to stop."""
    from shelfscope.jobs.service import cancel_run, run_workspace_id

    with _session() as (platform, session):
        workspace_id = run_workspace_id(session, run_id=run_id)
        run = cancel_run(session, platform, workspace_id=workspace_id, run_id=run_id)
        status = "cancelled" if run.status == RunStatus.CANCELLED.value else "cancellation requested"
    console.print(f"run {run_id}: {status}")


@runs_app.command("retry")
def runs_retry(run_id: RunIdArg) -> None:
    """Queue a failed, cancelled or partial run again."""
    from shelfscope.jobs.service import retry_run, run_workspace_id

    with _session() as (platform, session):
        workspace_id = run_workspace_id(session, run_id=run_id)
        retry_run(session, platform, workspace_id=workspace_id, run_id=run_id)
    console.print(f"run {run_id}: queued again")


@demo_app.command("enqueue")
def demo_enqueue(
    count: Annotated[int, typer.Option(min=1, max=1000, help="How many runs.")] = 1,
    items: Annotated[int, typer.Option(min=0, max=10_000, help="Units each run processes.")] = 20,
    sleep: Annotated[float, typer.Option(min=0, max=60, help="Seconds per unit.")] = 0.2,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Queue demo.count runs (one demo_items row per unit, idempotent)."""
    from shelfscope.jobs.demo import create_demo_runs

    with _session() as (platform, session):
        runs = create_demo_runs(
            session,
            platform,
            workspace_id=_workspace_id(session, workspace),
            count=count,
            items=items,
            sleep_seconds=sleep,
        )
        session.commit()
        ids = [run.id for run in runs]
    if as_json:
        print_json({"run_ids": ids})
    else:
        console.print(f"queued {len(ids)} demo runs: {', '.join(map(str, ids))}")


def register(app: typer.Typer) -> None:
    app.command()(worker)
    app.command()(scheduler)
    app.add_typer(runs_app, name="runs")
    app.add_typer(demo_app, name="demo")
