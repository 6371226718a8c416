"""Finances API bodies into ledger rows (v0 events, 2024-06-19 transactions) and typed groups."""

from __future__ import annotations

from shelfscope.seller.finances.event_groups import (
    FinancialEventGroup,
    FinancialEventGroupsPage,
    parse_financial_event_groups,
)
from shelfscope.seller.finances.event_specs import EVENT_LISTS, EventListSpec
from shelfscope.seller.finances.events_page import FinancialEventsPage, parse_financial_events
from shelfscope.seller.finances.flatten import FinanceContext
from shelfscope.seller.finances.transactions import (
    Balance,
    TransactionsPage,
    parse_balances,
    parse_summaries,
    parse_transactions,
)

__all__ = [
    "EVENT_LISTS",
    "Balance",
    "EventListSpec",
    "FinanceContext",
    "FinancialEventGroup",
    "FinancialEventGroupsPage",
    "FinancialEventsPage",
    "TransactionsPage",
    "parse_balances",
    "parse_financial_event_groups",
    "parse_financial_events",
    "parse_summaries",
    "parse_transactions",
]
