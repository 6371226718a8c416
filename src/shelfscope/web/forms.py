"""Small helpers shared by page handlers that accept form posts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from sqlalchemy.orm import Session
from starlette.requests import Request

from shelfscope.errors import ConfigError, RateLimited
from shelfscope.web.flash import flash
from shelfscope.web.templating import safe_next

__all__ = ["FormOutcome", "back_to", "user_errors"]


def back_to(request: Request, *, default: str, prefix: str | None = None) -> str:
    """The same-site page a form was posted from (its Referer), if under ``prefix``; else ``default``."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return default
    path = safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), default)
    base = path.split("?", 1)[0]
    if prefix is not None and base != prefix and not base.startswith(prefix.rstrip("/") + "/"):
        return default
    return path


class FormOutcome:
    """Whether the guarded block succeeded; ``error`` holds the message shown when it did not."""

    def __init__(self) -> None:
        self.error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def user_errors(request: Request, session: Session, *, success: str | None = None) -> Iterator[FormOutcome]:
    """Turn errors the user can fix (bad input, conflicts, missing role, throttling) into a flash.

    The session is rolled back so nothing half-done is committed; anything else (NotFound,
    unexpected failures) propagates to the error page.
    """
    outcome = FormOutcome()
    try:
        yield outcome
    except (ConfigError, RateLimited) as exc:
        session.rollback()
        outcome.error = exc.message
        flash(request, "error", exc.message[:1].upper() + exc.message[1:])
    else:
        if success:
            flash(request, "success", success)
