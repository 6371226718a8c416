"""curl_cffi's exceptions, translated once into the shelfscope error tree (keeping the cause).

libcurl reports failures as numeric codes; the table maps each code that a fetch can meet to
the error the retry policy understands. Codes not listed are :class:`UpstreamUnavailable`.
"""

from __future__ import annotations

from curl_cffi.const import CurlECode
from curl_cffi.curl import CurlError

from shelfscope.errors import InvalidInput, ShelfscopeError, Timeout, UpstreamUnavailable
from shelfscope.fetch.failures import ConnectionFailed, IncompleteBody, ProxyFailed

__all__ = ["translate_curl_error"]

_ERRORS: dict[int, tuple[type[ShelfscopeError], str]] = {
    CurlECode.UNSUPPORTED_PROTOCOL: (InvalidInput, "unsupported protocol"),
    CurlECode.URL_MALFORMAT: (InvalidInput, "malformed URL"),
    CurlECode.COULDNT_RESOLVE_PROXY: (ProxyFailed, "proxy host not found"),
    CurlECode.PROXY: (ProxyFailed, "proxy handshake failed"),
    CurlECode.COULDNT_RESOLVE_HOST: (ConnectionFailed, "host not found"),
    CurlECode.COULDNT_CONNECT: (ConnectionFailed, "connection refused"),
    CurlECode.SSL_CONNECT_ERROR: (ConnectionFailed, "TLS handshake failed"),
    CurlECode.PEER_FAILED_VERIFICATION: (ConnectionFailed, "TLS certificate not trusted"),
    CurlECode.GOT_NOTHING: (ConnectionFailed, "connection closed without an answer"),
    CurlECode.SEND_ERROR: (ConnectionFailed, "connection broke while sending"),
    CurlECode.RECV_ERROR: (ConnectionFailed, "connection reset while receiving"),
    CurlECode.HTTP2: (ConnectionFailed, "HTTP/2 framing error"),
    CurlECode.HTTP2_STREAM: (ConnectionFailed, "HTTP/2 stream reset"),
    CurlECode.HTTP3: (ConnectionFailed, "HTTP/3 error"),
    CurlECode.OPERATION_TIMEDOUT: (Timeout, "timed out"),
    CurlECode.PARTIAL_FILE: (IncompleteBody, "body ended before its announced length"),
    CurlECode.BAD_CONTENT_ENCODING: (IncompleteBody, "body could not be decompressed"),
}

# libcurl's wording when a SOCKS5 proxy refuses the credentials (RFC 1929) or offers no method
# the client can use; the code alone (CURLE_PROXY) does not tell a bad password from a bad reply.
_AUTH_REJECTED = ("User was rejected by the SOCKS5 server", "No authentication method was acceptable")


def translate_curl_error(exc: CurlError, *, url: str, proxied: bool = False) -> ShelfscopeError:
    """The shelfscope error for a curl failure on ``url`` (the caller raises it ``from exc``).

    Through a proxy, curl only ever connects to the proxy, so a refused connection is the proxy's.
    """
    error_type, what = _ERRORS.get(int(exc.code), (UpstreamUnavailable, "transfer failed"))
    if proxied and exc.code == CurlECode.COULDNT_CONNECT:
        error_type, what = ProxyFailed, "proxy refused the connection"
    if error_type is ProxyFailed and any(text in str(exc) for text in _AUTH_REJECTED):
        what = "proxy rejected the credentials"
    message = f"{url}: {what} (curl {int(exc.code)})"
    if error_type is InvalidInput:
        return InvalidInput(message, field="url")
    return error_type(message)
