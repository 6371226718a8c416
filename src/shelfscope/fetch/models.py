"""What the fetch engine is asked for and what it answers: :class:`Request` and :class:`Response`.

Both are immutable values. A :class:`Request` says *what* to get and under which site rules
(block detection per :class:`Site`, the expected page type, a throttle profile, timeouts and a
body limit). *Who* asks (identity headers, cookies, proxy) is added by the engine's middleware,
so a caller cannot hand-build an incoherent fingerprint: the headers a browser derives itself are
reserved (:data:`RESERVED_HEADERS`) and refused on a request.

A :class:`Response` carries the body as bytes plus the accounting the request log and proxy usage
need: bytes in and out on the wire, latency, and the identity, session and proxy that fetched it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from shelfscope.errors import InvalidInput, ParseError
from shelfscope.marketplaces import amazon_marketplace
from shelfscope.settings import FetchSettings

__all__ = [
    "RESERVED_HEADERS",
    "ClientKind",
    "Device",
    "Header",
    "Mode",
    "Request",
    "Response",
    "Site",
    "Timeouts",
]

Header = tuple[str, str]

#: Headers the identity and session write. A request that sets one would contradict the TLS
#: fingerprint or the cookie jar, so it is refused (use ``referer``/``accept_language`` fields).
RESERVED_HEADERS = frozenset(
    {
        "host",
        "user-agent",
        "sec-ch-ua",
        "sec-ch-ua-mobile",
        "sec-ch-ua-platform",
        "sec-fetch-site",
        "sec-fetch-mode",
        "sec-fetch-user",
        "sec-fetch-dest",
        "upgrade-insecure-requests",
        "accept-encoding",
        "accept-language",
        "cookie",
        "referer",
        "te",
        "connection",
    }
)

_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_METHOD = re.compile(r"^[A-Z]{3,7}$")


class Site(StrEnum):
    """Whose block rules apply to a response (see :mod:`shelfscope.fetch.blocks`)."""

    AMAZON = "amazon"
    SHOPEE = "shopee"
    TIKTOK = "tiktok"
    GENERIC = "generic"


class Mode(StrEnum):
    """How a browser would have made the request: a page navigation or a script's ``fetch()``."""

    NAVIGATE = "navigate"
    FETCH = "fetch"


class ClientKind(StrEnum):
    """Which client fetches a request: plain HTTP (curl_cffi) or a real Chromium page."""

    HTTP = "http"
    BROWSER = "browser"


class Device(StrEnum):
    DESKTOP = "desktop"
    MOBILE = "mobile"


@dataclass(frozen=True, kw_only=True)
class Timeouts:
    """Limits of one request, in seconds.

    ``connect``: TCP and TLS set-up. ``read``: the longest stall without receiving a byte.
    ``total``: the whole request, redirects included.
    """

    connect: float = 10.0
    read: float = 30.0
    total: float = 60.0

    def __post_init__(self) -> None:
        if min(self.connect, self.read, self.total) <= 0:
            raise InvalidInput("timeouts must be positive", field="timeouts")
        if self.connect > self.total:
            raise InvalidInput("the connect timeout cannot exceed the total timeout", field="timeouts")

    @classmethod
    def from_settings(cls, settings: FetchSettings) -> Timeouts:
        return cls(
            connect=settings.connect_timeout_seconds,
            read=settings.read_timeout_seconds,
            total=settings.total_timeout_seconds,
        )


def _normalise_headers(headers: Sequence[Header]) -> tuple[Header, ...]:
    normalised = tuple((name.strip().lower(), value) for name, value in headers)
    reserved = sorted({name for name, _ in normalised} & RESERVED_HEADERS)
    if reserved:
        raise InvalidInput(
            f"headers {reserved} are written by the fetch engine's identity and session; "
            "use Request.referer / accept_language / locale instead",
            field="headers",
        )
    return normalised


@dataclass(frozen=True, kw_only=True)
class Request:
    """One page or payload to fetch.

    ``expected_page`` names the page type the caller asked for (``"serp"``, ``"product"``): a page
    of another type served in its place is treated as a block. ``profile`` picks the throttle's
    delay range. ``timeouts`` and ``max_body_bytes`` default to the engine's settings. ``run_id``
    and ``meta`` travel into the request log untouched. ``client`` asks for the browser (or plain
    HTTP) path; None lets the engine decide (:mod:`shelfscope.fetch.client_choice`).
    """

    url: str
    method: str = "GET"
    headers: Sequence[Header] = ()
    body: bytes | None = None
    site: Site = Site.GENERIC
    marketplace: str | None = None
    profile: str = "default"
    mode: Mode = Mode.NAVIGATE
    device: Device | None = None
    locale: str | None = None
    accept_language: str | None = None
    referer: str | None = None
    expected_page: str | None = None
    timeouts: Timeouts | None = None
    max_body_bytes: int | None = None
    run_id: str | None = None
    meta: Mapping[str, object] = field(default_factory=dict)
    client: ClientKind | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise InvalidInput(f"not an http(s) URL with a host: {self.url!r}", field="url")
        method = self.method.upper()
        if not _METHOD.match(method):
            raise InvalidInput(f"not an HTTP method: {self.method!r}", field="method")
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "site", Site(self.site))
        object.__setattr__(self, "mode", Mode(self.mode))
        if self.client is not None:
            if self.client not in set(ClientKind):
                raise InvalidInput(f"client is 'http' or 'browser', not {self.client!r}", field="client")
            object.__setattr__(self, "client", ClientKind(self.client))
            if self.client is ClientKind.BROWSER and self.method != "GET":
                raise InvalidInput("the browser client navigates: GET requests only", field="client")
        object.__setattr__(self, "headers", _normalise_headers(self.headers))
        if self.max_body_bytes is not None and self.max_body_bytes < 1:
            raise InvalidInput("max_body_bytes must be positive", field="max_body_bytes")
        if self.site is Site.AMAZON and self.marketplace:
            amazon_marketplace(self.marketplace)  # an unknown code fails here, not mid-fetch

    @property
    def host(self) -> str:
        """Lower-case host name: the throttle slot and circuit-breaker key."""
        return urlsplit(self.url).hostname or ""

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)


@dataclass(frozen=True, kw_only=True)
class Response:
    """A complete answer: final URL, status, headers (lower-case names, wire order) and body.

    ``bytes_in``/``bytes_out`` count what crossed the wire (headers plus compressed body, all
    redirect hops): that is what a metered proxy bills. ``elapsed`` is the network time of the
    attempt that produced this response; ``attempts`` how many attempts the fetch took.
    """

    url: str
    status: int
    headers: tuple[Header, ...]
    body: bytes
    elapsed: float = 0.0
    bytes_in: int = 0
    bytes_out: int = 0
    http_version: str = "1.1"
    redirects: int = 0
    identity_id: str | None = None
    session_id: str | None = None
    proxy_id: str | None = None
    attempts: int = 1

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)

    def header_list(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key == wanted]

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def encoding(self) -> str:
        match = _CHARSET.search(self.header("content-type") or "")
        return match.group(1).lower() if match else "utf-8"

    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 by default), undecodable bytes replaced."""
        try:
            return self.body.decode(self.encoding, errors="replace")
        except LookupError:  # an unknown charset name in the header
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is a :class:`ParseError`."""
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ParseError(f"{self.url} did not answer with JSON: {exc}") from exc
