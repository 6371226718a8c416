"""Proxy bandwidth per provider per day, its estimated cost, and MB/day threshold alerts.

Metered proxies bill the bytes that cross them, both ways, so usage is ``bytes_in + bytes_out``
of the request log grouped by provider and UTC day (direct fetches have no provider and are not
billed). A :class:`UsageThreshold` names a provider's MB/day budget; :func:`check_thresholds`
raises one notification per (provider, day) when the day's usage crosses it, whatever the
number of checks that day, by stamping ``last_alerted_on``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shelfscope.alerts.notifications import notify
from shelfscope.events import EventBus
from shelfscope.fetch.models_db import ProxyConfig, RequestLogEntry, UsageThreshold

__all__ = [
    "ProviderDayUsage",
    "check_thresholds",
    "set_threshold",
    "thresholds_query",
    "usage_by_provider_day",
]

MB = 1_000_000


@dataclass(frozen=True, kw_only=True)
class ProviderDayUsage:
    provider: str
    day: date
    requests: int
    bytes: int
    estimated_cost: Decimal

    @property
    def megabytes(self) -> float:
        return self.bytes / MB


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _cost_per_gb(session: Session, workspace_id: int) -> dict[str, Decimal]:
    """The highest configured cost per GB of each provider (an estimate, never an underestimate)."""
    rows = session.execute(
        select(ProxyConfig.provider, func.max(ProxyConfig.cost_per_gb))
        .where(ProxyConfig.workspace_id == workspace_id)
        .group_by(ProxyConfig.provider)
    )
    return {provider: Decimal(cost or 0) for provider, cost in rows}


def usage_by_provider_day(
    session: Session, *, workspace_id: int, since: date, until: date
) -> list[ProviderDayUsage]:
    """Usage per (provider, day) for days ``since``..``until`` inclusive, newest day first."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC)
    day = func.date(RequestLogEntry.at)
    rows = session.execute(
        select(
            RequestLogEntry.provider,
            day,
            func.count(),
            func.sum(RequestLogEntry.bytes_in + RequestLogEntry.bytes_out),
        )
        .where(
            RequestLogEntry.workspace_id == workspace_id,
            RequestLogEntry.provider.is_not(None),
            RequestLogEntry.at >= start,
            RequestLogEntry.at < end,
        )
        .group_by(RequestLogEntry.provider, day)
    ).all()
    costs = _cost_per_gb(session, workspace_id)
    usage = [
        ProviderDayUsage(
            provider=str(provider),
            day=_day(on),
            requests=int(count),
            bytes=int(total or 0),
            estimated_cost=(
                Decimal(int(total or 0)) / Decimal(1000 * MB) * costs.get(str(provider), Decimal(0))
            ).quantize(Decimal("0.0001")),
        )
        for provider, on, count, total in rows
    ]
    return sorted(usage, key=lambda u: (u.day, u.provider), reverse=True)


def check_thresholds(session: Session, bus: EventBus, *, workspace_id: int, now: datetime) -> list[str]:
    """Notify for each provider over its MB/day budget today, once a day; returns those providers."""
    today = now.astimezone(UTC).date()
    by_provider = {
        u.provider: u
        for u in usage_by_provider_day(session, workspace_id=workspace_id, since=today, until=today)
    }
    alerted: list[str] = []
    thresholds = session.scalars(select(UsageThreshold).where(UsageThreshold.workspace_id == workspace_id))
    for threshold in thresholds:
        used = by_provider.get(threshold.provider)
        if used is None or used.megabytes < threshold.mb_per_day or threshold.last_alerted_on == today:
            continue
        notify(
            session,
            bus,
            workspace_id=workspace_id,
            title=f"Proxy bandwidth: {threshold.provider} used {used.megabytes:.1f} MB today",
            body=f"The daily threshold is {threshold.mb_per_day} MB (estimated cost {used.estimated_cost}).",
            level="warning",
            kind="fetch.bandwidth",
            now=now,
        )
        threshold.last_alerted_on = today
        alerted.append(threshold.provider)
    return alerted


def set_threshold(session: Session, *, workspace_id: int, provider: str, mb_per_day: int) -> UsageThreshold:
    """Create or change the MB/day threshold of ``provider`` (upsert on workspace and provider)."""
    threshold = session.scalar(
        select(UsageThreshold).where(
            UsageThreshold.workspace_id == workspace_id, UsageThreshold.provider == provider
        )
    )
    if threshold is None:
        threshold = UsageThreshold(workspace_id=workspace_id, provider=provider, mb_per_day=mb_per_day)
        session.add(threshold)
    else:
        threshold.mb_per_day = mb_per_day
    session.flush()
    return threshold


def thresholds_query(*, workspace_id: int) -> Select[Any]:
    """The workspace's thresholds by provider name."""
    query = select(UsageThreshold).where(UsageThreshold.workspace_id == workspace_id)
    return query.order_by(UsageThreshold.provider)
