"""Playwright's failures, translated once into the shelfscope error tree (keeping the cause).

Chromium reports a failed navigation as a ``net::ERR_…`` name inside Playwright's message; the
table maps the names a fetch can meet to the errors the retry policy understands. Names not
listed are :class:`UpstreamUnavailable`, and Playwright's own timeout is :class:`Timeout`.
"""

from __future__ import annotations

import re

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from shelfscope.errors import InvalidInput, ShelfscopeError, Timeout, UpstreamUnavailable
from shelfscope.fetch.failures import ConnectionFailed, IncompleteBody, ProxyFailed

__all__ = ["translate_browser_error"]

_NET_ERROR = re.compile(r"net::(ERR_[A-Z0-9_]+)")

_ERRORS: dict[str, tuple[type[ShelfscopeError], str]] = {
    "ERR_PROXY_CONNECTION_FAILED": (ProxyFailed, "proxy refused the connection"),
    "ERR_TUNNEL_CONNECTION_FAILED": (ProxyFailed, "proxy tunnel failed"),
    "ERR_PROXY_AUTH_UNSUPPORTED": (ProxyFailed, "proxy authentication unsupported"),
    "ERR_PROXY_AUTH_REQUESTED": (ProxyFailed, "proxy asked for credentials"),
    "ERR_NO_SUPPORTED_PROXIES": (ProxyFailed, "proxy scheme not supported"),
    "ERR_CONNECTION_REFUSED": (ConnectionFailed, "connection refused"),
    "ERR_CONNECTION_RESET": (ConnectionFailed, "connection reset"),
    "ERR_CONNECTION_CLOSED": (ConnectionFailed, "connection closed"),
    "ERR_CONNECTION_FAILED": (ConnectionFailed, "connection failed"),
    "ERR_EMPTY_RESPONSE": (ConnectionFailed, "connection closed without an answer"),
    "ERR_NAME_NOT_RESOLVED": (ConnectionFailed, "host not found"),
    "ERR_ADDRESS_UNREACHABLE": (ConnectionFailed, "address unreachable"),
    "ERR_SSL_PROTOCOL_ERROR": (ConnectionFailed, "TLS handshake failed"),
    "ERR_CERT_AUTHORITY_INVALID": (ConnectionFailed, "TLS certificate not trusted"),
    "ERR_HTTP2_PROTOCOL_ERROR": (ConnectionFailed, "HTTP/2 framing error"),
    "ERR_TIMED_OUT": (Timeout, "timed out"),
    "ERR_CONNECTION_TIMED_OUT": (Timeout, "connect timed out"),
    "ERR_CONTENT_DECODING_FAILED": (IncompleteBody, "body could not be decompressed"),
    "ERR_INCOMPLETE_CHUNKED_ENCODING": (IncompleteBody, "body ended early"),
    "ERR_CONTENT_LENGTH_MISMATCH": (IncompleteBody, "body ended before its announced length"),
    "ERR_INVALID_URL": (InvalidInput, "malformed URL"),
}


def translate_browser_error(exc: PlaywrightError, *, url: str) -> ShelfscopeError:
    """The shelfscope error for a Playwright failure on ``url`` (the caller raises it ``from exc``)."""
    if isinstance(exc, PlaywrightTimeoutError):
        return Timeout(f"{url}: the browser got no complete page in time")
    match = _NET_ERROR.search(exc.message)
    name = match.group(1) if match else None
    error_type, what = _ERRORS.get(name or "", (UpstreamUnavailable, "navigation failed"))
    message = f"{url}: {what} ({name or exc.message.splitlines()[0][:200]})"
    if error_type is InvalidInput:
        return InvalidInput(message, field="url")
    return error_type(message)
