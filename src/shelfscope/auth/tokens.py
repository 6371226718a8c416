"""Short-lived JWT access tokens (HS256) for API clients of the OAuth2 password flow.

The role in the token is informational: requests re-check the membership, so a removed or
demoted member loses access at once rather than when the token expires.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from shelfscope.auth.principal import Role
from shelfscope.errors import AuthenticationRequired
from shelfscope.settings import Settings

__all__ = ["ACCESS_TOKEN_TYPE", "AccessClaims", "decode_access_token", "issue_access_token", "looks_like_jwt"]

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 (a claim value, not a secret)
_ALGORITHM = "HS256"
_REQUIRED_CLAIMS = ("sub", "wid", "role", "exp", "iat", "jti", "typ")


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    workspace_id: int
    role: Role
    expires_at: datetime
    jti: str


def issue_access_token(
    *, settings: Settings, user_id: int, workspace_id: int, role: Role, now: datetime
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds."""
    lifetime = timedelta(minutes=settings.auth.access_token_minutes)
    claims = {
        "sub": str(user_id),
        "wid": workspace_id,
        "role": role.value,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
        "typ": ACCESS_TOKEN_TYPE,
    }
    token = jwt.encode(claims, settings.secret_key_value(), algorithm=_ALGORITHM)
    return token, int(lifetime.total_seconds())


def decode_access_token(token: str, *, settings: Settings, now: datetime) -> AccessClaims:
    """Verify signature, type and expiry (against the injected clock); raise AuthenticationRequired."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key_value(),
            algorithms=[_ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "require": list(_REQUIRED_CLAIMS)},
        )
    except jwt.PyJWTError as exc:
        raise AuthenticationRequired("the access token is invalid") from exc
    if claims["typ"] != ACCESS_TOKEN_TYPE:
        raise AuthenticationRequired("the token is not an access token")
    try:
        parsed = AccessClaims(
            user_id=int(claims["sub"]),
            workspace_id=int(claims["wid"]),
            role=Role(claims["role"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=now.tzinfo),
            jti=str(claims["jti"]),
        )
    except (TypeError, ValueError) as exc:
        raise AuthenticationRequired("the access token is invalid") from exc
    if parsed.expires_at <= now:
        raise AuthenticationRequired("the access token has expired; refresh it")
    return parsed


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and credential.startswith("eyJ")
