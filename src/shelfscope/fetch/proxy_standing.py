"""How each configured proxy is doing, read back from the request log, for the dashboard.

The live :class:`ProxyHealth` counters sit in the memory of whichever worker runs the fetches,
so the web process rebuilds them from what every worker wrote down:

* counts over a window (default 24 hours): requests, success rate, blocks, mean latency of
  succeeded requests, bytes both ways and the estimated cost at the proxy's ``cost_per_gb``;
* the *state* (healthy, cooling down, on probation) by replaying the proxy's most recent rows
  through the pool's own :class:`ProxyHealth` rules with the settings' cooldown policy, so the
  page shows what the pool would decide.

One row of the log is one fetch, attributed to the proxy of its last attempt; an earlier
attempt that failed over to another proxy is not in the log, so consecutive failures read here
are a lower bound of the pool's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shelfscope.fetch.models_db import ProxyConfig, RequestLogEntry
from shelfscope.fetch.proxy_pool import CONNECTION_ERRORS, HealthPolicy, ProxyHealth
from shelfscope.settings import FetchSettings

__all__ = ["ProxyStanding", "proxy_standings"]

GIGABYTE = Decimal(1_000_000_000)
#: Rows replayed per proxy to find its state: enough for the longest run of failures that matters.
REPLAY_ROWS = 200


@dataclass(frozen=True, kw_only=True)
class ProxyStanding:
    proxy_id: int
    requests: int
    succeeded: int
    blocks: int
    mean_latency_ms: float | None
    bytes: int
    estimated_cost: Decimal
    consecutive_failures: int
    cooldown_until: datetime | None
    state: str
    """``idle`` (no traffic), ``healthy``, ``cooldown`` (dead until ``cooldown_until``) or ``probation``."""

    @property
    def success_rate(self) -> float | None:
        return self.succeeded / self.requests if self.requests else None

    @property
    def megabytes(self) -> float:
        return self.bytes / 1_000_000


def _replay(session: Session, *, workspace_id: int, proxy_id: int, policy: HealthPolicy) -> ProxyHealth:
    log = RequestLogEntry
    rows = session.execute(
        select(log.at, log.error, log.block_kind, log.latency_ms)
        .where(log.workspace_id == workspace_id, log.proxy_id == str(proxy_id))
        .order_by(log.at.desc(), log.id.desc())
        .limit(REPLAY_ROWS)
    ).all()
    health = ProxyHealth()
    for at, error, block_kind, latency_ms in reversed(rows):
        if error in CONNECTION_ERRORS:
            health.record_connection_failure(now=at, policy=policy)
        elif block_kind is not None:
            health.record_block(latency=latency_ms / 1000, policy=policy)
        elif error is None:
            health.record_success(latency=latency_ms / 1000, policy=policy)
    return health


def _state(health: ProxyHealth, *, requests: int, now: datetime) -> str:
    if not health.available(now):
        return "cooldown"
    if health.deaths > 0:
        return "probation"
    return "healthy" if requests or health.attempts else "idle"


def proxy_standings(
    session: Session,
    settings: FetchSettings,
    *,
    workspace_id: int,
    now: datetime,
    window: timedelta = timedelta(hours=24),
) -> dict[int, ProxyStanding]:
    """Each proxy of the workspace (by id) with its counts over ``window`` and its current state."""
    log = RequestLogEntry
    ok = log.outcome == "succeeded"
    totals = {
        str(proxy_id): row
        for proxy_id, *row in session.execute(
            select(
                log.proxy_id,
                func.count(),
                func.coalesce(func.sum(case((ok, 1), else_=0)), 0),
                func.coalesce(func.sum(case((log.blocked, 1), else_=0)), 0),
                func.avg(case((ok, log.latency_ms), else_=None)),
                func.coalesce(func.sum(log.bytes_in + log.bytes_out), 0),
            )
            .where(log.workspace_id == workspace_id, log.at >= now - window, log.at <= now)
            .group_by(log.proxy_id)
        )
    }
    policy = HealthPolicy(
        dead_after=settings.proxy_dead_after,
        cooldown_base=settings.proxy_cooldown_seconds,
        cooldown_max=settings.proxy_cooldown_max_seconds,
    )
    standings: dict[int, ProxyStanding] = {}
    proxies = session.scalars(select(ProxyConfig).where(ProxyConfig.workspace_id == workspace_id))
    for proxy in proxies:
        requests, succeeded, blocks, mean_ms, total_bytes = totals.get(str(proxy.id), (0, 0, 0, None, 0))
        health = _replay(session, workspace_id=workspace_id, proxy_id=proxy.id, policy=policy)
        standings[proxy.id] = ProxyStanding(
            proxy_id=proxy.id,
            requests=int(requests),
            succeeded=int(succeeded),
            blocks=int(blocks),
            mean_latency_ms=round(float(mean_ms), 1) if mean_ms is not None else None,
            bytes=int(total_bytes),
            estimated_cost=(Decimal(int(total_bytes)) / GIGABYTE * proxy.cost_per_gb).quantize(
                Decimal("0.01")
            ),
            consecutive_failures=health.consecutive_failures,
            cooldown_until=health.cooldown_until if not health.available(now) else None,
            state=_state(health, requests=int(requests), now=now),
        )
    return standings
