"""One page of listFinancialEvents (or …ByGroupId / …ByOrderId) into ledger rows and a NextToken.

Pages of one window are fetched back to back with the same arguments (NextTokens expire within
minutes). Pass the same :class:`~shelfscope.seller.row_identity.OccurrenceCounter` to every page
of a window so that identical events on different pages are numbered across the whole window,
as one report document would be. A resumed window starts again from page one with a new
counter, which reproduces the same keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shelfscope.errors import ContractChanged
from shelfscope.seller.finances.event_specs import EVENT_LISTS, spec_for_list
from shelfscope.seller.finances.flatten import FinanceContext, flatten_event
from shelfscope.seller.json_body import JsonBody, load_json, require_mapping
from shelfscope.seller.ledger_rows import LedgerRow
from shelfscope.seller.row_identity import OccurrenceCounter

__all__ = ["FinancialEventsPage", "parse_financial_events"]


@dataclass(frozen=True)
class FinancialEventsPage:
    """The rows of one page, the token for the next (``None`` on the last), events per list.

    ``unknown_lists`` names event lists the model did not have when this was written: they
    were flattened with default rules, and the caller should log them so a spec gets added.
    """

    rows: tuple[LedgerRow, ...]
    next_token: str | None
    event_counts: Mapping[str, int]
    unknown_lists: tuple[str, ...]


def parse_financial_events(
    body: JsonBody, *, context: FinanceContext, occurrences: OccurrenceCounter | None = None
) -> FinancialEventsPage:
    """Flatten every event list of a ``ListFinancialEventsResponse`` body."""
    response = require_mapping(load_json(body), what="listFinancialEvents response")
    payload = require_mapping(response.get("payload"), what="listFinancialEvents payload")
    events = require_mapping(payload.get("FinancialEvents", {}), what="FinancialEvents")
    counter = occurrences if occurrences is not None else OccurrenceCounter()
    rows: list[LedgerRow] = []
    counts: dict[str, int] = {}
    for list_name, entries in events.items():
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise ContractChanged(f"FinancialEvents.{list_name} is not a list")
        spec = spec_for_list(list_name)
        counts[list_name] = len(entries)
        for event in entries:
            event_object = require_mapping(event, what=f"an event of {list_name}")
            rows.extend(flatten_event(event_object, spec=spec, context=context, occurrences=counter))
    token = payload.get("NextToken")
    return FinancialEventsPage(
        rows=tuple(rows),
        next_token=token if isinstance(token, str) and token else None,
        event_counts=counts,
        unknown_lists=tuple(name for name in counts if name not in EVENT_LISTS),
    )
