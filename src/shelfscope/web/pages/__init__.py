"""Every dashboard page on one router (``shelfscope.web.pages.router``), plus the static files.

Page modules by area: auth (login, logout, workspace switch), invitations, home, jobs,
notifications, settings (workspace, members), api_keys, audit. The platform's own sidebar
sections are registered here; features register theirs from their own ``pages.py``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.staticfiles import StaticFiles

from shelfscope.auth.principal import Role
from shelfscope.web.nav import register_nav_section
from shelfscope.web.pages import api_keys, audit, auth, home, invitations, jobs, notifications, settings
from shelfscope.web.templating import STATIC_DIR

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for module in (auth, invitations, home, jobs, notifications, settings, api_keys, audit):
    router.include_router(module.router)
router.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

register_nav_section(key="overview", title="Overview", url="/", icon="home", order=0, group="platform")
register_nav_section(key="jobs", title="Jobs", url="/jobs", icon="layers", order=10, group="platform")
register_nav_section(
    key="notifications", title="Notifications", url="/notifications", icon="bell", order=20, group="platform"
)
register_nav_section(
    key="settings",
    title="Settings",
    url="/settings",
    icon="sliders",
    order=30,
    group="platform",
    min_role=Role.VIEWER,
)
