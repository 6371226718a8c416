"""A fetch session as a Playwright browser context: identity, language, proxy and cookies.

The browser path must look like the same visitor as the HTTP path: the identity's user agent and
client hints, the session's Accept-Language (and a matching ``navigator.language``), a mobile
viewport for a mobile identity, the session's proxy, and the session's cookies in both
directions. Cookies stay owned by the session's jar (:class:`SessionCookies`): they are copied
into the context before each page and back after it, so a recycled context, or the HTTP client
serving the same session next, carries on the same visit.
"""

from __future__ import annotations

import json
from email.utils import formatdate
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from playwright.async_api import BrowserContext, ProxySettings, ViewportSize

from shelfscope.errors import ConfigError
from shelfscope.fetch.models import Device
from shelfscope.fetch.sessions import FetchSession

if TYPE_CHECKING:
    from playwright._impl._api_structures import Cookie, SetCookieParam

__all__ = ["context_options", "cookies_from_context", "cookies_into_context", "languages_script"]

_DESKTOP = ViewportSize(width=1366, height=768)
_MOBILE = ViewportSize(width=412, height=915)
#: Client hints Chromium would derive from its own version; the identity's replace them.
_HINTS = ("sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform")


def _proxy_settings(session: FetchSession) -> ProxySettings | None:
    if session.proxy is None:
        return None
    parts = urlsplit(session.proxy.url)
    settings = ProxySettings(server=f"{parts.scheme}://{parts.hostname}:{parts.port}")
    if parts.username:
        settings["username"] = unquote(parts.username)
        settings["password"] = unquote(parts.password or "")
    return settings


def languages_script(accept_language: str) -> str:
    """A page init script giving ``navigator.languages`` the languages of ``accept_language``.

    Playwright's ``locale`` option would do this too, but it also cuts the Accept-Language header
    down to the bare locale (``de-DE``), where a real browser and the HTTP path send the weighted
    list (``de-DE,de;q=0.9,en;q=0.8``); the header is what every request shows, so it wins.
    """
    languages = [part.split(";")[0].strip() for part in accept_language.split(",") if part.strip()]
    return (
        f"(() => {{ const languages = Object.freeze({json.dumps(languages)});"
        " Object.defineProperty(Navigator.prototype, 'languages', {get: () => languages});"
        " Object.defineProperty(Navigator.prototype, 'language', {get: () => languages[0]}); })();"
    )


def context_options(session: FetchSession) -> dict[str, Any]:
    """Keyword arguments of ``browser.new_context`` for ``session``'s visitor."""
    identity = session.identity
    if not identity.is_chromium:
        # Chromium cannot pass for Firefox or Safari: its TLS, HTTP/2 and JS engine give it away.
        raise ConfigError(
            f"the browser client drives Chromium and cannot wear the {identity.id} identity; "
            "build its engine with shelfscope.fetch.clients.browser.BROWSER_IDENTITIES"
        )
    rendered = dict(identity.headers(url="https://example.com/", accept_language=session.accept_language))
    extra = {name: rendered[name] for name in _HINTS if name in rendered}
    extra["accept-language"] = session.accept_language
    mobile = identity.device is Device.MOBILE
    return {
        "user_agent": identity.user_agent,
        "extra_http_headers": extra,
        "viewport": _MOBILE if mobile else _DESKTOP,
        "is_mobile": mobile,
        "has_touch": mobile,
        "device_scale_factor": 2.625 if mobile else 1,
        "proxy": _proxy_settings(session),
        "service_workers": "block",
    }


async def cookies_into_context(context: BrowserContext, session: FetchSession, *, url: str) -> None:
    """Give the context the session's cookies for ``url`` that it does not hold yet.

    The jar decides which cookies match; one the context already has (it set it itself, or got it
    on an earlier page) is left alone, so its path and flags stay the server's.
    """
    header = session.cookies.header_for(url)
    if not header:
        return
    held = {cookie["name"] for cookie in await context.cookies(url)}
    host = urlsplit(url).hostname or ""
    cookies: list[SetCookieParam] = []
    for pair in header.split("; "):
        name, _, value = pair.partition("=")
        if name and name not in held:
            cookies.append({"name": name, "value": value, "domain": host, "path": "/"})
    if cookies:
        await context.add_cookies(cookies)


def _set_cookie(cookie: Cookie) -> tuple[str, str]:
    """The cookie as the response URL and ``Set-Cookie`` header a server would have sent."""
    domain, path = cookie["domain"], cookie["path"]
    attributes = [f"{cookie['name']}={cookie['value']}", f"Path={path}"]
    if domain.startswith("."):
        attributes.append(f"Domain={domain}")
    if cookie["expires"] > 0:
        attributes.append(f"Expires={formatdate(cookie['expires'], usegmt=True)}")
    if cookie["secure"]:
        attributes.append("Secure")
    scheme = "https" if cookie["secure"] else "http"
    return f"{scheme}://{domain.lstrip('.')}{path}", "; ".join(attributes)


async def cookies_from_context(context: BrowserContext, session: FetchSession) -> None:
    """Keep every cookie the context holds in the session's jar."""
    for cookie in await context.cookies():
        url, header = _set_cookie(cookie)
        session.cookies.store(url, [("set-cookie", header)])
