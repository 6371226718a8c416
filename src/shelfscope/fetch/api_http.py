"""A small synchronous HTTP client for official APIs and webhooks (SP-API, LWA, alert webhooks).

Scraping goes through :class:`~shelfscope.fetch.FetchEngine`; an official API needs none of its
identities, sessions or block detection, only plain requests with the same rule as the rest of
fetch: the HTTP library stays inside this package, and its exceptions become the shelfscope tree
here, once::

    httpx timeout            → Timeout               (transient: the job system retries)
    any other httpx failure  → UpstreamUnavailable   (refused, reset, TLS, protocol …)
    a malformed URL          → InvalidApiUrl         (an InvalidInput: retrying cannot fix it)

Callers word the message (``timeout_message``, ``unreachable_message``); the failure's class name
is appended to the latter so a log tells a refused connection from a reset one.

Redirects are never followed unless asked for: a webhook URL that passed the SSRF guard must not
bounce the request to an internal address, and a consent page's redirect is read, not followed.
Tests inject an :data:`ApiTransport` (``httpx.MockTransport``) instead of a network.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, NoReturn
from urllib.parse import urlsplit

import httpx

from shelfscope.errors import InvalidInput, Timeout, UpstreamUnavailable

__all__ = ["ApiHttp", "ApiResponse", "ApiStream", "ApiTransport", "InvalidApiUrl"]

ApiTransport = httpx.BaseTransport
"""What :class:`ApiHttp` sends through instead of the network (tests pass ``httpx.MockTransport``)."""


class InvalidApiUrl(InvalidInput):
    """The URL cannot be sent at all (bad host, bad port, stray characters)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiResponse:
    """A complete answer. ``headers`` look names up case-insensitively."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    encoding: str | None = None

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding or "utf-8", errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class ApiStream:
    """An answer whose body is read in chunks, while its :meth:`ApiHttp.stream` block is open."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status_code: int = response.status_code
        self.headers: Mapping[str, str] = response.headers

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._response.iter_bytes(chunk_size)


class ApiHttp:
    """One connection pool; thread-safe, so one instance serves a whole process."""

    def __init__(
        self,
        *,
        timeout: float = 60.0,
        connect_timeout: float | None = None,
        transport: ApiTransport | None = None,
        follow_redirects: bool = False,
    ) -> None:
        """``timeout`` bounds each phase (connect, read, write, pool); ``connect_timeout`` may be shorter."""
        self._client = httpx.Client(
            timeout=httpx.Timeout(
                timeout, connect=connect_timeout if connect_timeout is not None else timeout
            ),
            transport=transport,
            follow_redirects=follow_redirects,
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        timeout: float | None = None,
        timeout_message: str | None = None,
        unreachable_message: str | None = None,
    ) -> ApiResponse:
        """Send one request and read the whole answer; any status is returned, none raised."""
        try:
            response = self._client.request(
                method,
                url,
                params=params,
                headers=headers,
                content=content,
                json=json,
                data=data,
                timeout=httpx.Timeout(timeout) if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            _translate(exc, url, timeout_message, unreachable_message)
        return ApiResponse(
            status_code=response.status_code,
            headers=response.headers,
            content=response.content,
            encoding=response.charset_encoding,
        )

    @contextmanager
    def stream(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_message: str | None = None,
        unreachable_message: str | None = None,
    ) -> Iterator[ApiStream]:
        """The answer with its body unread; failures while reading it are translated too."""
        try:
            with self._client.stream(method, url, params=params, headers=headers) as response:
                yield ApiStream(response)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            _translate(exc, url, timeout_message, unreachable_message)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> ApiHttp:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _translate(
    exc: httpx.HTTPError | httpx.InvalidURL,
    url: str,
    timeout_message: str | None,
    unreachable_message: str | None,
) -> NoReturn:
    if isinstance(exc, httpx.InvalidURL):
        raise InvalidApiUrl(str(exc)) from exc
    host = urlsplit(url).hostname or url
    if isinstance(exc, httpx.TimeoutException):
        raise Timeout(timeout_message or f"{host} did not answer in time") from exc
    prefix = unreachable_message or f"{host} is unreachable"
    raise UpstreamUnavailable(f"{prefix}: {exc.__class__.__name__}") from exc
