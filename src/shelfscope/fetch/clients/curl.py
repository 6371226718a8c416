"""The HTTP client: curl_cffi with browser impersonation, one curl session per fetch session.

What it guarantees, and why:

* **Fingerprint coherence.** Each fetch session gets its own ``AsyncSession`` impersonating its
  identity's target, so the TLS and HTTP/2 fingerprint is that browser's. Headers are sent with
  ``default_headers=False``, exactly as the identity renders them and in its order (curl's own
  defaults would put a second, different header set on the wire). HTTP/2 is used over TLS only,
  as browsers do (``V2TLS``): a plain-http ``Upgrade: h2c`` is something no browser sends.
* **Cookies per session, in the right place.** curl's cookie engine is bypassed
  (``discard_cookies``, no jar) and the session's :class:`SessionCookies` supplies the
  ``Cookie`` header per hop and keeps every ``Set-Cookie``, redirects included. That is also why
  redirects are followed here and not by curl.
* **Bounded work.** ``timeouts.total`` caps the whole request (all hops); ``connect`` the
  handshake; ``read`` the longest silence: from sending a request to its first body byte, and
  between body chunks (a deadline pushed back by every chunk; curl's own low-speed limit
  averages over seconds and misses short stalls). The body streams into a buffer that refuses
  to grow past ``max_body_bytes`` (decompressed size, so a compression bomb stops too): that is
  :class:`ResponseTooLarge`, not a truncated page.
* **Bounded memory.** curl_cffi sessions grow over long runs (curl_cffi #406, #607). A curl
  session is closed when its fetch session retires and recycled after ``recycle_after``
  requests; cookies live in the fetch session, so recycling loses nothing.

Every curl failure is translated once (:mod:`._curl_errors`), keeping the cause.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from curl_cffi.const import CurlHttpVersion
from curl_cffi.curl import CURL_WRITEFUNC_ERROR, CurlError
from curl_cffi.requests import AsyncSession
from curl_cffi.requests import Response as CurlResponse

from shelfscope.errors import Timeout
from shelfscope.fetch.clients._curl_errors import translate_curl_error
from shelfscope.fetch.clients.base import identity_headers
from shelfscope.fetch.failures import ResponseTooLarge
from shelfscope.fetch.models import Header, Request, Response, Timeouts
from shelfscope.fetch.sessions import FetchSession
from shelfscope.settings import FetchSettings

__all__ = ["CurlClient"]

_REDIRECTS = {301, 302, 303, 307, 308}
_DECODABLE = "gzip, deflate, br, zstd"  # what curl may decode; the identity decides what is asked for
_HTTP_VERSIONS = {1: "1.0", 2: "1.1", 3: "2", 30: "3"}


class _BodyBuffer:
    """Collects the (decoded) body, reports progress, and aborts once it passes ``limit`` bytes.

    curl calls :meth:`write` on the event loop's thread, so ``on_data`` may touch loop objects.
    """

    def __init__(self, limit: int, on_data: Callable[[], None]) -> None:
        self.limit, self.size, self.exceeded = limit, 0, False
        self._on_data = on_data
        self._chunks: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self._on_data()
        self.size += len(chunk)
        if self.size > self.limit:
            self.exceeded = True
            return CURL_WRITEFUNC_ERROR
        self._chunks.append(chunk)
        return len(chunk)

    def value(self) -> bytes:
        return b"".join(self._chunks)


@dataclass(eq=False)
class _Handle:
    """A curl session serving one fetch session."""

    curl: AsyncSession[Any]
    session: FetchSession
    requests: int = 0
    in_flight: int = 0


@dataclass(frozen=True)
class _Hop:
    """One request of a redirect chain: where, how, and how long it may still take."""

    url: str
    method: str
    body: bytes | None
    remaining: float


class CurlClient:
    def __init__(
        self,
        *,
        timeouts: Timeouts | None = None,
        max_body_bytes: int = 16 * 1024 * 1024,
        max_redirects: int = 10,
        recycle_after: int = 200,
        max_connections: int = 8,
        verify: bool = True,
    ) -> None:
        self._timeouts = timeouts or Timeouts()
        self._max_body_bytes, self._max_redirects = max_body_bytes, max_redirects
        self._recycle_after, self._max_connections, self._verify = recycle_after, max_connections, verify
        self._handles: dict[str, _Handle] = {}
        self._retiring: list[_Handle] = []
        self.sessions_opened = 0

    @classmethod
    def from_settings(cls, settings: FetchSettings) -> CurlClient:
        return cls(
            timeouts=Timeouts.from_settings(settings),
            max_body_bytes=settings.max_body_bytes,
            max_redirects=settings.max_redirects,
            recycle_after=settings.client_recycle_after,
            max_connections=settings.client_max_connections,
            verify=settings.verify_tls,
        )

    @property
    def open_sessions(self) -> int:
        """curl sessions currently open (serving or waiting to be closed)."""
        return len(self._handles) + len(self._retiring)

    async def send(self, request: Request, *, session: FetchSession) -> Response:
        timeouts = request.timeouts or self._timeouts
        handle = self._checkout(session)
        try:
            async with asyncio.timeout(timeouts.total):
                return await self._follow(handle, request, timeouts=timeouts)
        except TimeoutError as exc:
            raise Timeout(f"{request.url}: no complete answer within {timeouts.total:g} s") from exc
        finally:
            handle.in_flight -= 1
            await self._reap()

    async def _follow(self, handle: _Handle, request: Request, *, timeouts: Timeouts) -> Response:
        """Send ``request`` and follow its redirects, keeping cookies and counting wire bytes."""
        session, started = handle.session, time.perf_counter()
        hop = _Hop(url=request.url, method=request.method, body=request.body, remaining=timeouts.total)
        bytes_in = bytes_out = 0
        for redirects in range(self._max_redirects + 1):
            reply, body = await self._send_hop(handle, request, hop, timeouts=timeouts)
            received: tuple[Header, ...] = tuple(
                (name.lower(), value or "") for name, value in reply.headers.multi_items()
            )
            session.cookies.store(hop.url, received)
            bytes_in += reply.header_size + reply.download_size
            bytes_out += reply.request_size + reply.upload_size
            location = reply.headers.get("location")
            if reply.status_code in _REDIRECTS and location and redirects < self._max_redirects:
                method, body_out = hop.method, hop.body
                if reply.status_code in {301, 302, 303} and method not in {"GET", "HEAD"}:
                    method, body_out = "GET", None
                remaining = timeouts.total - (time.perf_counter() - started)
                hop = _Hop(url=urljoin(hop.url, location), method=method, body=body_out, remaining=remaining)
                continue
            return Response(
                url=hop.url,
                status=reply.status_code,
                headers=received,
                body=body,
                elapsed=time.perf_counter() - started,
                bytes_in=bytes_in,
                bytes_out=bytes_out,
                http_version=_HTTP_VERSIONS.get(int(reply.http_version), str(reply.http_version)),
                redirects=redirects,
                identity_id=session.identity.id,
                session_id=session.id,
                proxy_id=session.proxy_id,
            )
        raise AssertionError("unreachable: the last hop always returns")  # pragma: no cover

    async def _send_hop(
        self, handle: _Handle, request: Request, hop: _Hop, *, timeouts: Timeouts
    ) -> tuple[CurlResponse, bytes]:
        """One HTTP exchange; curl failures, silences and oversized bodies become our errors."""
        if hop.remaining < 0.001:
            raise Timeout(f"{request.url}: no complete answer within {timeouts.total:g} s")
        session, limit = handle.session, request.max_body_bytes or self._max_body_bytes
        connect = min(timeouts.connect, hop.remaining)
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeouts.read) as silence:
                buffer = _BodyBuffer(limit, on_data=lambda: silence.reschedule(loop.time() + timeouts.read))
                reply = await handle.curl.request(
                    hop.method,  # type: ignore[arg-type]
                    hop.url,
                    headers=identity_headers(request, session=session, url=hop.url),
                    data=hop.body,
                    proxy=session.proxy.url if session.proxy is not None else None,
                    timeout=(connect, max(hop.remaining - connect, 0.001)),
                    allow_redirects=False,
                    accept_encoding=_DECODABLE,
                    content_callback=buffer.write,
                )
        except TimeoutError as exc:
            raise Timeout(f"{hop.url}: nothing received for {timeouts.read:g} s") from exc
        except CurlError as exc:
            if buffer.exceeded:
                message = f"{hop.url}: body larger than {limit} bytes; the rest was not downloaded"
                raise ResponseTooLarge(message, limit=limit) from exc
            raise translate_curl_error(exc, url=hop.url, proxied=session.proxy is not None) from exc
        return reply, buffer.value()

    def _checkout(self, session: FetchSession) -> _Handle:
        """The curl session for ``session``, opened or recycled as needed; counted as in use."""
        for session_id, stale in list(self._handles.items()):
            if stale.session.retired:
                self._retire(session_id)
        handle = self._handles.get(session.id)
        if handle is not None and handle.requests >= self._recycle_after:
            self._retire(session.id)
            handle = None
        if handle is None:
            handle = _Handle(curl=self._open(session), session=session)
            self._handles[session.id] = handle
        handle.requests += 1
        handle.in_flight += 1
        return handle

    def _open(self, session: FetchSession) -> AsyncSession[Any]:
        self.sessions_opened += 1
        return AsyncSession(
            impersonate=session.identity.impersonate,
            default_headers=False,
            http_version=CurlHttpVersion.V2TLS,
            trust_env=False,
            discard_cookies=True,
            max_clients=self._max_connections,
            verify=self._verify,
        )

    def _retire(self, session_id: str) -> None:
        self._retiring.append(self._handles.pop(session_id))

    async def _reap(self) -> None:
        idle = [handle for handle in self._retiring if handle.in_flight == 0]
        for handle in idle:
            if handle in self._retiring:  # a concurrent _reap may have taken it during our await
                self._retiring.remove(handle)
                await handle.curl.close()

    async def aclose(self) -> None:
        """Close every curl session; in-flight requests on them fail."""
        handles = [*self._handles.values(), *self._retiring]
        self._handles.clear()
        self._retiring.clear()
        for handle in handles:
            await handle.curl.close()
