"""API keys of the workspace: create (the secret is shown once), list with last use, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from shelfscope.api.deps import PlatformDep, SessionDep
from shelfscope.api.pagination import IdPath
from shelfscope.auth.api_keys import create_api_key, list_api_keys, revoke_api_key
from shelfscope.auth.members import list_members
from shelfscope.auth.principal import Role
from shelfscope.errors import InvalidInput
from shelfscope.web.context import WebContext, WebContextDep
from shelfscope.web.flash import flash
from shelfscope.web.forms import user_errors
from shelfscope.web.reveal import clear_reveal, reveal_once, take_reveal
from shelfscope.web.templating import redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

FormStr = Annotated[str, Form()]


KEYS_PATH = "/settings/api-keys"


def _keys_page(
    request: Request, web: WebContext, session: SessionDep, *, new_key: str | None = None
) -> Response:
    web.principal.require(Role.MEMBER)
    keys = list_api_keys(session, principal=web.principal)
    creators = {
        member.user_id: member.user.email for member in list_members(session, principal=web.principal)
    }
    return render(
        request,
        "settings/api_keys.html",
        web=web,
        tab="api-keys",
        keys=sorted(keys, key=lambda key: (key.revoked_at is not None, -key.id)),
        creators=creators,
        new_key=new_key,
        role_options=[(role.value, role.value.capitalize()) for role in Role if web.role.allows(role)],
    )


@router.get(KEYS_PATH)
def api_keys_page(
    request: Request, web: WebContextDep, session: SessionDep, platform: PlatformDep
) -> Response:
    revealed = take_reveal(request, platform, kind="api_key")
    response = _keys_page(request, web, session, new_key=revealed.value if revealed else None)
    clear_reveal(request, response)
    return response


@router.post(KEYS_PATH)
def create_key(
    request: Request,
    *,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
    name: FormStr = "",
    role: FormStr = "",
) -> Response:
    with user_errors(request, session) as outcome:
        api_key, secret = create_api_key(
            session, principal=web.principal, name=name, role=_role(role), now=platform.clock.now()
        )
    if not outcome.ok:
        return redirect(request, KEYS_PATH)
    flash(request, "success", f"API key “{api_key.name}” created")
    # The key is stored only as a hash: the next page shows it once, then it is gone.
    response = redirect(request, KEYS_PATH)
    reveal_once(response, platform, path=KEYS_PATH, kind="api_key", value=secret)
    return response


def _role(value: str) -> Role | None:
    if not value:
        return None
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}", field="role") from None


@router.post("/settings/api-keys/{api_key_id}/revoke")
def revoke_key(
    request: Request,
    *,
    api_key_id: IdPath,
    web: WebContextDep,
    session: SessionDep,
    platform: PlatformDep,
) -> Response:
    with user_errors(request, session) as outcome:
        api_key = revoke_api_key(
            session, principal=web.principal, api_key_id=api_key_id, now=platform.clock.now()
        )
    if outcome.ok:
        flash(request, "success", f"API key “{api_key.name}” revoked")
    return redirect(request, KEYS_PATH)
