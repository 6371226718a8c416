"""Page links for paginated tables, keeping the current filters in the query string."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

__all__ = ["DEFAULT_LIMIT", "Pager", "page_params"]

DEFAULT_LIMIT = 25
MAX_LIMIT = 200


def page_params(limit: int | None, offset: int | None) -> tuple[int, int]:
    """Clamp user-supplied ``limit``/``offset`` query values to something sane."""
    return max(1, min(MAX_LIMIT, limit or DEFAULT_LIMIT)), max(0, offset or 0)


@dataclass(frozen=True, slots=True)
class Pager:
    total: int
    limit: int
    offset: int
    prev_url: str | None
    next_url: str | None

    @property
    def first_item(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.limit)

    @property
    def has_pages(self) -> bool:
        return self.prev_url is not None or self.next_url is not None

    @classmethod
    def build(cls, request: Request, *, total: int, limit: int, offset: int) -> Pager:
        def url(new_offset: int) -> str:
            params = {key: value for key, value in request.query_params.items() if value}
            params.update(offset=str(new_offset), limit=str(limit))
            return f"{request.url.path}?{urlencode(params)}"

        prev_url = url(max(0, offset - limit)) if offset > 0 else None
        next_url = url(offset + limit) if offset + limit < total else None
        return cls(total=total, limit=limit, offset=offset, prev_url=prev_url, next_url=next_url)
