"""``shelfscope ranks alerts …``: alert rules of tracking jobs from the command line.

Commands take a job id (local administration: the workspace is the job's). Bad input exits 2
with one line. What fired is listed by ``shelfscope alerts events``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from shelfscope.cli_support import cli_platform, console, print_json
from shelfscope.ranks.alert_rules import Direction, RuleKind

__all__ = ["rank_alerts_app", "register"]

rank_alerts_app = typer.Typer(help="Alert rules of tracking jobs.", no_args_is_help=True)

JobArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Tracking job id.")]
RuleArg = Annotated[int, typer.Argument(min=1, max=2**63 - 1, help="Alert rule id.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@contextmanager
def _job_session(job_id: int) -> Iterator[tuple[Session, int]]:
    from shelfscope.auth.audit import AuditActor, actor_context
    from shelfscope.ranks.jobs import job_workspace_id

    with cli_platform() as platform, actor_context(AuditActor(via="cli")), platform.db.session() as session:
        yield session, job_workspace_id(session, job_id=job_id)


@rank_alerts_app.command("list")
def rules_list(job_id: JobArg, *, as_json: JsonOpt = False) -> None:
    """List a job's alert rules."""
    from shelfscope.ranks.alert_rules import rule_label, rules_query
    from shelfscope.ranks.alert_schemas import RuleOut

    with _job_session(job_id) as (session, workspace_id):
        rows = list(session.scalars(rules_query(workspace_id=workspace_id, job_id=job_id)))
        if as_json:
            items = [RuleOut.model_validate(r).model_copy(update={"label": rule_label(r)}) for r in rows]
            print_json({"items": [i.model_dump(mode="json") for i in items], "total": len(items)})
            return
        table = Table("id", "rule", "keyword", "cooldown", "enabled")
        for rule in rows:
            table.add_row(str(rule.id), rule_label(rule), str(rule.keyword_id or "all"),
                          f"{rule.cooldown_minutes} min", "yes" if rule.enabled else "no")  # fmt: skip
        console.print(table)


@rank_alerts_app.command("add")
def rules_add(
    job_id: JobArg,
    *,
    kind: Annotated[RuleKind, typer.Option(case_sensitive=False, help="What to watch.")],
    keyword_id: Annotated[int | None, typer.Option(min=1, help="Only this keyword [default: all].")] = None,
    positions: Annotated[int | None, typer.Option(min=1, help="rank_moved: least move in positions.")] = None,
    percent: Annotated[int | None, typer.Option(min=1, help="rank_moved: least move in %.")] = None,
    direction: Annotated[
        Direction, typer.Option(case_sensitive=False, help="rank_moved direction.")
    ] = Direction.ANY,
    cooldown_minutes: Annotated[
        int, typer.Option(min=1, help="At most one alert per keyword in this time.")
    ] = 360,
) -> None:
    """Add an alert rule to a job."""
    from shelfscope.ranks.alert_rules import create_rule, rule_label

    with _job_session(job_id) as (session, workspace_id):
        rule = create_rule(
            session,
            workspace_id=workspace_id,
            job_id=job_id,
            kind=kind.value,
            keyword_id=keyword_id,
            positions=positions,
            percent=percent,
            direction=direction.value,
            cooldown_minutes=cooldown_minutes,
        )
        console.print(f"rule {rule.id}: {rule_label(rule)}", highlight=False)


@rank_alerts_app.command("remove")
def rules_remove(job_id: JobArg, rule_id: RuleArg) -> None:
    """Remove an alert rule."""
    from shelfscope.ranks.alert_rules import delete_rule

    with _job_session(job_id) as (session, workspace_id):
        delete_rule(session, workspace_id=workspace_id, job_id=job_id, rule_id=rule_id)
    console.print(f"rule {rule_id}: removed")


def register(app: typer.Typer) -> None:
    """Attach ``alerts`` under the existing ``ranks`` group (registered by :mod:`.cli` first)."""
    from shelfscope.ranks.cli import ranks_app

    if not any(group.name == "alerts" for group in ranks_app.registered_groups):
        ranks_app.add_typer(rank_alerts_app, name="alerts")
