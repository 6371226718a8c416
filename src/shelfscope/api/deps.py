"""FastAPI dependencies: the platform, a database session per request, and who is calling.

Authentication: ``Authorization: Bearer <JWT access token | API key>`` or the dashboard session
cookie. Cookie-authenticated unsafe methods must prove they come from our pages with the
session's CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``); bearer requests
cannot be forged cross-site and need none. Every authenticated request is rate-limited per
client IP and per API key, and its principal becomes the audit actor.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shelfscope.auth.audit import AUDIT_ACTOR_KEY, AuditActor, bind_actor
from shelfscope.auth.authenticate import authenticate_bearer
from shelfscope.auth.cookies import CSRF_FORM_FIELD, CSRF_HEADER, SESSION_COOKIE
from shelfscope.auth.principal import Principal, Role
from shelfscope.auth.ratelimit import RateLimiter, build_rate_limiter
from shelfscope.auth.web_sessions import resolve_web_session
from shelfscope.errors import AuthenticationRequired, InvalidInput, PermissionDenied
from shelfscope.platform import Platform

__all__ = [
    "AdminDep",
    "ClientIP",
    "MemberDep",
    "OptionalPrincipalDep",
    "OwnerDep",
    "PlatformDep",
    "PrincipalDep",
    "SessionDep",
    "ViewerDep",
    "client_ip",
    "enforce_ip_rate_limit",
    "get_platform",
    "get_principal",
    "get_session",
    "rate_limiter",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
WORKSPACE_HEADER = "X-Workspace-Id"
MAX_ID = 2**63 - 1  # ids are 64-bit; larger numbers must be refused before they reach the database
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_limiter_lock = threading.Lock()


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def get_session(platform: PlatformDep) -> Iterator[Session]:
    """One session per request, committed after the handler returns (before the response is sent)."""
    with platform.db.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _trusted(address: str, proxies: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)
    except ValueError:
        return False


def client_ip(request: Request, platform: PlatformDep) -> str:
    """The caller's address; X-Forwarded-For is believed only from configured trusted proxies."""
    return _client_ip(request, platform.settings.web.trusted_proxies)[:64]


def _client_ip(request: Request, proxies: list[str]) -> str:
    peer = request.client.host if request.client else "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


ClientIP = Annotated[str, Depends(client_ip)]


def rate_limiter(request: Request) -> RateLimiter:
    """The app's limiter, built on first use from the platform's settings and clock."""
    state = request.app.state
    with _limiter_lock:
        if getattr(state, "rate_limiter", None) is None:
            platform: Platform = state.platform
            state.rate_limiter = build_rate_limiter(platform.settings, clock=platform.clock)
    limiter: RateLimiter = state.rate_limiter
    return limiter


def _limit_ip(request: Request, platform: Platform, ip: str) -> None:
    if getattr(request.state, "ip_rate_checked", False):
        return
    request.state.ip_rate_checked = True
    rate_limiter(request).hit(f"ip:{ip}", per_minute=platform.settings.auth.ip_rate_per_minute)


def enforce_ip_rate_limit(request: Request, platform: PlatformDep, ip: ClientIP) -> None:
    """Per-IP limit for routes that do not authenticate (token, refresh, invitation accept)."""
    _limit_ip(request, platform, ip)


def _workspace_header(request: Request) -> int | None:
    raw = request.headers.get(WORKSPACE_HEADER)
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise InvalidInput(f"{WORKSPACE_HEADER} must be a workspace id (a positive integer)")
    return int(value)


async def _csrf_from_request(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise AuthenticationRequired("use 'Authorization: Bearer <access token or API key>'")
    return credential.strip()


def _authenticate(
    request: Request, session: Session, platform: Platform, ip: str, csrf: str | None
) -> Principal | None:
    now = platform.clock.now()
    workspace_id = _workspace_header(request)
    credential = _bearer(request)
    if credential is not None:
        return authenticate_bearer(
            session,
            credential=credential,
            settings=platform.settings,
            now=now,
            ip=ip,
            workspace_id=workspace_id,
        )
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    web_session, principal = resolve_web_session(session, token=cookie, now=now, ip=ip)
    if request.method not in SAFE_METHODS and csrf != web_session.csrf_token:
        raise PermissionDenied(f"missing or wrong CSRF token (send the {CSRF_HEADER} header)")
    return principal


async def get_optional_principal(
    request: Request, session: SessionDep, platform: PlatformDep, ip: ClientIP
) -> Principal | None:
    """The caller if they sent credentials, else None; bad credentials are still an error."""
    _limit_ip(request, platform, ip)
    csrf = None if request.method in SAFE_METHODS else await _csrf_from_request(request)
    principal = await run_in_threadpool(_authenticate, request, session, platform, ip, csrf)
    if principal is None:
        return None
    if principal.api_key_id is not None:
        per_minute = platform.settings.auth.api_key_rate_per_minute
        rate_limiter(request).hit(f"api_key:{principal.api_key_id}", per_minute=per_minute)
    actor = AuditActor.from_principal(principal, user_agent=request.headers.get("user-agent"))
    session.info[AUDIT_ACTOR_KEY] = actor
    bind_actor(actor)
    request.state.principal = principal
    return principal


OptionalPrincipalDep = Annotated[Principal | None, Depends(get_optional_principal)]


async def get_principal(principal: OptionalPrincipalDep) -> Principal:
    if principal is None:
        raise AuthenticationRequired("log in, or send 'Authorization: Bearer <access token or API key>'")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _requires(role: Role) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: PrincipalDep) -> Principal:
        principal.require(role)
        return principal

    check.__name__ = f"require_{role.value}"
    return check


ViewerDep = Annotated[Principal, Depends(_requires(Role.VIEWER))]
MemberDep = Annotated[Principal, Depends(_requires(Role.MEMBER))]
AdminDep = Annotated[Principal, Depends(_requires(Role.ADMIN))]
OwnerDep = Annotated[Principal, Depends(_requires(Role.OWNER))]
