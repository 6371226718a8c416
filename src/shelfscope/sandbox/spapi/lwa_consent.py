"""Seller Central's consent page: ``{seller central}/apps/authorize/consent?application_id=…``.

The website authorization workflow: the seller, signed in to Seller Central of a region, sees
which application asks for access and confirms; Seller Central then redirects to the app's
redirect URI with ``state``, ``selling_partner_id`` and ``spapi_oauth_code`` (valid five
minutes). In demo mode (knob ``auto_approve``) the redirect happens at once. A Draft
application must be authorised with ``version=beta``. The region is the Seller Central the
page is served from: ``/lwa/{na,eu,fe}/…``, and ``/lwa/…`` for North America.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shelfscope.sandbox.spapi.lwa_apps import SandboxApp
from shelfscope.sandbox.spapi.world import REGIONS, SpapiWorld

__all__ = ["confirm", "consent"]

_STYLE = (
    "body{font-family:Arial,sans-serif;margin:0;background:#f3f3f3;color:#111}"
    "header{background:#232f3e;color:#fff;padding:12px 24px;font-size:18px}"
    "header b{color:#ff9900}main{max-width:640px;margin:32px auto;background:#fff;padding:24px 32px;"
    "border:1px solid #ddd;border-radius:4px}button{background:#ffd814;border:1px solid #fcd200;"
    "border-radius:8px;padding:8px 24px;font-size:15px;cursor:pointer}.muted{color:#565959;font-size:13px}"
)


class _ConsentRefused(Exception):
    """The page Seller Central shows instead of the consent form."""


def _page(title: str, body: str, *, status: int = 200) -> HTMLResponse:
    html = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><header><b>amazon</b> seller central</header>"
        f"<main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status)


def _region(request: Request) -> str:
    region = str(request.path_params.get("region", "na")).upper()
    if region not in REGIONS:
        raise _ConsentRefused(f"There is no Seller Central for region {region}.")
    return region


def _checked(world: SpapiWorld, fields: dict[str, str]) -> tuple[SandboxApp, str, str]:
    """The app, redirect URI and state of a consent request, or the reason it is refused."""
    app = world.app_by_application_id(fields.get("application_id", ""))
    if app is None:
        raise _ConsentRefused("The application you are trying to authorize could not be found.")
    if app.draft and fields.get("version") != "beta":
        raise _ConsentRefused(f"{app.name} is in Draft: add version=beta to the authorization URL.")
    state = fields.get("state", "")
    if not state:
        raise _ConsentRefused("The authorization request has no state parameter.")
    redirect_uri = fields.get("redirect_uri") or (app.redirect_uris[0] if app.redirect_uris else "")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _ConsentRefused("The redirect_uri is missing or is not an http(s) URL.")
    if app.redirect_uris and redirect_uri not in app.redirect_uris:
        raise _ConsentRefused("The redirect_uri is not one of the application's OAuth redirect URIs.")
    return app, redirect_uri, state


def _approve(world: SpapiWorld, app: SandboxApp, *, region: str, redirect_uri: str, state: str) -> Response:
    seller = world.seller.selling_partner_id
    code = world.tokens.issue_code(
        client_id=app.client_id,
        selling_partner_id=seller,
        region=region,
        redirect_uri=redirect_uri,
        now=world.now(),
        ttl=world.knobs.auth_code_ttl_seconds,
    )
    query = urlencode({"state": state, "selling_partner_id": seller, "spapi_oauth_code": code})
    return RedirectResponse(f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}", status_code=302)


def _form(
    world: SpapiWorld, app: SandboxApp, fields: dict[str, str], *, region: str, action: str
) -> HTMLResponse:
    hidden = "".join(
        f'<input type=hidden name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
        if name in ("application_id", "state", "redirect_uri", "version")
    )
    body = (
        f"<h1>Authorize {escape(app.name)}</h1>"
        f"<p>{escape(world.seller.store_name)} ({escape(world.seller.selling_partner_id)}), "
        f"{region} region</p>"
        f"<p>{escape(app.name)} is requesting access to your selling partner data in all marketplaces of "
        "this region: orders, inventory, reports and finances.</p>"
        f'<form method=post action="{escape(action)}">{hidden}'
        "<p><label><input type=checkbox name=consent value=yes checked required> "
        "I direct Amazon to provide this application with access to my data.</label></p>"
        "<button id=approve type=submit>Confirm</button></form>"
        "<p class=muted>This is the shelfscope sandbox; no real account is involved.</p>"
    )
    return _page(f"Authorize {app.name}", body)


async def consent(request: Request) -> Response:
    world: SpapiWorld = request.app.state.spapi_world
    fields = dict(request.query_params)
    try:
        region = _region(request)
        app, redirect_uri, state = _checked(world, fields)
    except _ConsentRefused as refused:
        return _page("Authorization error", f"<h1>We're sorry</h1><p>{escape(str(refused))}</p>", status=400)
    if world.knobs.auto_approve:
        return _approve(world, app, region=region, redirect_uri=redirect_uri, state=state)
    action = request.url.path.removesuffix("/consent") + "/confirm"
    return _form(world, app, fields, region=region, action=action)


async def confirm(request: Request) -> Response:
    world: SpapiWorld = request.app.state.spapi_world
    form = await request.form()
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    try:
        region = _region(request)
        app, redirect_uri, state = _checked(world, fields)
    except _ConsentRefused as refused:
        return _page("Authorization error", f"<h1>We're sorry</h1><p>{escape(str(refused))}</p>", status=400)
    if fields.get("consent") != "yes":
        return _page(
            "Not authorized", "<h1>Authorization cancelled</h1><p>You did not authorize the application.</p>"
        )
    return _approve(world, app, region=region, redirect_uri=redirect_uri, state=state)
