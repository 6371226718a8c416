"""Create and edit a tracking job; the form previews when the job would run next.

The keyword textarea of a new job goes through the same bulk add as the job page, so a few
bad lines never lose the whole form: the job is created and the report says what was skipped.
Input that the services refuse comes back to the form with the values as typed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.platform import Platform
from shelfscope.ranks.dashboard.feedback import flash_bulk_report
from shelfscope.ranks.dashboard.forms import (
    JobFormValues,
    depth_options,
    frequency_options,
    marketplace_options,
    split_asins,
    whole_number,
)
from shelfscope.ranks.dashboard.jobs_list import sandbox_mode
from shelfscope.ranks.jobs import create_job, get_job, preview_schedule, update_job
from shelfscope.ranks.keywords import add_keywords_from_text
from shelfscope.web import WebContext, WebContextDep, flash, redirect, render, user_errors

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]


def _form(
    request: Request,
    web: WebContext,
    platform: Platform,
    *,
    values: JobFormValues,
    job_id: int | None = None,
    status_code: int = 200,
) -> Response:
    preview = None
    try:
        preview = preview_schedule(platform, frequency=values.frequency)
    except InvalidInput:
        preview = None
    return render(
        request,
        "ranks/job_form.html",
        web=web,
        values=values,
        job_id=job_id,
        preview=preview,
        setup=request.query_params.get("setup") == "1",
        sandbox=sandbox_mode(platform),
        frequency_options=frequency_options(),
        marketplace_options=marketplace_options(),
        depth_options=depth_options(),
        status_code=status_code,
    )


@router.get("/ranks/jobs/new")
def new_job_page(request: Request, web: WebContextDep, platform: PlatformDep) -> Response:
    web.principal.require(Role.MEMBER)
    return _form(request, web, platform, values=JobFormValues())


@router.post("/ranks/jobs")
def create_job_form(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    name: FormStr = "",
    asin: FormStr = "",
    marketplace: FormStr = "",
    frequency: FormStr = "daily",
    depth: FormStr = "3",
    delay_min_seconds: FormStr = "20",
    delay_max_seconds: FormStr = "30",
    competitor_asins: FormStr = "",
    keywords: FormStr = "",
) -> Response:
    values = JobFormValues(
        name=name, asin=asin, marketplace=marketplace, frequency=frequency, depth=depth,
        delay_min_seconds=delay_min_seconds, delay_max_seconds=delay_max_seconds,
        competitor_asins=competitor_asins, keywords=keywords,
    )  # fmt: skip
    with user_errors(request, session) as outcome:
        web.principal.require(Role.MEMBER)
        job = create_job(
            session,
            platform,
            workspace_id=web.workspace.id,
            asin=asin,
            marketplace=marketplace,
            frequency=frequency,
            depth=whole_number(depth, field="depth", label="Depth"),
            delay_min_seconds=whole_number(
                delay_min_seconds, field="delay_min_seconds", label="Shortest pause"
            ),
            delay_max_seconds=whole_number(
                delay_max_seconds, field="delay_max_seconds", label="Longest pause"
            ),
            competitor_asins=split_asins(competitor_asins),
            name=name,
            created_by_user_id=web.principal.user_id,
        )
        report = add_keywords_from_text(
            session,
            settings=platform.settings.ranks,
            workspace_id=web.workspace.id,
            job_id=job.id,
            text=keywords,
        )
    if not outcome.ok:
        return _form(request, web, platform, values=values, status_code=422)
    flash(request, "success", f"Tracking {job.asin} on {job.marketplace}")
    if keywords.strip():
        flash_bulk_report(request, report)
    return redirect(request, f"/ranks/jobs/{job.id}")


@router.get("/ranks/jobs/{job_id}/edit")
def edit_job_page(
    request: Request, job_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    job = get_job(session, workspace_id=web.workspace.id, job_id=job_id)
    web.principal.require(Role.MEMBER)
    return _form(request, web, platform, values=JobFormValues.of(job), job_id=job.id)


@router.post("/ranks/jobs/{job_id}/edit")
def edit_job(
    request: Request,
    *,
    job_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    name: FormStr = "",
    frequency: FormStr = "daily",
    depth: FormStr = "3",
    delay_min_seconds: FormStr = "20",
    delay_max_seconds: FormStr = "30",
    competitor_asins: FormStr = "",
) -> Response:
    job = get_job(session, workspace_id=web.workspace.id, job_id=job_id)
    values = JobFormValues(
        name=name, asin=job.asin, marketplace=job.marketplace, frequency=frequency, depth=depth,
        delay_min_seconds=delay_min_seconds, delay_max_seconds=delay_max_seconds,
        competitor_asins=competitor_asins,
    )  # fmt: skip
    with user_errors(request, session, success="Job saved") as outcome:
        web.principal.require(Role.MEMBER)
        changes = {
            "name": name,
            "frequency": frequency,
            "depth": whole_number(depth, field="depth", label="Depth"),
            "delay_min_seconds": whole_number(
                delay_min_seconds, field="delay_min_seconds", label="Shortest pause"
            ),
            "delay_max_seconds": whole_number(
                delay_max_seconds, field="delay_max_seconds", label="Longest pause"
            ),
            "competitor_asins": split_asins(competitor_asins),
        }
        update_job(session, platform, workspace_id=web.workspace.id, job_id=job_id, changes=changes)
    if not outcome.ok:
        return _form(request, web, platform, values=values, job_id=job_id, status_code=422)
    return redirect(request, f"/ranks/jobs/{job_id}")
