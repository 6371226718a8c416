"""The sandbox seller's history in one selling region, built once per (seed, region, anchor).

The history runs from about 20 months before the sandbox clock's start (the anchor) to half a
year after it, so an 18-month backfill finds data from its first window and a fast clock keeps
producing new orders and settlements for a daily sync. Everything is drawn from one generator
seeded by (seed, region) and is therefore identical for the same seed and anchor.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TypeVar

from shelfscope.sandbox.spapi.history.aftersales import generate_aftersales
from shelfscope.sandbox.spapi.history.catalog import REGION_MARKETPLACES, build_catalog
from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.incidents import generate_incidents
from shelfscope.sandbox.spapi.history.inventory import generate_inventory
from shelfscope.sandbox.spapi.history.model import (
    CaseKind,
    CustomerReturn,
    LedgerEvent,
    MoneyLine,
    OrderItem,
    PlantedCase,
    Product,
    Reimbursement,
    SettlementPeriod,
)
from shelfscope.sandbox.spapi.history.money import (
    order_money,
    refund_money,
    reimbursement_money,
    service_fee_money,
)
from shelfscope.sandbox.spapi.history.orders import generate_orders
from shelfscope.sandbox.spapi.history.parts import HistoryParts
from shelfscope.sandbox.spapi.history.settlements import generate_settlements

__all__ = ["HISTORY_DAYS_AFTER", "HISTORY_DAYS_BEFORE", "SellerHistory", "build_history"]

HISTORY_DAYS_BEFORE = 600
HISTORY_DAYS_AFTER = 180

T = TypeVar("T")


class _Timeline(Sequence[T]):
    """Records sorted by a time, with the slice of a half-open or closed window by bisection."""

    def __init__(self, records: list[T], key: Callable[[T], datetime]) -> None:
        self._records = sorted(records, key=key)
        self._times = [key(record) for record in self._records]

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> T:  # type: ignore[override]
        return self._records[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._records)

    def between(self, start: datetime, end: datetime, *, inclusive_end: bool = False) -> list[T]:
        """Records whose time is in ``[start, end)`` (``[start, end]`` if ``inclusive_end``)."""
        cut = bisect.bisect_right if inclusive_end else bisect.bisect_left
        return self._records[bisect.bisect_left(self._times, start) : cut(self._times, end)]


@dataclass(frozen=True, kw_only=True)
class SellerHistory:
    """Everything that happened in the seller's account in one region, sorted by time."""

    region: str
    start: datetime
    anchor: datetime
    end: datetime
    catalog: dict[str, tuple[Product, ...]]
    orders: _Timeline[OrderItem] = field(repr=False)
    ledger: _Timeline[LedgerEvent] = field(repr=False)
    returns: _Timeline[CustomerReturn] = field(repr=False)
    reimbursements: _Timeline[Reimbursement] = field(repr=False)
    money: _Timeline[MoneyLine] = field(repr=False)
    settlements: _Timeline[SettlementPeriod] = field(repr=False)
    cases: tuple[PlantedCase, ...] = field(repr=False)

    @property
    def marketplace_ids(self) -> tuple[str, ...]:
        return tuple(products[0].marketplace_id for products in self.catalog.values())

    def products(self) -> list[Product]:
        return [product for products in self.catalog.values() for product in products]


def _marketplace(
    draw: Draw, products: tuple[Product, ...], parts: HistoryParts, *, start: datetime, end: datetime
) -> None:
    code = products[0].marketplace
    items = generate_orders(draw, products, code=code, start=start, end=end)
    parts.orders.extend(items)
    first_refund = len(parts.refunds)
    generate_aftersales(draw, items, parts)
    generate_inventory(draw, products, items, parts, start=start, end=end)
    generate_incidents(draw, products, parts, start=start, end=end)
    parts.money.extend(line for item in items if item.shipped_at for line in order_money(draw, item))
    parts.money.extend(line for refund in parts.refunds[first_refund:] for line in refund_money(draw, refund))
    parts.money.extend(service_fee_money(draw, products, start=start, end=end))


def _fee_cases(catalog: dict[str, tuple[Product, ...]], *, since: datetime) -> list[PlantedCase]:
    """SKUs charged the fee of a larger tier than their dimensions: a case as long as listed."""
    return [
        PlantedCase(
            kind=CaseKind.FEE_OUT_OF_LINE,
            marketplace_id=product.marketplace_id,
            sku=product.sku,
            fnsku=product.fnsku,
            occurred_at=since,
            due_at=since,
            amount=product.fulfillment_fee - product.expected_fee,
            currency=product.currency,
            ids=(
                ("asin", product.asin),
                ("reported_tier", product.reported_tier),
                ("tier_by_dimensions", product.size_tier),
            ),
        )
        for products in catalog.values()
        for product in products
        if product.reported_tier != product.size_tier
    ]


def build_history(*, seed: int, region: str, anchor: datetime) -> SellerHistory:
    """The history of ``region`` around ``anchor`` (floored to midnight UTC) for ``seed``.

    Histories are immutable and cost about half a second each, so they are shared by every
    sandbox of this process with the same seed and anchor day (tests start many sandboxes).
    """
    day = anchor.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return _history(seed, region, day)


@lru_cache(maxsize=12)
def _history(seed: int, region: str, day: datetime) -> SellerHistory:
    start, end = day - timedelta(days=HISTORY_DAYS_BEFORE), day + timedelta(days=HISTORY_DAYS_AFTER)
    draw = Draw(random.Random(f"{seed}:spapi:history:{region}"))  # noqa: S311 - simulation
    catalog = build_catalog(draw.rng, region)
    parts = HistoryParts()
    for products in catalog.values():
        _marketplace(draw, products, parts, start=start, end=end)
    parts.money.extend(line for paid in parts.reimbursements for line in reimbursement_money(draw, paid))
    parts.cases.extend(_fee_cases(catalog, since=start))
    settlements = [
        period
        for index, code in enumerate(REGION_MARKETPLACES[region])
        for period in generate_settlements(
            draw, parts.money, code=code, offset_days=2 * index, start=start, end=end
        )
    ]
    return SellerHistory(
        region=region,
        start=start,
        anchor=day,
        end=end,
        catalog=catalog,
        orders=_Timeline(parts.orders, lambda item: item.purchased_at),
        ledger=_Timeline(parts.ledger, lambda event: event.at),
        returns=_Timeline(parts.returns, lambda returned: returned.returned_at),
        reimbursements=_Timeline(parts.reimbursements, lambda paid: paid.approved_at),
        money=_Timeline(parts.money, lambda line: line.posted_at),
        settlements=_Timeline(settlements, lambda period: period.report_created_at),
        cases=tuple(sorted(parts.cases, key=lambda case: (case.due_at, case.kind))),
    )
