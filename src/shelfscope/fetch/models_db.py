"""Tables of the fetch engine: configured proxies, the request log and bandwidth thresholds.

* :class:`ProxyConfig`: one proxy or provider gateway of a workspace. ``password`` holds vault
  ciphertext (registered with the vault, so ``secrets rotate`` re-encrypts it) and is never
  returned by the API.
* :class:`RequestLogEntry`: one row per :meth:`FetchEngine.fetch` (the engine's
  ``RequestFinished`` event), written in batches by :mod:`shelfscope.fetch.requestlog`, kept for
  ``fetch_log.retention_days``. Bandwidth per provider per day is a query over it.
* :class:`UsageThreshold`: a user's MB/day limit for one provider; ``last_alerted_on`` makes the
  alert fire at most once per day.
* :class:`MaintenanceTimer`: when the system ``fetch.maintenance`` run is next due. It is a
  platform-wide row, not a workspace schedule, so retention and threshold checks happen without
  anyone creating a schedule (:mod:`shelfscope.fetch.maintenance`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfscope.auth.vault import register_encrypted_column
from shelfscope.clock import utcnow
from shelfscope.db import Base, BigIntPK, TimestampMixin

__all__ = ["MaintenanceTimer", "ProxyConfig", "RequestLogEntry", "UsageThreshold"]

_WORKSPACE_FK = "workspaces.id"


class ProxyConfig(TimestampMixin, Base):
    __tablename__ = "fetch_proxies"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    provider: Mapped[str] = mapped_column(String(20))
    scheme: Mapped[str] = mapped_column(String(10), default="http")
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(255))
    password: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))
    sticky: Mapped[bool] = mapped_column(default=False)
    session_minutes: Mapped[int] = mapped_column(Integer, default=10)
    max_concurrency: Mapped[int] = mapped_column(Integer, default=4)
    enabled: Mapped[bool] = mapped_column(default=True)
    cost_per_gb: Mapped[Decimal] = mapped_column(default=Decimal(0))
    last_test_ok: Mapped[bool | None] = mapped_column(default=None)
    last_test_latency_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    last_test_country: Mapped[str | None] = mapped_column(String(2), default=None)
    last_tested_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def has_password(self) -> bool:
        return self.password is not None


register_encrypted_column(ProxyConfig, "password")


class RequestLogEntry(Base):
    __tablename__ = "fetch_request_log"
    __table_args__ = (
        Index("ix_fetch_request_log_workspace_at", "workspace_id", "at"),
        Index("ix_fetch_request_log_run", "run_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    run_id: Mapped[str | None] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(8))
    host: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1000))
    status: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    bytes_in: Mapped[int] = mapped_column(BigInteger)
    bytes_out: Mapped[int] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer)
    proxy_id: Mapped[str | None] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(20))
    session_id: Mapped[str | None] = mapped_column(String(64))
    blocked: Mapped[bool] = mapped_column(default=False)
    block_kind: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(64))


class UsageThreshold(Base):
    __tablename__ = "fetch_usage_thresholds"
    __table_args__ = (UniqueConstraint("workspace_id", "provider"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey(_WORKSPACE_FK, ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    mb_per_day: Mapped[int] = mapped_column(Integer)
    last_alerted_on: Mapped[date | None] = mapped_column(Date, default=None)


class MaintenanceTimer(Base):
    __tablename__ = "fetch_maintenance_timers"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime]
    last_run_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
