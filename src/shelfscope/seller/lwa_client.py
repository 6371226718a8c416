"""Login with Amazon: the code exchange, refresh-token grants and a cache of access tokens.

An access token lives an hour; it is cached per connection and refreshed a margin before it
expires, and once more when SP-API answers that it expired anyway (clock skew, revocation of a
single token). ``invalid_grant`` on refresh means the seller withdrew consent (or the yearly
re-authorisation lapsed): that is :class:`~shelfscope.errors.AuthorizationRevoked`, never retried.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shelfscope.errors import (
    AuthorizationRevoked,
    ConfigError,
    ContractChanged,
    ShelfscopeError,
    UpstreamUnavailable,
)
from shelfscope.fetch import ApiHttp, ApiResponse
from shelfscope.seller.spapi.lwa import TokenGrant, parse_lwa_error, parse_token_response
from shelfscope.settings import SellerSettings

__all__ = ["AccessTokenCache", "LwaClient"]


class LwaClient:
    """The token endpoint, with the application's client credentials."""

    def __init__(
        self, *, token_url: str, client_id: str, client_secret: str, redirect_url: str, http: ApiHttp
    ) -> None:
        self._token_url = token_url
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self._redirect_url = redirect_url
        self._http = http

    @classmethod
    def from_settings(cls, settings: SellerSettings, *, http: ApiHttp) -> LwaClient:
        return cls(
            token_url=settings.lwa_token_url,
            client_id=settings.lwa_client_id,
            client_secret=settings.lwa_client_secret.get_secret_value(),
            redirect_url=settings.redirect_url,
            http=http,
        )

    def exchange_code(self, code: str) -> TokenGrant:
        """The authorization-code grant; the code is valid five minutes after consent."""
        # redirect_uri must equal the registered one; some of Amazon's samples omit it, LWA accepts both.
        return self._grant(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": self._redirect_url}
        )

    def refresh(self, refresh_token: str) -> TokenGrant:
        return self._grant({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _grant(self, fields: dict[str, str]) -> TokenGrant:
        response = self._http.request(
            "POST",
            self._token_url,
            data={**fields, **self._credentials},
            timeout_message="Login with Amazon did not answer in time",
            unreachable_message="Login with Amazon is unreachable",
        )
        if response.status_code == 200:
            return parse_token_response(response.content)
        raise _lwa_failure(response)


def _lwa_failure(response: ApiResponse) -> ShelfscopeError:
    if response.status_code >= 500:
        return UpstreamUnavailable(f"Login with Amazon answered HTTP {response.status_code}")
    try:
        error = parse_lwa_error(response.content)
    except (ContractChanged, ValueError):
        return ContractChanged(
            f"Login with Amazon answered HTTP {response.status_code} without an error body"
        )
    if error.is_revoked_grant:
        return AuthorizationRevoked(f"Amazon refused the grant: {error.description or error.error}")
    return ConfigError(f"Login with Amazon refused the request: {error.error} ({error.description or ''})")


@dataclass
class _Cached:
    token: str = field(repr=False)
    expires_at: datetime


class AccessTokenCache:
    """Access tokens per connection id, refreshed ``margin`` before they expire."""

    def __init__(self, *, now: Callable[[], datetime], margin: timedelta) -> None:
        self._now = now
        self._margin = margin
        self._tokens: dict[int, _Cached] = {}
        self._lock = threading.Lock()

    def get(self, connection_id: int, *, refresh: Callable[[], TokenGrant]) -> str:
        with self._lock:
            cached = self._tokens.get(connection_id)
            if cached is not None and cached.expires_at - self._margin > self._now():
                return cached.token
        grant = refresh()
        with self._lock:
            self._tokens[connection_id] = _Cached(
                grant.access_token, self._now() + timedelta(seconds=grant.expires_in)
            )
        return grant.access_token

    def invalidate(self, connection_id: int) -> None:
        with self._lock:
            self._tokens.pop(connection_id, None)
