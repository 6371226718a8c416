"""What a request asks of the browser client, and what it gets back beyond the page.

A request opts into browser specifics through ``Request.meta["browser"]`` holding a
:class:`BrowserOptions`: which resource types not to download (images, media, fonts, CSS: most
of a page's weight, none of its data) and which network responses to capture. Capturing is for
sites whose data only the page's own scripts can fetch (Shopee and TikTok sign their API calls in
the browser): the page is loaded as a visitor would, and the JSON its scripts receive comes back
in :attr:`BrowserResponse.captures`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from shelfscope.errors import InvalidInput, ParseError
from shelfscope.fetch.models import Header, Request, Response

__all__ = [
    "BROWSER_META_KEY",
    "BrowserOptions",
    "BrowserResponse",
    "Capture",
    "ResourceKind",
    "options_for",
]

#: The ``Request.meta`` key that carries :class:`BrowserOptions`.
BROWSER_META_KEY = "browser"


class ResourceKind(StrEnum):
    """Resource types that can be left undownloaded (Playwright's ``resource_type`` names)."""

    IMAGE = "image"
    MEDIA = "media"
    FONT = "font"
    STYLESHEET = "stylesheet"


@dataclass(frozen=True, kw_only=True)
class BrowserOptions:
    """Per-request browser behaviour.

    ``block``: resource types aborted for this page (None: the client's default profile).
    ``capture``: regular expressions searched in response URLs; every matching response's body
    is returned. ``rendered``: return the DOM after scripts ran instead of the document as served.
    """

    block: frozenset[ResourceKind] | None = None
    capture: tuple[str, ...] = ()
    rendered: bool = False
    patterns: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.block is not None:
            object.__setattr__(self, "block", frozenset(ResourceKind(kind) for kind in self.block))
        try:
            compiled = tuple(re.compile(pattern) for pattern in self.capture)
        except re.error as exc:
            raise InvalidInput(
                f"capture pattern is not a regular expression: {exc}", field="capture"
            ) from exc
        object.__setattr__(self, "patterns", compiled)

    def captures(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self.patterns)


def options_for(request: Request, *, default_block: Iterable[ResourceKind]) -> BrowserOptions:
    """The request's options, its ``block`` profile filled in from the client's default."""
    options = request.meta.get(BROWSER_META_KEY)
    if options is None:
        return BrowserOptions(block=frozenset(default_block))
    if not isinstance(options, BrowserOptions):
        raise InvalidInput(f"meta[{BROWSER_META_KEY!r}] must be BrowserOptions", field="meta")
    if options.block is None:
        return BrowserOptions(
            block=frozenset(default_block), capture=options.capture, rendered=options.rendered
        )
    return options


@dataclass(frozen=True, kw_only=True)
class Capture:
    """One network response the page's scripts received, captured by URL pattern."""

    url: str
    status: int
    headers: tuple[Header, ...]
    body: bytes

    @property
    def content_type(self) -> str:
        value = next((v for k, v in self.headers if k == "content-type"), "")
        return value.split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; a body that is not JSON is a :class:`ParseError`."""
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise ParseError(f"captured {self.url} is not JSON: {exc}") from exc


@dataclass(frozen=True, kw_only=True)
class BrowserResponse(Response):
    """A :class:`Response` from the browser client, with the responses it was asked to capture."""

    captures: tuple[Capture, ...] = ()

    def captured(self, pattern: str) -> list[Capture]:
        """Captures whose URL matches ``pattern`` (a regular expression), in arrival order."""
        compiled = re.compile(pattern)
        return [capture for capture in self.captures if compiled.search(capture.url)]
