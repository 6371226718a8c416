"""Storage: engine and sessions, declarative base, upserts and migrations."""

from __future__ import annotations

from shelfscope.db.base import Base, BigIntPK, JSONType, TimestampMixin, WorkspaceScoped
from shelfscope.db.engine import Database, create_db_engine
from shelfscope.db.types import UTCDateTime
from shelfscope.db.upsert import upsert

__all__ = [
    "Base",
    "BigIntPK",
    "Database",
    "JSONType",
    "TimestampMixin",
    "UTCDateTime",
    "WorkspaceScoped",
    "create_db_engine",
    "upsert",
]
