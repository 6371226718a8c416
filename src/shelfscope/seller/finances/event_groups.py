"""listFinancialEventGroups: the settlement periods (payouts) behind the Finances events.

Settlement reports reach back only ~90 days; older settlement history is rebuilt from event
groups (one per settlement period) and their events (listFinancialEventsByGroupId, two years
back). A closed group's ``original_total`` is the payout, the counterpart of a settlement file's
``total-amount``. Open groups have no end and no transfer date yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shelfscope.errors import ContractChanged
from shelfscope.seller.json_body import (
    JsonBody,
    load_json,
    optional_datetime,
    optional_text,
    require_mapping,
    required_text,
)
from shelfscope.seller.money import Money, money_from_json

__all__ = ["FinancialEventGroup", "FinancialEventGroupsPage", "parse_financial_event_groups"]


@dataclass(frozen=True, kw_only=True)
class FinancialEventGroup:
    group_id: str
    processing_status: str | None
    """``Open`` or ``Closed`` per the model; Amazon's sandbox answers ``PROCESSED``."""
    fund_transfer_status: str | None
    original_total: Money | None
    converted_total: Money | None
    beginning_balance: Money | None
    fund_transfer_date: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    trace_id: str | None
    account_tail: str | None

    @property
    def is_closed(self) -> bool:
        return (self.processing_status or "").lower() == "closed"


@dataclass(frozen=True)
class FinancialEventGroupsPage:
    groups: tuple[FinancialEventGroup, ...]
    next_token: str | None


def parse_financial_event_groups(body: JsonBody) -> FinancialEventGroupsPage:
    """The groups of a ``ListFinancialEventGroupsResponse`` body and its NextToken."""
    response = require_mapping(load_json(body), what="listFinancialEventGroups response")
    payload = require_mapping(response.get("payload"), what="listFinancialEventGroups payload")
    entries = payload.get("FinancialEventGroupList") or []
    if not isinstance(entries, list):
        raise ContractChanged("FinancialEventGroupList is not a list")
    groups = tuple(_group(require_mapping(entry, what="a financial event group")) for entry in entries)
    return FinancialEventGroupsPage(groups, optional_text(payload, "NextToken"))


def _group(entry: Mapping[str, Any]) -> FinancialEventGroup:
    what = "FinancialEventGroup"
    return FinancialEventGroup(
        group_id=required_text(entry, "FinancialEventGroupId", what=what),
        processing_status=optional_text(entry, "ProcessingStatus"),
        fund_transfer_status=optional_text(entry, "FundTransferStatus"),
        original_total=_money(entry, "OriginalTotal"),
        converted_total=_money(entry, "ConvertedTotal"),
        beginning_balance=_money(entry, "BeginningBalance"),
        fund_transfer_date=optional_datetime(entry, "FundTransferDate", what=what),
        started_at=optional_datetime(entry, "FinancialEventGroupStart", what=what),
        ended_at=optional_datetime(entry, "FinancialEventGroupEnd", what=what),
        trace_id=optional_text(entry, "TraceId"),
        account_tail=optional_text(entry, "AccountTail"),
    )


def _money(entry: Mapping[str, Any], key: str) -> Money | None:
    value = entry.get(key)
    if value is None:
        return None
    return money_from_json(require_mapping(value, what=key), where=f"FinancialEventGroup.{key}")
