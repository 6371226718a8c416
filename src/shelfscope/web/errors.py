"""Error pages for browsers: a friendly page inside the shell, or the login page when signed out.

The API's error handlers call :func:`render_error_page` for page requests (not ``/api/``, with
``Accept: text/html``), so domain errors raised by page handlers and unknown URLs look like the
rest of the dashboard instead of JSON.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from shelfscope.auth.cookies import SESSION_COOKIE, clear_session_cookie
from shelfscope.auth.principal import Principal
from shelfscope.auth.web_sessions import resolve_web_session
from shelfscope.errors import ShelfscopeError
from shelfscope.logs import get_logger
from shelfscope.platform import Platform
from shelfscope.web.context import WebContext, load_web_context
from shelfscope.web.templating import render, safe_next

__all__ = ["login_redirect", "render_error_page"]

log = get_logger(__name__)

TITLES = {
    400: "That request did not make sense",
    403: "You do not have access to this",
    404: "Page not found",
    405: "That action is not available here",
    409: "That clashes with the current state",
    413: "That upload is too large",
    422: "Some of that input is not valid",
    429: "Slow down a little",
    500: "Something went wrong on our side",
    503: "A service is unavailable",
}


def login_redirect(request: Request) -> RedirectResponse:
    """Send a signed-out browser to the login page, coming back to where it was going."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        # A form post cannot be replayed after login: come back to the page the form was on.
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc == request.url.netloc
        target = (
            safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), "/")
            if same_site
            else "/"
        )
    url = "/login" if target == "/" else f"/login?next={quote(target, safe='/')}"
    response = RedirectResponse(url, status_code=303)
    if SESSION_COOKIE in request.cookies:
        platform: Platform = request.app.state.platform
        clear_session_cookie(response, settings=platform.settings.auth)
    return response


def _context_for(request: Request) -> WebContext | None:
    """The shell's context when the browser is signed in, so the error page keeps the navigation."""
    platform: Platform = request.app.state.platform
    principal: Principal | None = getattr(request.state, "principal", None)
    try:
        with platform.db.session() as session:
            if principal is None:
                token = request.cookies.get(SESSION_COOKIE)
                if not token:
                    return None
                _, principal = resolve_web_session(session, token=token, now=platform.clock.now())
            return load_web_context(session, principal=principal, platform=platform)
    except ShelfscopeError:
        return None


async def render_error_page(request: Request, *, status: int, code: str, message: str) -> Response:
    """The page for an error: 401 redirects to login, anything else a friendly explanation."""
    if status == 401:
        return login_redirect(request)
    try:
        web = await run_in_threadpool(_context_for, request)
    except Exception:
        log.exception("error_page_context_failed", path=request.url.path)
        web = None
    if status == 404 and message.startswith("no such endpoint"):
        message = f"There is no page at {request.url.path}."
    template = "errors/error.html" if web else "errors/public_error.html"
    title = TITLES.get(status, "Something went wrong")
    return render(
        request, template, web=web, status_code=status, title=title, status=status, code=code, message=message
    )
