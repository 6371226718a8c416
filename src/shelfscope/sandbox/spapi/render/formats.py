"""How values are written in report files: dates per report family, money per currency."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from shelfscope.marketplaces import amazon_marketplace

__all__ = [
    "amount",
    "iso",
    "ledger_country",
    "ledger_date",
    "settlement_date",
    "settlement_time",
    "site_name",
]


def iso(moment: datetime) -> str:
    """``2024-03-01T12:00:00+00:00``: FBA, returns and order reports."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def ledger_date(moment: datetime) -> str:
    """``03/01/2024``: the inventory ledger writes month first in every marketplace."""
    return moment.astimezone(UTC).strftime("%m/%d/%Y")


def settlement_time(moment: datetime) -> str:
    """``2024-03-01 07:12:45 UTC``: settlement dates and posting times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def settlement_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def amount(value: Decimal, currency: str) -> str:
    """Two decimals, or none for yen."""
    return f"{value:.0f}" if currency == "JPY" else f"{value:.2f}"


def site_name(code: str) -> str:
    """``Amazon.co.uk``: how settlement and order files name a marketplace."""
    domain = amazon_marketplace(code).domain
    return "Amazon." + domain.split(".", 1)[1]


def ledger_country(code: str) -> str:
    """The ledger's ``Country``: ISO codes, so the United Kingdom is ``GB``."""
    return "GB" if code == "UK" else code
