"""What the sandbox knows is true: rows per kind over a window, and the planted cases.

A client that downloads every report of a window and pages through every Finances event in it
must end up with exactly these numbers. Kinds are named like the seller parsers' source kinds.
Counts use the very selections the documents are rendered from (:mod:`~.history.queries`):

- ``inventory_ledger``, ``reimbursements``, ``customer_returns``: report rows of the region in
  ``[start, end]``. The ledger reaches back 18 months from when a report is generated; rows a
  report showed stay in a client's ledger after they age out of Amazon's, so the reach is
  measured from ``ledger_reach_from`` (when the oldest window's report was generated), which
  defaults to ``as_of`` (and may lie after it when a later process's sandbox clock restarted
  earlier in the day);
- ``orders``: All Orders rows by purchase date, every marketplace of the region;
- ``fee_preview``: the current snapshot, one row per listed SKU (the window does not apply);
- ``settlement``: every settlement period that ended at or after ``start`` and whose report was
  generated before ``end`` (so closed in the window): its summary line plus one line per sum.
  Recent periods are read from their reports, older ones (no longer listed by getReports) from
  their Finances event group and its events: the same rows either way;
- ``financial_events``: money lines posted in ``[start, end)`` and visible at ``as_of``; the
  window ends at most two minutes before ``as_of``, as listFinancialEvents allows.

A planted case counts once it is due (30 days after an unreimbursed loss, 45 after a refund
without return, at a reversal) and its evidence lies in the window (for a loss: within the
ledger's reach, as a report must show its row); fee cases always count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from shelfscope.sandbox.context import SandboxContext
from shelfscope.sandbox.spapi.history import queries
from shelfscope.sandbox.spapi.history.model import CaseKind, PlantedCase, SettlementPeriod
from shelfscope.sandbox.spapi.history.seller import SellerHistory
from shelfscope.sandbox.spapi.world import SpapiWorld, spapi_world

__all__ = ["DEFAULT_SPAN", "GroundTruth", "KindTruth", "ground_truth"]

DEFAULT_SPAN = timedelta(days=548)
"""18 months: the default window, and how far back the inventory ledger reaches."""
_FINANCES_LAG = timedelta(minutes=2)


@dataclass(frozen=True)
class KindTruth:
    rows: int
    quantity: int | None = None
    amounts: dict[str, Decimal] = field(default_factory=dict)
    by_marketplace: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "quantity": self.quantity,
            "amounts": {currency: str(total) for currency, total in sorted(self.amounts.items())},
            "by_marketplace": dict(sorted(self.by_marketplace.items())),
        }


@dataclass(frozen=True, kw_only=True)
class GroundTruth:
    region: str
    selling_partner_id: str
    start: datetime
    end: datetime
    as_of: datetime
    rows: dict[str, KindTruth]
    cases: tuple[PlantedCase, ...]

    def summary(self) -> dict[str, Any]:
        """``{"rows": {kind: n}, "cases": n}``: what ``seller backfill --json`` prints."""
        return {"rows": {kind: truth.rows for kind, truth in self.rows.items()}, "cases": len(self.cases)}

    def as_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "selling_partner_id": self.selling_partner_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "summary": self.summary(),
            "rows": {kind: truth.as_json() for kind, truth in self.rows.items()},
            "cases": [_case_json(case) for case in self.cases],
        }


def _case_json(case: PlantedCase) -> dict[str, Any]:
    return {
        "kind": case.kind.value,
        "label": case.kind.label,
        "marketplace_id": case.marketplace_id,
        "sku": case.sku,
        "fnsku": case.fnsku,
        "occurred_at": case.occurred_at.isoformat(),
        "due_at": case.due_at.isoformat(),
        "amount": str(case.amount),
        "currency": case.currency,
        "ids": dict(case.ids),
    }


def _sums(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, value in pairs:
        totals[currency] += value
    return dict(totals)


def _settled(
    history: SellerHistory, *, start: datetime, end: datetime, as_of: datetime
) -> list[SettlementPeriod]:
    created_before = min(end, as_of)
    return [
        period
        for period in history.settlements.between(start, created_before)
        if period.end >= start and period.report_created_at < created_before
    ]


def _kinds(
    history: SellerHistory,
    *,
    start: datetime,
    end: datetime,
    as_of: datetime,
    ledger_reach_from: datetime,
) -> dict[str, KindTruth]:
    # What the reports showed when generated: 18 months back from the oldest one's generation.
    reach = max(start, ledger_reach_from - queries.LEDGER_HISTORY)
    ledger = history.ledger.between(reach, min(end, as_of), inclusive_end=True)
    paid = queries.reimbursements(history, start=start, end=end, as_of=as_of)
    returned = queries.returns(history, start=start, end=end, as_of=as_of)
    orders = queries.orders_by_purchase(
        history, start=start, end=end, as_of=as_of, marketplace_ids=history.marketplace_ids
    )
    shipped = [item for item in orders if item.status_at(as_of)[0] == "Shipped"]
    fees = queries.fee_preview_products(history, marketplace_ids=history.marketplace_ids)
    settled = _settled(history, start=start, end=end, as_of=as_of)
    lines = queries.money_lines(
        history, posted_after=start, posted_before=min(end, as_of - _FINANCES_LAG), as_of=as_of
    )
    return {
        "inventory_ledger": KindTruth(
            len(ledger),
            sum(event.quantity for event in ledger),
            by_marketplace=dict(Counter(event.product.marketplace_id for event in ledger)),
        ),
        "reimbursements": KindTruth(
            len(paid),
            sum(row.quantity_total for row in paid),
            _sums((row.product.currency, row.amount_total) for row in paid),
        ),
        "customer_returns": KindTruth(len(returned), sum(row.quantity for row in returned)),
        "orders": KindTruth(
            len(orders),
            sum(item.quantity for item in orders if item.status_at(as_of)[0] != "Cancelled"),
            _sums((item.product.currency, item.principal) for item in shipped),
            dict(Counter(item.product.marketplace_id for item in orders)),
        ),
        "fee_preview": KindTruth(
            len(fees), by_marketplace=dict(Counter(product.marketplace_id for product in fees))
        ),
        "settlement": KindTruth(
            sum(len(period.lines) + 1 for period in settled),
            amounts=_sums((period.currency, period.total) for period in settled),
            by_marketplace=dict(Counter(period.marketplace_id for period in settled)),
        ),
        "financial_events": KindTruth(
            len(lines),
            amounts=_sums((line.currency, line.amount) for line in lines),
            by_marketplace=dict(Counter(line.marketplace_id for line in lines)),
        ),
    }


def _cases(
    history: SellerHistory, *, start: datetime, end: datetime, as_of: datetime, ledger_reach_from: datetime
) -> tuple[PlantedCase, ...]:
    # A loss is evidenced by its inventory-ledger row, which no report shows past the ledger's reach.
    reach = max(start, ledger_reach_from - queries.LEDGER_HISTORY)
    return tuple(
        case
        for case in history.cases
        if case.kind is CaseKind.FEE_OUT_OF_LINE
        or (
            case.due_at <= as_of
            and start <= case.occurred_at <= end
            and (case.kind is not CaseKind.LOST_OR_DAMAGED_NOT_REIMBURSED or case.occurred_at >= reach)
        )
    )


def ground_truth(
    source: SpapiWorld | SandboxContext,
    *,
    region: str,
    start: datetime | None = None,
    end: datetime | None = None,
    as_of: datetime | None = None,
    ledger_reach_from: datetime | None = None,
) -> GroundTruth:
    """The truth of ``region`` for ``[start, end]`` as known at ``as_of`` (default: sandbox now).

    Defaults: ``end`` = ``as_of``, ``start`` = 18 months before ``end``, ``ledger_reach_from`` =
    ``as_of`` (see the module docstring).
    """
    world = source if isinstance(source, SpapiWorld) else spapi_world(source)
    history = world.history(region)
    moment = as_of or world.now()
    last = min(end or moment, moment)
    first = start or last - DEFAULT_SPAN
    return GroundTruth(
        region=region,
        selling_partner_id=world.seller.selling_partner_id,
        start=first,
        end=last,
        as_of=moment,
        rows=_kinds(
            history,
            start=first,
            end=last,
            as_of=moment,
            ledger_reach_from=ledger_reach_from or moment,
        ),
        cases=_cases(
            history, start=first, end=last, as_of=moment, ledger_reach_from=ledger_reach_from or moment
        ),
    )
