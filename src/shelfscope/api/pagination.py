"""Paginated lists: one envelope and one query-parameter dependency for every list route.

Also the one path-parameter alias for row ids, shared by the API and the dashboard pages.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Path, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shelfscope.api.deps import MAX_ID

__all__ = ["IdPath", "Page", "PageParams", "PageParamsDep", "paginate"]

T = TypeVar("T")

MAX_LIMIT = 200

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A row id in a path: positive and within a 64-bit integer, else 422."""


class Page(BaseModel, Generic[T]):
    """A slice of a list plus what a client needs to fetch the next one."""

    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = 50
    offset: int = 0


def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1 to 200).")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


def paginate(session: Session, query: Select[Any], params: PageParams) -> tuple[list[Any], int]:
    """Run ``query`` for one page and count the whole result. Returns ``(rows, total)``.

    ``query`` must select one entity (``select(Model).where(...)``); ordering is the caller's.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(params.limit).offset(params.offset)))
    return rows, total
