"""The vocabulary of block rules: a :class:`Page` to look at and small matchers to combine.

A block rule is data: a kind, a one-line explanation, and a condition built from the matchers
below (``All(Contains(b"/errors/validateCaptcha"), Contains(b"captchacharacters"))``). Site
modules list their rules in tables; the detector walks a table and the first rule that matches
names the block. Adding a newly seen block page is a new row, not a new code path.

Matchers work on bytes where they can (no decoding of a 2 MB page to look for a marker) and the
:class:`Page` computes anything costlier (lower-cased body, title, parsed JSON) once, on demand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from shelfscope.fetch.models import Header, Request

__all__ = [
    "All",
    "AnyOf",
    "BlockRule",
    "Check",
    "Contains",
    "ExpectedPageMissing",
    "FirstPage",
    "Json",
    "Matcher",
    "Matches",
    "Not",
    "Page",
    "SmallerThan",
    "Status",
    "StatusUnknown",
    "Title",
    "UrlPath",
]

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_MISSING = object()


class Page:
    """A response as block rules see it, with the request that produced it.

    ``status`` is None when it is not known: an archived body, or a page handed to a parser
    without its response. Rules that need a status say what they decide without one
    (:class:`Status` never matches it, :class:`StatusUnknown` does).
    """

    def __init__(
        self,
        *,
        request: Request,
        status: int | None,
        headers: tuple[Header, ...],
        body: bytes,
        now: datetime,
    ) -> None:
        self.request, self.status, self.headers, self.body, self.now = request, status, headers, body, now

    @cached_property
    def lower(self) -> bytes:
        return self.body.lower()

    @cached_property
    def title(self) -> str | None:
        match = _TITLE.search(self.body)
        return match.group(1).decode("utf-8", errors="replace").strip() if match else None

    @cached_property
    def json(self) -> object:
        """The body parsed as JSON, or None when it is not JSON."""
        if self.body.lstrip()[:1] not in (b"{", b"["):
            return None
        try:
            parsed: object = json.loads(self.body)
        except ValueError:
            return None
        return parsed

    @cached_property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.request.url).query, keep_blank_values=True)


class Matcher(Protocol):
    def __call__(self, page: Page) -> bool: ...


@dataclass(frozen=True)
class Contains:
    """The body contains ``text`` (case-insensitive unless ``case=True``)."""

    text: bytes
    case: bool = False

    def __call__(self, page: Page) -> bool:
        return self.text in page.body if self.case else self.text.lower() in page.lower


@dataclass(frozen=True)
class Matches:
    """A regular expression over the raw body bytes finds a match."""

    pattern: bytes

    def __call__(self, page: Page) -> bool:
        return re.search(self.pattern, page.body) is not None


@dataclass(frozen=True)
class Title:
    """The HTML ``<title>`` equals ``equals`` or contains ``contains`` (case-insensitive)."""

    equals: str | None = None
    contains: str | None = None

    def __call__(self, page: Page) -> bool:
        title = (page.title or "").lower()
        if self.equals is not None and title != self.equals.lower():
            return False
        return self.contains is None or self.contains.lower() in title


@dataclass(frozen=True)
class Status:
    """The status is one of ``codes``; an unknown status is none of them."""

    codes: frozenset[int]

    def __call__(self, page: Page) -> bool:
        return page.status in self.codes


@dataclass(frozen=True)
class StatusUnknown:
    """The page came without a status (an archived body): rules then judge the body alone."""

    def __call__(self, page: Page) -> bool:
        return page.status is None


@dataclass(frozen=True)
class SmallerThan:
    """The body is shorter than ``size`` bytes: interstitials are small, real pages are not."""

    size: int

    def __call__(self, page: Page) -> bool:
        return len(page.body) < self.size


@dataclass(frozen=True)
class UrlPath:
    """The requested URL's path matches ``pattern``."""

    pattern: str

    def __call__(self, page: Page) -> bool:
        return re.search(self.pattern, page.request.path) is not None


@dataclass(frozen=True)
class FirstPage:
    """The request asks for the first page: query ``param`` absent or ``0``."""

    param: str

    def __call__(self, page: Page) -> bool:
        return page.query.get(self.param, ["0"])[0] in {"", "0"}


@dataclass(frozen=True)
class Json:
    """The JSON body has ``value`` (one of ``values``) at ``path``; a missing key reads as None."""

    path: tuple[str, ...]
    values: tuple[object, ...]

    def __call__(self, page: Page) -> bool:
        node: object = page.json
        if node is None:
            return False
        for key in self.path:
            node = node.get(key) if isinstance(node, Mapping) else None
        return any(node == value and type(node) is type(value) for value in self.values)


@dataclass(frozen=True)
class Check:
    """A named predicate, for shapes a few matchers cannot express (poisoned JSON)."""

    name: str
    predicate: Callable[[Page], bool]

    def __call__(self, page: Page) -> bool:
        return self.predicate(page)


@dataclass(frozen=True)
class ExpectedPageMissing:
    """The request expected a page type listed in ``markers`` and none of its markers is there."""

    markers: Mapping[str, Matcher]

    def __call__(self, page: Page) -> bool:
        expected = page.request.expected_page
        marker = self.markers.get(expected) if expected else None
        return marker is not None and not marker(page)


class All:
    def __init__(self, *matchers: Matcher) -> None:
        self.matchers = matchers

    def __call__(self, page: Page) -> bool:
        return all(matcher(page) for matcher in self.matchers)


class AnyOf:
    def __init__(self, *matchers: Matcher) -> None:
        self.matchers = matchers

    def __call__(self, page: Page) -> bool:
        return any(matcher(page) for matcher in self.matchers)


@dataclass(frozen=True)
class Not:
    matcher: Matcher

    def __call__(self, page: Page) -> bool:
        return not self.matcher(page)


@dataclass(frozen=True, kw_only=True)
class BlockRule:
    """When ``when`` matches, the page is a ``kind`` block (``why`` says what the page is)."""

    kind: str
    when: Matcher
    why: str
