"""SP-API error bodies, and what each one means for the caller: a table, not nested ifs.

Every SP-API error body is ``{"errors": [{"code", "message", "details"}]}``. The same code means
different things by context: ``InvalidInput`` is a bad request, an expired NextToken ("Token is
not valid, token duration is 25 minutes.") or a settlement report that cannot be requested; a
403 ``Unauthorized`` is a missing token or an expired one. The client slice maps each
:class:`ApiErrorKind` to an action (back off, refresh the token, restart the window, stop).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from shelfscope.errors import ContractChanged
from shelfscope.seller.json_body import JsonBody, load_json, optional_text, require_mapping

__all__ = ["ApiError", "ApiErrorKind", "classify_api_error", "parse_api_errors"]


class ApiErrorKind(enum.StrEnum):
    QUOTA_EXCEEDED = "quota_exceeded"
    ACCESS_TOKEN_EXPIRED = "access_token_expired"  # noqa: S105 - an error kind, not a secret
    UNAUTHORIZED = "unauthorized"
    NEXT_TOKEN_EXPIRED = "next_token_expired"  # noqa: S105 - an error kind, not a secret
    REPORT_TYPE_NOT_REQUESTABLE = "report_type_not_requestable"
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    SERVER_ERROR = "server_error"
    OTHER = "other"


@dataclass(frozen=True)
class ApiError:
    code: str
    message: str
    details: str | None = None

    @property
    def text(self) -> str:
        return f"{self.message} {self.details or ''}"


# (HTTP status or None for any, error code or None for any, text pattern or None) → kind.
# First match wins, so the specific rows come before the general ones.
_RULES: tuple[tuple[int | None, str | None, re.Pattern[str] | None, ApiErrorKind], ...] = (
    (429, None, None, ApiErrorKind.QUOTA_EXCEEDED),
    (None, "QuotaExceeded", None, ApiErrorKind.QUOTA_EXCEEDED),
    (
        None,
        None,
        re.compile(r"access token you provided has expired", re.I),
        ApiErrorKind.ACCESS_TOKEN_EXPIRED,
    ),
    (None, "Unauthorized", None, ApiErrorKind.UNAUTHORIZED),
    (403, None, None, ApiErrorKind.UNAUTHORIZED),
    (
        None,
        "InvalidInput",
        re.compile(r"token is not valid|token.*expired", re.I),
        ApiErrorKind.NEXT_TOKEN_EXPIRED,
    ),
    (
        None,
        None,
        re.compile(r"request for report type \S+ is not allowed", re.I),
        ApiErrorKind.REPORT_TYPE_NOT_REQUESTABLE,
    ),
    (404, None, None, ApiErrorKind.NOT_FOUND),
    (None, "NotFound", None, ApiErrorKind.NOT_FOUND),
    (400, None, None, ApiErrorKind.INVALID_INPUT),
    (None, "InvalidInput", None, ApiErrorKind.INVALID_INPUT),
    (500, None, None, ApiErrorKind.SERVER_ERROR),
    (503, None, None, ApiErrorKind.SERVER_ERROR),
)


def parse_api_errors(body: JsonBody) -> tuple[ApiError, ...]:
    """The errors of an SP-API error body."""
    response = require_mapping(load_json(body), what="error response")
    entries = response.get("errors")
    if not isinstance(entries, list) or not entries:
        raise ContractChanged("error response has no 'errors' list")
    errors = []
    for entry in entries:
        error = require_mapping(entry, what="an error")
        errors.append(
            ApiError(
                code=optional_text(error, "code") or "",
                message=optional_text(error, "message") or "",
                details=optional_text(error, "details"),
            )
        )
    return tuple(errors)


def classify_api_error(status: int, errors: tuple[ApiError, ...]) -> ApiErrorKind:
    """What an error response means, from its HTTP status and its first matching error."""
    for rule_status, rule_code, pattern, kind in _RULES:
        for error in errors or (ApiError("", ""),):
            if rule_status is not None and rule_status != status:
                continue
            if rule_code is not None and rule_code != error.code:
                continue
            if pattern is not None and not pattern.search(error.text):
                continue
            return kind
    return ApiErrorKind.OTHER
