"""The seller card of the overview page: connections, rows synced and reimbursement cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfscope.auth.principal import Principal
from shelfscope.platform import Platform
from shelfscope.seller.cases import CaseStatus, case_totals
from shelfscope.seller.connections import list_connections
from shelfscope.seller.dashboard.labels import format_money
from shelfscope.seller.dashboard.stakes import stakes_by_status
from shelfscope.seller.models import ConnectionStatus, LedgerEntry
from shelfscope.web.cards import Stat

__all__ = ["seller_card"]


def _open_cases(session: Session, *, workspace_id: int) -> list[Stat]:
    """Open cases, and the amount at stake per currency (amounts in two currencies never add up)."""
    stake = stakes_by_status(case_totals(session, workspace_id=workspace_id))[CaseStatus.OPEN.value]
    url = "/seller/cases?status=open"
    stats = [Stat(label="Open cases", value=stake.cases, url=url, tone="running" if stake.cases else "")]
    stats.extend(
        Stat(label=f"At stake ({currency})", value=format_money(amount, currency), url=url)
        for currency, amount in stake.amounts.items()
    )
    return stats


def seller_card(session: Session, principal: Principal, platform: Platform) -> dict[str, Any]:
    connections = list_connections(session, workspace_id=principal.workspace_id)
    live = [c for c in connections if c.status != ConnectionStatus.DISCONNECTED.value]
    reauth = sum(c.status == ConnectionStatus.REAUTH_NEEDED.value for c in connections)
    rows = session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.workspace_id == principal.workspace_id)
    )
    stats = [
        Stat(
            label="Connections",
            value=len(live),
            url="/seller/connections",
            tone="failed" if reauth else ("succeeded" if live else ""),
        ),
        Stat(label="Rows synced", value=f"{int(rows or 0):,}", url="/seller/ledger"),
        *_open_cases(session, workspace_id=principal.workspace_id),
    ]
    note = f"{reauth} connection(s) need re-authorization" if reauth else None
    if not connections:
        note = "Connect a Seller Central account to sync its ledger."
    return {"stats": stats, "note": note}
