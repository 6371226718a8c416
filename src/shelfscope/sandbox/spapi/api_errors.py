"""SP-API error responses: ``{"errors": [{"code", "message", "details"}]}`` with real wording.

The texts that clients match on are Amazon's own, as quoted in the issues recorded in
``shared/fixtures/spapi/json``: the 429 QuotaExceeded body, the 403 "Unauthorized" bodies with
"The access token you provided has expired.", the expired NextToken ("Token is not valid, token
duration is 25 minutes.") and the settlement createReport refusal ("Request for report type 1118
is not allowed at this time"). Where Amazon's exact wording is not published (a forged token,
most 400 details) the text is ours and says what is wrong; clients should match on ``code``.
Handlers raise :class:`ApiFailure`; the gateway renders it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiFailure", "error_body"]

ACCESS_DENIED = "Access to requested resource is denied."
TOKEN_MISSING = "Access token is missing in the request header."  # noqa: S105 - a message
TOKEN_EXPIRED = "The access token you provided has expired."  # noqa: S105 - a message, not a secret
TOKEN_INVALID = "The access token you provided is revoked, malformed or invalid."  # noqa: S105
QUOTA_EXCEEDED = "You exceeded your quota for the requested resource."
NEXT_TOKEN_EXPIRED = "Token is not valid, token duration is {minutes} minutes."  # noqa: S105


def error_body(code: str, message: str, details: str = "") -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message, "details": details}]}


class ApiFailure(Exception):
    """An SP-API error response: HTTP status plus one error entry."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    @property
    def body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)

    @classmethod
    def invalid_input(cls, message: str, details: str = "") -> ApiFailure:
        return cls(400, "InvalidInput", message, details)

    @classmethod
    def not_found(cls, message: str) -> ApiFailure:
        return cls(404, "NotFound", message)

    @classmethod
    def unauthorized(cls, details: str) -> ApiFailure:
        return cls(403, "Unauthorized", ACCESS_DENIED, details)

    @classmethod
    def quota_exceeded(cls) -> ApiFailure:
        return cls(429, "QuotaExceeded", QUOTA_EXCEEDED)
