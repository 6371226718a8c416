"""A client for unit tests: canned replies by URL, no network (httpx's ``MockTransport`` idea).

Routes map a URL to a :class:`Reply`, a list of replies served in turn (the last one repeats) or
a function of the :class:`SentRequest`. A route key is a full URL, a URL without its query, or a
path; the most specific match wins, and unknown URLs get ``fallback`` (404). Headers are rendered
exactly as the real client renders them and cookies go through the session jar, so identity and
session behaviour is testable without sockets. Everything sent is kept in :attr:`FakeClient.sent`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from shelfscope.errors import ShelfscopeError
from shelfscope.fetch.clients.base import identity_headers
from shelfscope.fetch.failures import ResponseTooLarge
from shelfscope.fetch.models import Header, Request, Response
from shelfscope.fetch.sessions import FetchSession

__all__ = ["FakeClient", "Reply", "Responder", "SentRequest"]


@dataclass(frozen=True, kw_only=True)
class Reply:
    """A canned answer, or (``error``) a failure to raise instead of answering."""

    status: int = 200
    body: bytes = b""
    headers: Sequence[Header] = ()
    error: ShelfscopeError | None = None
    elapsed: float = 0.01


@dataclass(frozen=True, kw_only=True)
class SentRequest:
    request: Request
    headers: list[Header]
    session_id: str
    identity_id: str
    proxy_id: str | None


Responder = Reply | Sequence[Reply] | Callable[[SentRequest], Reply]


class FakeClient:
    def __init__(
        self,
        routes: Mapping[str, Responder] | None = None,
        *,
        fallback: Reply | None = None,
        max_body_bytes: int | None = None,
    ) -> None:
        self._routes: dict[str, Responder] = dict(routes or {})
        self._served: dict[str, int] = {}
        self._fallback = fallback or Reply(status=404, body=b"no route")
        self._max_body_bytes = max_body_bytes
        self.sent: list[SentRequest] = []
        self.closed = False

    def route(self, key: str, responder: Responder) -> None:
        self._routes[key] = responder
        self._served.pop(key, None)

    def _lookup(self, url: str) -> tuple[str | None, Responder]:
        parts = urlsplit(url)
        for key in (url, urlunsplit((*parts[:3], "", "")), parts.path or "/"):
            if key in self._routes:
                return key, self._routes[key]
        return None, self._fallback

    def _reply(self, sent: SentRequest) -> Reply:
        key, responder = self._lookup(sent.request.url)
        if isinstance(responder, Reply):
            return responder
        if callable(responder):
            return responder(sent)
        assert key is not None
        index = self._served.get(key, 0)
        self._served[key] = index + 1
        return responder[min(index, len(responder) - 1)]

    async def send(self, request: Request, *, session: FetchSession) -> Response:
        sent = SentRequest(
            request=request,
            headers=identity_headers(request, session=session, url=request.url),
            session_id=session.id,
            identity_id=session.identity.id,
            proxy_id=session.proxy_id,
        )
        self.sent.append(sent)
        reply = self._reply(sent)
        if reply.error is not None:
            raise reply.error
        limit = request.max_body_bytes or self._max_body_bytes
        if limit is not None and len(reply.body) > limit:
            raise ResponseTooLarge(f"{request.url}: body larger than {limit} bytes", limit=limit)
        headers = tuple((name.lower(), value) for name, value in reply.headers)
        session.cookies.store(request.url, headers)
        return Response(
            url=request.url,
            status=reply.status,
            headers=headers,
            body=reply.body,
            elapsed=reply.elapsed,
            bytes_in=len(reply.body) + sum(len(n) + len(v) + 4 for n, v in headers),
            bytes_out=len(request.body or b"") + sum(len(n) + len(v) + 4 for n, v in sent.headers),
            identity_id=session.identity.id,
            session_id=session.id,
            proxy_id=session.proxy_id,
        )

    async def aclose(self) -> None:
        self.closed = True
