"""JSON API of rank alert rules under /api/v1/ranks/jobs/{id}/alert-rules.

Members manage rules; another workspace's jobs and rules answer 404. What fired is in the
alert history (``GET /api/v1/alerts/events?source=ranks&source_id={job id}``).
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from shelfscope.api.deps import MemberDep, SessionDep, ViewerDep
from shelfscope.api.pagination import IdPath, Page, PageParamsDep, paginate
from shelfscope.ranks import alert_rules
from shelfscope.ranks.alert_rules import RankAlertRule, rule_label
from shelfscope.ranks.alert_schemas import RuleCreate, RuleOut, RuleUpdate
from shelfscope.ranks.jobs import get_job

__all__ = ["router"]

router = APIRouter(prefix="/ranks/jobs/{tracking_job_id}/alert-rules", tags=["ranks"])


def _out(rule: RankAlertRule) -> RuleOut:
    return RuleOut.model_validate(rule).model_copy(update={"label": rule_label(rule)})


@router.get("", summary="Alert rules of a tracking job")
def list_rules(
    tracking_job_id: IdPath, principal: ViewerDep, session: SessionDep, page: PageParamsDep
) -> Page[RuleOut]:
    get_job(session, workspace_id=principal.workspace_id, job_id=tracking_job_id)
    query = alert_rules.rules_query(workspace_id=principal.workspace_id, job_id=tracking_job_id)
    rows, total = paginate(session, query, page)
    return Page[RuleOut](items=[_out(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Add an alert rule to a tracking job")
def create_rule(
    tracking_job_id: IdPath, body: RuleCreate, principal: MemberDep, session: SessionDep
) -> RuleOut:
    rule = alert_rules.create_rule(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        created_by_user_id=principal.user_id,
        **body.model_dump(mode="json"),
    )
    return _out(rule)


@router.get("/{alert_rule_id}", summary="An alert rule")
def get_rule(
    tracking_job_id: IdPath, alert_rule_id: IdPath, principal: ViewerDep, session: SessionDep
) -> RuleOut:
    return _out(
        alert_rules.get_rule(
            session, workspace_id=principal.workspace_id, job_id=tracking_job_id, rule_id=alert_rule_id
        )
    )


@router.patch("/{alert_rule_id}", summary="Change an alert rule")
def update_rule(
    tracking_job_id: IdPath,
    alert_rule_id: IdPath,
    body: RuleUpdate,
    principal: MemberDep,
    session: SessionDep,
) -> RuleOut:
    rule = alert_rules.update_rule(
        session,
        workspace_id=principal.workspace_id,
        job_id=tracking_job_id,
        rule_id=alert_rule_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )
    return _out(rule)


@router.delete("/{alert_rule_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove an alert rule")
def delete_rule(
    tracking_job_id: IdPath, alert_rule_id: IdPath, principal: MemberDep, session: SessionDep
) -> Response:
    alert_rules.delete_rule(
        session, workspace_id=principal.workspace_id, job_id=tracking_job_id, rule_id=alert_rule_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
