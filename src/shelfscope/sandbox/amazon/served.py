"""The served log: which page went to whom, so tests can count what the storefront did.

A tracker test asks "did the sandbox serve a CAPTCHA mid-run, and did the tracker retry?";
this log answers from the server's side. It keeps the latest entries (bounded) and counts of
every kind since the start or the last reset.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

__all__ = ["ServedKind", "ServedLog", "ServedPage"]

ServedKind = Literal[
    "search", "product", "home", "captcha", "captcha_solved", "service_unavailable", "not_found", "redirect"
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServedPage:
    """One storefront response."""

    at: datetime
    """Sandbox time."""
    marketplace: str
    kind: ServedKind
    status: int
    path: str
    client: str
    session_id: str | None
    keyword: str | None = None
    page: int | None = None
    day: date | None = None
    asin: str | None = None
    reason: str | None = None
    """Why a CAPTCHA was served: ``rate``, ``no_cookies`` or ``flagged``."""
    slow_seconds: float = 0.0
    bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "marketplace": self.marketplace,
            "kind": self.kind,
            "status": self.status,
            "path": self.path,
            "client": self.client,
            "session_id": self.session_id,
            "keyword": self.keyword,
            "page": self.page,
            "date": None if self.day is None else self.day.isoformat(),
            "asin": self.asin,
            "reason": self.reason,
            "slow_seconds": self.slow_seconds,
            "bytes": self.bytes,
        }


class ServedLog:
    """The latest ``capacity`` responses and the count of each kind; thread-safe."""

    def __init__(self, *, capacity: int = 20_000) -> None:
        self._entries: deque[ServedPage] = deque(maxlen=capacity)
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record(self, entry: ServedPage) -> None:
        with self._lock:
            self._entries.append(entry)
            self._counts[entry.kind] += 1
            if entry.slow_seconds:
                self._counts["slow"] += 1

    def entries(self, *, kind: ServedKind | None = None) -> list[ServedPage]:
        """Entries oldest first, optionally of one kind."""
        with self._lock:
            return [entry for entry in self._entries if kind is None or entry.kind == kind]

    def counts(self) -> dict[str, int]:
        """Responses per kind (and ``slow``) since the start or the last :meth:`clear`."""
        with self._lock:
            return dict(self._counts)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()

    def to_json(self, *, limit: int = 100, kind: ServedKind | None = None) -> dict[str, Any]:
        entries = self.entries(kind=kind)[-limit:] if limit else []
        return {"counts": self.counts(), "entries": [entry.to_json() for entry in entries]}
