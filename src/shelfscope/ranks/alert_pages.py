"""The alert rules page of a tracking job (/ranks/jobs/{id}/alerts): its rules, a form to add one,
and what fired for the job, each alert linking to its keyword's chart. Members change rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from shelfscope.alerts.history import events_query
from shelfscope.api.deps import SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.ranks import alert_rules
from shelfscope.ranks.alert_rules import Direction, RuleKind, rule_label
from shelfscope.ranks.jobs import get_job
from shelfscope.ranks.keywords import list_keywords
from shelfscope.web import WebContextDep, redirect, render, user_errors

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]
RECENT = 30
KIND_OPTIONS = [
    (RuleKind.RANK_MOVED.value, "Rank moved by at least …"),
    (RuleKind.PAGE_ONE.value, "Entered or left page 1"),
    (RuleKind.TOP_TEN.value, "Entered or left the top 10"),
    (RuleKind.SPONSORED.value, "Lost or regained a sponsored placement"),
    (RuleKind.NOT_FOUND.value, "Not found (de-indexed)"),
    (RuleKind.ANOMALY.value, "Outside its 7-day average ± 3 standard deviations"),
]


def _path(job_id: int) -> str:
    return f"/ranks/jobs/{job_id}/alerts"


@router.get("/ranks/jobs/{tracking_job_id}/alerts")
def rules_page(
    request: Request, tracking_job_id: IdPath, web: WebContextDep, session: SessionDep
) -> Response:
    workspace_id = web.workspace.id
    job = get_job(session, workspace_id=workspace_id, job_id=tracking_job_id)
    keywords = list_keywords(session, workspace_id=workspace_id, job_id=job.id)
    rules = list(session.scalars(alert_rules.rules_query(workspace_id=workspace_id, job_id=job.id)))
    fired = session.scalars(
        events_query(workspace_id=workspace_id, source="ranks", source_id=job.id).limit(RECENT)
    )
    return render(
        request, "ranks/alerts.html", web=web, job=job, rules=rules,
        labels={r.id: rule_label(r) for r in rules},
        keyword_names={k.id: k.keyword for k in keywords},
        keyword_options=[("", "Every keyword"), *((str(k.id), k.keyword) for k in keywords)],
        kind_options=KIND_OPTIONS, direction_options=[(d.value, d.value.capitalize()) for d in Direction],
        events=list(fired),
    )  # fmt: skip


def _number(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput(f"{field.replace('_', ' ')} must be a whole number", field=field)
    return int(value)


@router.post("/ranks/jobs/{tracking_job_id}/alerts")
def add_rule(  # noqa: PLR0917 - one form field each
    request: Request,
    tracking_job_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    kind: FormStr = "",
    keyword_id: FormStr = "",
    positions: FormStr = "",
    percent: FormStr = "",
    direction: FormStr = "any",
    cooldown_minutes: FormStr = "360",
) -> Response:
    with user_errors(request, session, success="Alert rule added"):
        web.principal.require(Role.MEMBER)
        alert_rules.create_rule(
            session, workspace_id=web.workspace.id, job_id=tracking_job_id, kind=kind,
            keyword_id=_number(keyword_id, "keyword_id"), positions=_number(positions, "positions"),
            percent=_number(percent, "percent"), direction=direction or "any",
            cooldown_minutes=_number(cooldown_minutes, "cooldown_minutes") or 360,
            created_by_user_id=web.user.id,
        )  # fmt: skip
    return redirect(request, _path(tracking_job_id))


@router.post("/ranks/jobs/{tracking_job_id}/alerts/{alert_rule_id}/toggle")
def toggle_rule(
    request: Request, tracking_job_id: IdPath, alert_rule_id: IdPath, web: WebContextDep, session: SessionDep
) -> Response:
    with user_errors(request, session):
        web.principal.require(Role.MEMBER)
        rule = alert_rules.get_rule(
            session, workspace_id=web.workspace.id, job_id=tracking_job_id, rule_id=alert_rule_id
        )
        alert_rules.update_rule(
            session, workspace_id=web.workspace.id, job_id=tracking_job_id, rule_id=alert_rule_id,
            changes={"enabled": not rule.enabled},
        )  # fmt: skip
    return redirect(request, _path(tracking_job_id))


@router.post("/ranks/jobs/{tracking_job_id}/alerts/{alert_rule_id}/delete")
def delete_rule(
    request: Request, tracking_job_id: IdPath, alert_rule_id: IdPath, web: WebContextDep, session: SessionDep
) -> Response:
    with user_errors(request, session, success="Alert rule removed"):
        web.principal.require(Role.MEMBER)
        alert_rules.delete_rule(
            session, workspace_id=web.workspace.id, job_id=tracking_job_id, rule_id=alert_rule_id
        )
    return redirect(request, _path(tracking_job_id))
