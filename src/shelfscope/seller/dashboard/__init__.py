"""Dashboard pages of the seller sync: Connect Amazon, connection health with the live backfill
per data kind, the ledger explorer and the reimbursement cases.

Pages are thin: they call the seller services (:mod:`shelfscope.seller.connections`,
:mod:`shelfscope.seller.oauth`, the cases service) and the read-side queries of this package
(:mod:`.health`, :mod:`.ledger_query`). Live progress arrives as ``sync_progress``,
``sync_completed`` and ``sync_error`` on the WebSocket and is applied by ``static/js/seller.js``;
regions refresh every 60 s while the WebSocket is down. Listed in
``shelfscope.api.app.PAGE_ROUTER_MODULES`` as ``shelfscope.seller.dashboard``.
"""

from __future__ import annotations

from fastapi import APIRouter

from shelfscope.seller.dashboard import case_pages, connect_pages, connection_pages, ledger_pages
from shelfscope.seller.dashboard.cards import seller_card
from shelfscope.web.cards import register_home_card
from shelfscope.web.nav import register_nav_section

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for module in (connect_pages, connection_pages, ledger_pages, case_pages):
    router.include_router(module.router)

register_nav_section(key="seller", title="Seller accounts", url="/seller", icon="store", order=30)
register_home_card(
    key="seller", title="Amazon seller accounts", load=seller_card, order=30, url="/seller", icon="store"
)
