"""A job's buttons: run now, pause, resume, delete; and its keywords: add one, add many, remove.

Each answers with a redirect and a flash message (post → redirect → get), so the same handlers
serve plain forms and the shell's ``data-async`` forms, which swap the refreshed regions in place.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.ranks.check_runs import run_job_now
from shelfscope.ranks.dashboard.feedback import flash_bulk_report
from shelfscope.ranks.jobs import delete_job, get_job, pause_job, resume_job
from shelfscope.ranks.keywords import add_keyword, add_keywords_from_text, get_keyword, remove_keyword
from shelfscope.web import WebContextDep, back_to, flash, redirect, user_errors

__all__ = ["MAX_CSV_BYTES", "router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]
MAX_CSV_BYTES = 200_000
"""The API's limit for pasted keywords; a CSV of keywords is far smaller."""


def _job_url(job_id: int) -> str:
    return f"/ranks/jobs/{job_id}"


def _back(request: Request, job_id: int) -> str:
    return back_to(request, default=_job_url(job_id), prefix=_job_url(job_id))


@router.post("/ranks/jobs/{job_id}/run")
def run_now(
    request: Request, job_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    with user_errors(request, session) as outcome:
        web.principal.require(Role.MEMBER)
        run = run_job_now(
            session,
            platform,
            workspace_id=web.workspace.id,
            job_id=job_id,
            created_by_user_id=web.principal.user_id,
        )
    if outcome.ok:
        flash(request, "success", f"Check started (run #{run.id}); progress shows below")
    return redirect(request, back_to(request, default=_job_url(job_id), prefix="/ranks"))


@router.post("/ranks/jobs/{job_id}/pause")
def pause(
    request: Request, job_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    with user_errors(request, session, success="Job paused: no checks until you resume it"):
        web.principal.require(Role.MEMBER)
        pause_job(session, platform, workspace_id=web.workspace.id, job_id=job_id)
    return redirect(request, back_to(request, default=_job_url(job_id), prefix="/ranks"))


@router.post("/ranks/jobs/{job_id}/resume")
def resume(
    request: Request, job_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    with user_errors(request, session, success="Job resumed"):
        web.principal.require(Role.MEMBER)
        resume_job(session, platform, workspace_id=web.workspace.id, job_id=job_id)
    return redirect(request, back_to(request, default=_job_url(job_id), prefix="/ranks"))


@router.post("/ranks/jobs/{job_id}/delete")
def delete(
    request: Request, job_id: IdPath, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    job = get_job(session, workspace_id=web.workspace.id, job_id=job_id)
    label = f"{job.asin} on {job.marketplace}"
    with user_errors(request, session) as outcome:
        web.principal.require(Role.MEMBER)
        delete_job(session, platform, workspace_id=web.workspace.id, job_id=job_id)
    if not outcome.ok:
        return redirect(request, _job_url(job_id))
    flash(request, "success", f"Stopped tracking {label}; its history is deleted")
    return redirect(request, "/ranks")


@router.post("/ranks/jobs/{job_id}/keywords")
def add_one(
    request: Request,
    *,
    job_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    keyword: FormStr = "",
) -> Response:
    with user_errors(request, session) as outcome:
        web.principal.require(Role.MEMBER)
        row = add_keyword(
            session,
            settings=platform.settings.ranks,
            workspace_id=web.workspace.id,
            job_id=job_id,
            keyword=keyword,
        )
    if outcome.ok:
        flash(request, "success", f"Now tracking “{row.keyword}”")
    return redirect(request, _back(request, job_id))


def _csv_text(upload: UploadFile | None) -> str | None:
    """The uploaded CSV as text, or None when no file was chosen."""
    if upload is None or not upload.filename:
        return None
    content = upload.file.read(MAX_CSV_BYTES + 1)
    if len(content) > MAX_CSV_BYTES:
        raise InvalidInput(f"a keyword CSV has at most {MAX_CSV_BYTES // 1000} kB", field="csv_file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the CSV file is not UTF-8 text", field="csv_file") from None


@router.post("/ranks/jobs/{job_id}/keywords/bulk")
def add_many(
    request: Request,
    *,
    job_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    text: FormStr = "",
    csv_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Keywords pasted one per line, or a CSV file's first column when a file is chosen."""
    with user_errors(request, session) as outcome:
        web.principal.require(Role.MEMBER)
        uploaded = _csv_text(csv_file)
        report = add_keywords_from_text(
            session,
            settings=platform.settings.ranks,
            workspace_id=web.workspace.id,
            job_id=job_id,
            text=uploaded if uploaded is not None else text,
            csv_format=uploaded is not None,
        )
    if outcome.ok:
        flash_bulk_report(request, report)
    return redirect(request, _back(request, job_id))


@router.post("/ranks/jobs/{job_id}/keywords/{keyword_id}/remove")
def remove(
    request: Request, job_id: IdPath, keyword_id: IdPath, web: WebContextDep, session: SessionDep
) -> Response:
    keyword = get_keyword(session, workspace_id=web.workspace.id, job_id=job_id, keyword_id=keyword_id)
    text = keyword.keyword
    with user_errors(request, session) as outcome:
        web.principal.require(Role.MEMBER)
        remove_keyword(session, workspace_id=web.workspace.id, job_id=job_id, keyword_id=keyword_id)
    if outcome.ok:
        flash(request, "success", f"Stopped tracking “{text}”; its history is deleted")
    return redirect(request, _job_url(job_id))
