"""The interface every fetch client implements: send one request as one session.

A client is the only place that talks to the network (or pretends to). It renders the session
identity's headers for each hop, sends the session's cookies and stores the ones it receives,
goes out through the session's proxy, follows redirects, and enforces timeouts and the body
limit. It answers with a :class:`Response` for *any* status; judging statuses and pages is the
chain's job. Failures are raised as :mod:`shelfscope.errors` types, translated once, here.
"""

from __future__ import annotations

from typing import Protocol

from shelfscope.fetch.models import Header, Request, Response
from shelfscope.fetch.sessions import FetchSession

__all__ = ["FetchClient", "identity_headers"]


class FetchClient(Protocol):
    async def send(self, request: Request, *, session: FetchSession) -> Response: ...

    async def aclose(self) -> None: ...


def identity_headers(request: Request, *, session: FetchSession, url: str) -> list[Header]:
    """The headers of one hop to ``url``: the identity's own, then the request's extra ones."""
    return session.identity.headers(
        url=url,
        accept_language=session.accept_language,
        mode=request.mode,
        referer=request.referer,
        cookie=session.cookies.header_for(url),
        extra=request.headers,
    )
