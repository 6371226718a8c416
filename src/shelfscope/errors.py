"""The exception tree, classified by what the caller should do about the failure.

::

    ShelfscopeError
    ├── ConfigError            the user must act (bad input, bad credentials, revoked consent)
    │   ├── InvalidInput            a value the user gave is wrong                      → 422
    │   ├── AuthenticationRequired  no or bad credentials                               → 401
    │   ├── PermissionDenied        authenticated, but the role does not allow it       → 403
    │   ├── Conflict                the change clashes with existing state              → 409
    │   └── AuthorizationRevoked    an outside account withdrew consent; reconnect it   → 409
    ├── TransientError         retrying later will likely work
    │   ├── RateLimited(retry_after)                                                    → 429
    │   ├── Blocked(kind)           a site answered with a CAPTCHA or bot wall          → 503
    │   ├── UpstreamUnavailable     an outside system or our own service is down        → 503
    │   └── Timeout                                                                     → 504
    └── PermanentError         retrying will not help
        ├── NotFound                                                                    → 404
        ├── ParseError              a page or payload did not have the expected shape   → 502
        └── ContractChanged         an outside API no longer matches its contract       → 502

Third-party exceptions are translated into this tree once, at the boundary where the library
is called, keeping the cause (``raise … from exc``). The API maps the tree to status codes with
``{"error": code, "message": …}``; the CLI maps it to exit codes (2 for ConfigError, 1 otherwise).
"""

from __future__ import annotations

__all__ = [
    "AuthenticationRequired",
    "AuthorizationRevoked",
    "Blocked",
    "ConfigError",
    "Conflict",
    "ContractChanged",
    "InvalidInput",
    "NotFound",
    "ParseError",
    "PermanentError",
    "PermissionDenied",
    "RateLimited",
    "ShelfscopeError",
    "Timeout",
    "TransientError",
    "UpstreamUnavailable",
]


class ShelfscopeError(Exception):
    """Base of every error shelfscope raises on purpose."""

    code = "error"
    http_status = 500
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(ShelfscopeError):
    """The user must act: fix input, credentials or configuration."""

    code = "config_error"
    http_status = 400
    exit_code = 2


class InvalidInput(ConfigError):
    code = "invalid_input"
    http_status = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuthenticationRequired(ConfigError):
    code = "authentication_required"
    http_status = 401


class PermissionDenied(ConfigError):
    code = "permission_denied"
    http_status = 403


class Conflict(ConfigError):
    code = "conflict"
    http_status = 409


class AuthorizationRevoked(ConfigError):
    code = "authorization_revoked"
    http_status = 409


class TransientError(ShelfscopeError):
    """Retry later."""

    code = "transient_error"
    http_status = 503


class RateLimited(TransientError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Blocked(TransientError):
    code = "blocked"

    def __init__(self, message: str, *, kind: str = "unknown") -> None:
        super().__init__(message)
        self.kind = kind


class UpstreamUnavailable(TransientError):
    code = "upstream_unavailable"


class Timeout(TransientError):
    code = "timeout"
    http_status = 504


class PermanentError(ShelfscopeError):
    """Retrying will not help."""

    code = "permanent_error"


class NotFound(PermanentError):
    code = "not_found"
    http_status = 404


class ParseError(PermanentError):
    code = "parse_error"
    http_status = 502


class ContractChanged(PermanentError):
    code = "contract_changed"
    http_status = 502
