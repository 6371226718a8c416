"""The overview's rank cards: what is tracked, which keywords moved most, and recent rank alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shelfscope.alerts.history import events_query
from shelfscope.auth.principal import Principal
from shelfscope.platform import Platform
from shelfscope.ranks.dashboard.overview import top_movers, tracked_counts
from shelfscope.ranks.pages import savings_of
from shelfscope.web import Stat, register_home_card

__all__ = ["ALERT_SOURCE", "human_bytes", "load_alerts", "load_movers", "load_tracked", "register_cards"]

ALERT_SOURCE = "ranks"
"""The ``source`` of the alert events that rank alert rules raise."""
_RECENT_ALERTS = 5


def human_bytes(count: int) -> str:
    """``1.4 MB``: decimal units, as proxy providers bill them."""
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns at GB


def load_tracked(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    counts = tracked_counts(session, workspace_id=principal.workspace_id)
    pages, saved = savings_of(session, workspace_id=principal.workspace_id)
    stats = [
        Stat(label="Active jobs", value=counts.active_jobs, url="/ranks?status=active", tone="running"),
        Stat(label="Paused jobs", value=counts.paused_jobs, url="/ranks?status=paused", tone="cancelled"),
        Stat(label="Keywords", value=counts.keywords, url="/ranks"),
        Stat(label="Marketplaces", value=counts.marketplaces),
    ]
    note = f"{counts.asins} ASINs tracked. Shared search pages saved {human_bytes(saved)} ({pages} pages)."
    return {"stats": stats, "note": note}


def load_movers(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    return {"movers": top_movers(session, workspace_id=principal.workspace_id)}


def load_alerts(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    """The workspace's latest rank alerts (each links to the chart of its keyword)."""
    query = events_query(workspace_id=principal.workspace_id, source=ALERT_SOURCE)
    return {"alerts": list(session.scalars(query.limit(_RECENT_ALERTS)))}


def register_cards() -> None:
    register_home_card(
        key="ranks-tracked", title="Keyword ranks", load=load_tracked, order=10, url="/ranks", icon="trend"
    )
    register_home_card(
        key="ranks-movers",
        title="Top movers",
        load=load_movers,
        template="ranks/card_movers.html",
        order=11,
        url="/ranks",
        icon="trend",
    )
    register_home_card(
        key="ranks-alerts",
        title="Recent rank alerts",
        load=load_alerts,
        template="ranks/card_alerts.html",
        order=12,
        url="/ranks",
        icon="bell",
    )
