"""Login with Amazon token responses: the authorization-code and refresh-token grants.

Both grants answer ``{"access_token", "token_type", "expires_in", "refresh_token"}``; the refresh
response echoes the refresh token, or a rotated one that must replace the stored one. Errors are
``{"error", "error_description"}``; ``invalid_grant`` on refresh means the seller withdrew consent.
Tokens are secrets: they are kept out of ``repr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shelfscope.errors import ContractChanged
from shelfscope.seller.json_body import JsonBody, load_json, optional_text, require_mapping, required_text

__all__ = ["LwaError", "TokenGrant", "parse_lwa_error", "parse_token_response"]


@dataclass(frozen=True, kw_only=True)
class TokenGrant:
    access_token: str = field(repr=False)
    token_type: str
    expires_in: int
    refresh_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class LwaError:
    error: str
    description: str | None

    @property
    def is_revoked_grant(self) -> bool:
        """The refresh token no longer works: the connection needs re-authorisation."""
        return self.error == "invalid_grant"


def parse_token_response(body: JsonBody) -> TokenGrant:
    """A successful token response of either grant."""
    response = require_mapping(load_json(body), what="LWA token response")
    expires_in = response.get("expires_in")
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        raise ContractChanged("LWA token response has no positive integer 'expires_in'")
    token_type = required_text(response, "token_type", what="LWA token response")
    if token_type.lower() != "bearer":
        raise ContractChanged(f"LWA token_type {token_type!r} is not bearer")
    return TokenGrant(
        access_token=required_text(response, "access_token", what="LWA token response"),
        token_type=token_type,
        expires_in=expires_in,
        refresh_token=optional_text(response, "refresh_token"),
    )


def parse_lwa_error(body: JsonBody) -> LwaError:
    """An LWA error response (``invalid_grant``, ``invalid_client``, …)."""
    response = require_mapping(load_json(body), what="LWA error response")
    return LwaError(
        error=required_text(response, "error", what="LWA error response"),
        description=optional_text(response, "error_description"),
    )
