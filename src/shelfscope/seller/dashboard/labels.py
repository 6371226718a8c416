"""How the seller pages name and colour things: data kinds, statuses, regions, marketplaces, money.

The dashboard's stylesheet knows the run tones (queued, running, succeeded, failed, partial,
cancelled); connection, window and case statuses are mapped onto them here, once, so every
seller page shows the same status in the same colour.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shelfscope.seller.marketplaces import by_id

__all__ = [
    "CONNECTION_TONES",
    "KIND_LABELS",
    "REGION_LABELS",
    "WINDOW_TONES",
    "connection_label",
    "format_money",
    "kind_label",
    "marketplace_label",
    "status_label",
    "tone_of",
]

KIND_LABELS: dict[str, str] = {
    "inventory_ledger": "Inventory ledger",
    "inventory_summary": "Inventory summary",
    "reimbursements": "Reimbursements",
    "customer_returns": "Customer returns",
    "orders": "All orders",
    "fee_preview": "Fee preview",
    "settlement": "Settlements",
    "financial_events": "Financial events",
    "financial_transactions": "Financial transactions",
}

REGION_LABELS: dict[str, str] = {
    "NA": "North America (US, CA, MX, BR)",
    "EU": "Europe, Middle East and India",
    "FE": "Far East (JP, AU, SG)",
}

CONNECTION_TONES: dict[str, str] = {
    "active": "succeeded",
    "paused": "queued",
    "reauth_needed": "failed",
    "disconnected": "cancelled",
}

WINDOW_TONES: dict[str, str] = {
    "planned": "queued",
    "requested": "running",
    "processing": "running",
    "done": "succeeded",
    "fatal_retry": "partial",
    "cancelled": "cancelled",
    "failed": "failed",
}

_STATUS_LABELS: dict[str, str] = {
    "reauth_needed": "Re-authorization needed",
    "fatal_retry": "Retry pending",
    "syncing": "Syncing",
    "synced": "Synced",
    "waiting": "Waiting",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def status_label(status: str) -> str:
    return _STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def tone_of(status: str) -> str:
    """The badge colour of any seller status (connection, window, sync or case)."""
    return CONNECTION_TONES.get(status) or WINDOW_TONES.get(status) or _SYNC_TONES.get(status, "queued")


_SYNC_TONES: dict[str, str] = {
    "syncing": "running",
    "synced": "succeeded",
    "waiting": "queued",
    "open": "running",
    "filed": "partial",
    "paid": "succeeded",
    "dismissed": "cancelled",
}


def marketplace_label(marketplace_id: str | None) -> str:
    """``US (amazon.com)`` for a known SP-API id; the id itself otherwise."""
    if not marketplace_id:
        return "\u2013"
    market = by_id(marketplace_id)
    return f"{market.code} ({market.domain})" if market else marketplace_id


def connection_label(region: str, selling_partner_id: str) -> str:
    return f"Amazon {region} · {selling_partner_id}"


_CENT = Decimal("0.01")


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """``1,234.50 USD``; amounts are stored exactly and only rounded for display."""
    if amount is None:
        return "\u2013"
    shown = f"{amount.quantize(_CENT, rounding=ROUND_HALF_UP):,}"
    return f"{shown} {currency}" if currency else shown
