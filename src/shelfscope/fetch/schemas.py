"""Request and response bodies of the fetch API (proxies, health, request log, usage).

A proxy's password is accepted on the way in and never returned: :class:`ProxyOut` only says
whether one is stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from shelfscope.fetch.proxy_pool import Provider

__all__ = [
    "ConnectionTestOut",
    "HealthScoreOut",
    "ProxyCreate",
    "ProxyOut",
    "ProxyUpdate",
    "RequestLogOut",
    "ThresholdOut",
    "ThresholdSet",
    "UsageOut",
]

_Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)
_Rows = ConfigDict(from_attributes=True)
_COUNTRY = r"^[A-Za-z]{2}$"


class ProxyCreate(BaseModel):
    model_config = _Strict

    name: str = Field(min_length=1, max_length=80)
    provider: Provider = Provider.CUSTOM
    host: str | None = Field(None, max_length=255, description="Default: the provider's gateway.")
    port: int | None = Field(None, ge=1, le=65535)
    scheme: str = Field("http", pattern=r"^(http|https|socks5h?)$")
    username: str | None = Field(None, max_length=255)
    password: str | None = Field(None, max_length=500)
    country: str | None = Field(None, pattern=_COUNTRY)
    sticky: bool = False
    session_minutes: int = Field(10, ge=1, le=1440)
    max_concurrency: int = Field(4, ge=1, le=1000)
    enabled: bool = True
    cost_per_gb: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=4)


class ProxyUpdate(BaseModel):
    model_config = _Strict

    name: str | None = Field(None, min_length=1, max_length=80)
    host: str | None = Field(None, max_length=255)
    port: int | None = Field(None, ge=1, le=65535)
    scheme: str | None = Field(None, pattern=r"^(http|https|socks5h?)$")
    username: str | None = Field(None, max_length=255)
    password: str | None = Field(None, max_length=500, description="Empty string: remove the password.")
    country: str | None = Field(None, pattern=_COUNTRY)
    sticky: bool | None = None
    session_minutes: int | None = Field(None, ge=1, le=1440)
    max_concurrency: int | None = Field(None, ge=1, le=1000)
    enabled: bool | None = None
    cost_per_gb: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=4)


class ProxyOut(BaseModel):
    model_config = _Rows

    id: int
    name: str
    provider: str
    scheme: str
    host: str
    port: int
    username: str | None
    has_password: bool
    country: str | None
    sticky: bool
    session_minutes: int
    max_concurrency: int
    enabled: bool
    cost_per_gb: Decimal
    last_test_ok: bool | None
    last_test_latency_ms: int | None
    last_test_country: str | None
    last_tested_at: datetime | None


class ConnectionTestOut(BaseModel):
    ok: bool
    latency_ms: int | None
    exit_ip: str | None
    country: str | None
    error: str | None


class HealthScoreOut(BaseModel):
    score: float
    factors: dict[str, float]
    contributions: dict[str, float]
    weights: dict[str, float]
    requests: int
    succeeded: int
    blocked: int
    mean_latency_ms: float | None
    runs: int
    runs_with_success: int


class RequestLogOut(BaseModel):
    model_config = _Rows

    id: int
    at: datetime
    run_id: str | None
    site: str
    method: str
    host: str
    path: str
    status: int | None
    latency_ms: int
    bytes_in: int
    bytes_out: int
    attempts: int
    proxy_id: str | None
    provider: str | None
    session_id: str | None
    blocked: bool
    block_kind: str | None
    outcome: str
    error: str | None


class UsageOut(BaseModel):
    provider: str
    day: date
    requests: int
    bytes: int
    megabytes: float
    estimated_cost: Decimal


class ThresholdSet(BaseModel):
    model_config = _Strict

    mb_per_day: int = Field(ge=1, le=10_000_000)


class ThresholdOut(BaseModel):
    model_config = _Rows

    provider: str
    mb_per_day: int
    last_alerted_on: date | None
