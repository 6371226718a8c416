"""Authorization codes, refresh tokens and access tokens, with LWA's lifetimes and failures.

A consent yields a single-use code valid for five minutes. Exchanging it yields a refresh token
for (application, seller, region), kept until revoked, and an access token valid for an hour of
sandbox time. Tokens are opaque random strings shaped like Amazon's (``Atza|…``, ``Atzr|…``).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["AccessToken", "Authorization", "AuthorizationCode", "TokenStore"]


@dataclass
class Authorization:
    """A seller's consent to one application in one region."""

    client_id: str
    selling_partner_id: str
    region: str
    refresh_token: str
    revoked: bool = False


@dataclass(frozen=True)
class AuthorizationCode:
    code: str
    client_id: str
    selling_partner_id: str
    region: str
    redirect_uri: str
    expires_at: datetime


@dataclass
class AccessToken:
    token: str
    client_id: str
    expires_at: datetime
    authorization: Authorization | None
    """None for a grantless (client_credentials) token, which acts for no seller."""


def _token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(240)


class TokenStore:
    """Every code and token the sandbox's LWA issued. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, AuthorizationCode] = {}
        self._refresh: dict[str, Authorization] = {}
        self._access: dict[str, AccessToken] = {}

    def issue_code(self, *, client_id: str, selling_partner_id: str, region: str, redirect_uri: str,
                   now: datetime, ttl: float) -> str:  # fmt: skip
        code = "AN" + secrets.token_hex(9).upper()
        record = AuthorizationCode(
            code, client_id, selling_partner_id, region, redirect_uri, now + timedelta(seconds=ttl)
        )
        with self._lock:
            self._codes[code] = record
        return code

    def redeem_code(
        self, code: str, *, client_id: str, redirect_uri: str | None, now: datetime
    ) -> Authorization | None:
        """The new authorization, or None: unknown, used, expired, another client's or redirect changed."""
        with self._lock:
            record = self._codes.pop(code, None)  # single use, even when the exchange fails
            if record is None or record.expires_at <= now or record.client_id != client_id:
                return None
            if redirect_uri is not None and redirect_uri != record.redirect_uri:
                return None
            authorization = Authorization(
                client_id, record.selling_partner_id, record.region, _token("Atzr|")
            )
            self._refresh[authorization.refresh_token] = authorization
            return authorization

    def authorization(self, refresh_token: str, *, client_id: str) -> Authorization | None:
        """The live authorization behind ``refresh_token`` for ``client_id``."""
        with self._lock:
            found = self._refresh.get(refresh_token)
        if found is None or found.revoked or found.client_id != client_id:
            return None
        return found

    def issue_access(
        self, authorization: Authorization | None, *, client_id: str, now: datetime, ttl: float
    ) -> AccessToken:
        token = AccessToken(_token("Atza|"), client_id, now + timedelta(seconds=ttl), authorization)
        with self._lock:
            self._access[token.token] = token
        return token

    def access(self, token: str) -> AccessToken | None:
        with self._lock:
            return self._access.get(token)

    def revoke(self, *, selling_partner_id: str, region: str | None = None) -> int:
        """Withdraw the seller's consent (every app, or one region): refresh grants now fail."""
        with self._lock:
            found = [
                grant
                for grant in self._refresh.values()
                if grant.selling_partner_id == selling_partner_id
                and region in (None, grant.region)
                and not grant.revoked
            ]
            for grant in found:
                grant.revoked = True
        return len(found)

    def expire_access(self, *, now: datetime, selling_partner_id: str | None = None) -> int:
        """End access tokens early (all, or one seller's), as if an hour had passed."""
        with self._lock:
            found = [
                token
                for token in self._access.values()
                if token.expires_at > now
                and (
                    selling_partner_id is None
                    or (token.authorization and token.authorization.selling_partner_id == selling_partner_id)
                )
            ]
            for token in found:
                token.expires_at = now
        return len(found)
