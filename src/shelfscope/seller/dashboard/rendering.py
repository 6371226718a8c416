"""Render a seller page: the shell's :func:`~shelfscope.web.render` plus the seller's labels.

Templates reach the names and colours of :mod:`.labels` as ``labels.kind_label(...)`` and so on,
so a status looks the same on every seller page.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from shelfscope.seller.dashboard import labels
from shelfscope.web.context import WebContext
from shelfscope.web.templating import render

__all__ = ["render_seller"]


def render_seller(request: Request, template: str, *, web: WebContext, **context: Any) -> HTMLResponse:
    return render(request, template, web=web, labels=labels, **context)
