"""The fetch engine's own failures, as subclasses of :mod:`shelfscope.errors`.

They refine the platform tree where the retry policy needs to tell cases apart (a reset
connection rotates the session, a truncated body only retries, an oversized body fails at once)
while callers keep catching the platform classes (``UpstreamUnavailable``, ``PermanentError``)::

    UpstreamUnavailable
    ├── ConnectionFailed      refused, reset, dropped before an answer, TLS or HTTP/2 failure
    │   └── ProxyFailed       the proxy refused, failed or asked for credentials (407)
    ├── IncompleteBody        the body ended early or could not be decoded
    ├── ServerError(status)   a 5xx answer without a Retry-After
    └── CircuitOpen(host)     too many recent failures: the host is left alone for a while
    PermanentError
    ├── ResponseTooLarge      the body passed the request's byte limit; the rest was not read
    └── RequestRejected       a 4xx answer that retrying cannot fix (400, 401, 405, …)
"""

from __future__ import annotations

from shelfscope.errors import PermanentError, UpstreamUnavailable

__all__ = [
    "CircuitOpen",
    "ConnectionFailed",
    "IncompleteBody",
    "ProxyFailed",
    "RequestRejected",
    "ResponseTooLarge",
    "ServerError",
]


class ConnectionFailed(UpstreamUnavailable):
    code = "connection_failed"


class ProxyFailed(ConnectionFailed):
    code = "proxy_failed"


class IncompleteBody(UpstreamUnavailable):
    code = "incomplete_body"


class ServerError(UpstreamUnavailable):
    code = "server_error"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class CircuitOpen(UpstreamUnavailable):
    code = "circuit_open"

    def __init__(self, message: str, *, host: str, retry_after: float) -> None:
        super().__init__(message)
        self.host = host
        self.retry_after = retry_after


class ResponseTooLarge(PermanentError):
    code = "response_too_large"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


class RequestRejected(PermanentError):
    code = "request_rejected"

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
