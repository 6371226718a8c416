"""Dashboard pages of keyword rank tracking, one module per concern, on one router.

* :mod:`.jobs_list`: the jobs list (``/ranks``) and the first-run setup (proxies, then a job);
* :mod:`.job_form`: create and edit a job, with a preview of its next execution;
* :mod:`.job_page`: a job's page (``/ranks/jobs/{job_id}?keyword=…``): chart and keyword table;
* :mod:`.job_actions`: run now, pause, resume, delete, and adding or removing keywords;
* :mod:`.insights`: share of voice, competition and competitors of a job;
* :mod:`.home_cards`: the overview's cards (tracked counts, top movers, recent alerts).

Listed in ``shelfscope.api.app.PAGE_ROUTER_MODULES``; importing it registers the sidebar
section and the home cards. Templates live in ``web/templates/ranks/``.
"""

from __future__ import annotations

from fastapi import APIRouter

from shelfscope.ranks.dashboard import home_cards, insights, job_actions, job_form, job_page, jobs_list
from shelfscope.web import register_nav_section

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
# job_form before job_page: /ranks/jobs/new must not be read as a job id.
for module in (jobs_list, job_form, job_actions, job_page, insights):
    router.include_router(module.router)

register_nav_section(key="ranks", title="Keyword ranks", url="/ranks", icon="trend", order=10)
home_cards.register_cards()
