"""Dashboard pages of the fetch engine, on one router (listed in ``PAGE_ROUTER_MODULES``).

* ``/settings/proxies``: Settings → Proxies (:mod:`.proxies`);
* ``/fetch``: the fetch health panel (:mod:`.health`), also an overview card;
* ``/fetch/requests``: the request log (:mod:`.requestlog`).

Templates live in ``web/templates/fetch/``.
"""

from __future__ import annotations

from fastapi import APIRouter

from shelfscope.fetch.pages import health, proxies, requestlog
from shelfscope.web import register_home_card, register_nav_section

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for module in (proxies, health, requestlog):
    router.include_router(module.router)

register_nav_section(
    key="fetch", title="Fetch health", url=health.HEALTH_PATH, icon="refresh", order=15, group="platform"
)
register_home_card(
    key="fetch",
    title="Fetch health",
    load=health.health_card,
    order=90,
    url=health.HEALTH_PATH,
    icon="refresh",
)
