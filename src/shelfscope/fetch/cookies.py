"""The cookie jar of one fetch session, kept by us rather than by the HTTP library.

Two reasons. Header order is part of a fingerprint, and libcurl's cookie engine writes its
``Cookie`` header right after ``Host``, where no browser puts it; holding the jar ourselves lets
each identity place the header where its browser does. And the jar belongs to the *session*,
not to a connection pool, so it survives HTTP-client recycling and can later be handed to the
browser client. The standard library's :class:`http.cookiejar.CookieJar` supplies the rules
(domain and path matching, expiry, ``Secure``).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Sequence
from email.message import Message
from http.cookiejar import CookieJar

from shelfscope.fetch.models import Header

__all__ = ["SessionCookies"]


class _ReceivedHeaders:
    """The little of a urllib response that :meth:`CookieJar.extract_cookies` reads."""

    def __init__(self, headers: Sequence[Header]) -> None:
        self._message = Message()
        for name, value in headers:
            if name == "set-cookie":
                self._message["Set-Cookie"] = value

    def info(self) -> Message:
        return self._message


class SessionCookies:
    """Cookies received by one session, sent back on later requests that match."""

    def __init__(self) -> None:
        self._jar = CookieJar()

    def header_for(self, url: str) -> str | None:
        """The ``Cookie`` header value for a request to ``url``, or None when nothing matches."""
        request = urllib.request.Request(url)  # noqa: S310 - only used as a cookie-matching key
        self._jar.add_cookie_header(request)
        return request.get_header("Cookie")

    def store(self, url: str, headers: Sequence[Header]) -> None:
        """Keep the cookies set by a response to ``url`` (lower-case header names)."""
        if any(name == "set-cookie" for name, _ in headers):
            request = urllib.request.Request(url)  # noqa: S310
            self._jar.extract_cookies(_ReceivedHeaders(headers), request)  # type: ignore[arg-type]

    def names(self) -> list[str]:
        return sorted(cookie.name for cookie in self._jar)

    def __len__(self) -> int:
        return len(self._jar)
