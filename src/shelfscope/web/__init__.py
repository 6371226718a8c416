"""The dashboard shell: layout, navigation, notification centre, settings, jobs, static assets.

What a feature uses to add its pages (its ``pages.py`` exposes ``router`` and is listed in
``shelfscope.api.app.PAGE_ROUTER_MODULES``; templates go in ``web/templates/<feature>/``)::

    from shelfscope.web import WebContextDep, register_nav_section, render

    register_nav_section(key="ranks", title="Keyword ranks", url="/ranks", icon="trend", order=10)

    @router.get("/ranks")
    def ranks_page(request: Request, web: WebContextDep, session: SessionDep) -> Response:
        return render(request, "ranks/index.html", web=web, jobs=list_jobs(session, ...))

A template extends ``base.html`` (blocks ``title`` and ``content``) and uses the macros of
``macros/ui.html`` through ``ui``: ``page_header``, ``card``, ``stat``, ``filter_bar``,
``pagination``, ``progress``, ``status_badge``, ``empty_state``, ``post_button``, ``field``,
``select_field``, ``csrf_field``, ``secret_once``, ``alert``; tables use ``class="table
responsive"`` with ``data-label`` cells so they stack on phones. Elements with
``data-refresh-region`` (and an id) are refreshed when live events say data changed;
``data-run-id`` rows get live progress. Form handlers answer with :func:`redirect` after
:func:`flash`, and wrap service calls in :func:`user_errors`. Overview cards:
:func:`register_home_card`.
"""

from __future__ import annotations

from shelfscope.web.cards import HomeCard, Stat, register_home_card, unregister_home_card
from shelfscope.web.context import WebContext, WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import back_to, user_errors
from shelfscope.web.nav import NavSection, register_nav_section, unregister_nav_section
from shelfscope.web.paging import Pager, page_params
from shelfscope.web.reveal import reveal_once, take_reveal
from shelfscope.web.templating import redirect, render

__all__ = [
    "HomeCard",
    "NavSection",
    "Pager",
    "Stat",
    "WebContext",
    "WebContextDep",
    "back_to",
    "flash",
    "page_params",
    "redirect",
    "register_home_card",
    "register_nav_section",
    "render",
    "reveal_once",
    "take_reveal",
    "unregister_home_card",
    "unregister_nav_section",
    "user_errors",
]
