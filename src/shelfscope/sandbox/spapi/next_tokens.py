"""Paging tokens: opaque, bound to the arguments of the call that produced them, and mortal.

Finances tokens must be sent "with the same arguments as the call that produced the token" and
expire (real users quote "Token is not valid, token duration is 25 minutes."). getReports tokens
must be sent alone. A token stores where the next page starts; the page is recomputed from it.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["NextTokenStore", "PageCursor"]


@dataclass(frozen=True)
class PageCursor:
    operation: str
    owner: tuple[str, str]
    arguments: tuple[Hashable, ...]
    offset: int
    issued_at: datetime


class NextTokenStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursors: dict[str, PageCursor] = {}

    def issue(self, cursor: PageCursor) -> str:
        token = secrets.token_urlsafe(48)
        with self._lock:
            self._cursors[token] = cursor
        return token

    def find(self, token: str, *, operation: str, owner: tuple[str, str]) -> PageCursor | None:
        """The cursor of ``token`` if it was issued to this operation and seller."""
        with self._lock:
            cursor = self._cursors.get(token)
        if cursor is None or cursor.operation != operation or cursor.owner != owner:
            return None
        return cursor

    @staticmethod
    def expired(cursor: PageCursor, *, now: datetime, ttl: float) -> bool:
        return now >= cursor.issued_at + timedelta(seconds=ttl)
