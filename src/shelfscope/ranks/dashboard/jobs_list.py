"""The jobs list (last and next run, health, keywords) and the first-run setup: proxies, then a job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import PageParams, paginate
from shelfscope.auth.principal import Role
from shelfscope.fetch.proxy_pool.providers import Provider
from shelfscope.fetch.proxy_service import create_proxy, list_proxies
from shelfscope.platform import Platform
from shelfscope.ranks.dashboard.home_cards import human_bytes
from shelfscope.ranks.dashboard.overview import job_rows, tracked_counts
from shelfscope.ranks.jobs import jobs_query
from shelfscope.ranks.models import JobStatus
from shelfscope.ranks.pages import savings_of
from shelfscope.web import Pager, WebContextDep, flash, page_params, redirect, render, user_errors

__all__ = ["router", "sandbox_mode"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]
_STATUS_OPTIONS = [("", "Any status"), ("active", "Active"), ("paused", "Paused")]


def sandbox_mode(platform: Platform) -> bool:
    """Whether storefront pages come from the built-in sandbox (the demo): proxies are optional then."""
    return platform.settings.sandbox.enabled or platform.settings.sandbox.url is not None


@router.get("/ranks")
def jobs_page(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    status: str | None = None,
    limit: Annotated[int | None, Query()] = None,
    offset: Annotated[int | None, Query()] = None,
) -> Response:
    page_limit, page_offset = page_params(limit, offset)
    chosen = JobStatus(status) if status in ("active", "paused") else None
    workspace_id = web.workspace.id
    counts = tracked_counts(session, workspace_id=workspace_id)
    if counts.active_jobs + counts.paused_jobs == 0 and web.can_write:
        return redirect(request, "/ranks/setup")
    jobs, total = paginate(
        session,
        jobs_query(workspace_id=workspace_id, status=chosen),
        PageParams(limit=page_limit, offset=page_offset),
    )
    pages_reused, bytes_saved = savings_of(session, workspace_id=workspace_id)
    return render(
        request,
        "ranks/index.html",
        web=web,
        rows=job_rows(session, workspace_id=workspace_id, jobs=jobs),
        counts=counts,
        pages_reused=pages_reused,
        bytes_saved=bytes_saved,
        bytes_saved_text=human_bytes(bytes_saved),
        pager=Pager.build(request, total=total, limit=page_limit, offset=page_offset),
        status_options=_STATUS_OPTIONS,
        status_filter=chosen.value if chosen else "",
    )


@router.get("/ranks/setup")
def setup_page(request: Request, web: WebContextDep, session: SessionDep, platform: PlatformDep) -> Response:
    web.principal.require(Role.MEMBER)
    return render(
        request,
        "ranks/setup.html",
        web=web,
        proxies=list_proxies(session, workspace_id=web.workspace.id),
        sandbox=sandbox_mode(platform),
        provider_options=[
            (provider.value, provider.value.replace("_", " ").title()) for provider in Provider
        ],
        has_jobs=tracked_counts(session, workspace_id=web.workspace.id).active_jobs > 0,
    )


@router.post("/ranks/setup/proxy")
def add_setup_proxy(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    name: FormStr = "",
    provider: FormStr = "custom",
    host: FormStr = "",
    port: FormStr = "",
    username: FormStr = "",
    password: FormStr = "",
    country: FormStr = "",
) -> Response:
    """Add a provider's proxy from the setup page (admins; the fetch settings hold the full list)."""
    with user_errors(request, session) as outcome:
        web.principal.require(Role.ADMIN)
        proxy = create_proxy(
            session,
            platform.vault,
            workspace_id=web.workspace.id,
            name=name.strip() or provider,
            provider=provider,
            host=host.strip() or None,
            port=int(port) if port.strip().isdigit() else None,
            username=username.strip() or None,
            password=password or None,
            country=country.strip() or None,
        )
    if outcome.ok:
        flash(request, "success", f"Proxy “{proxy.name}” added; rank checks will go through it")
    return redirect(request, "/ranks/setup")
