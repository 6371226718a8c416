"""Rule: the fee preview charges a SKU the fulfilment fee of a larger size tier than its own.

Evidence is the SKU's latest fee-preview snapshot. Its dimensions and weight imply a tier
(:mod:`.size_tiers`); a case opens when the tier the preview reports is larger than that, or,
where the report states no tier (Canada, Japan), when the fee is above what correctly tiered
peers of the same marketplace pay in the implied band. A mis-measured unit is the usual cause,
and Amazon refunds the difference after a re-measurement request.

The amount at stake is the overcharge per unit: the charged fee less the implied tier's fee
(Amazon's published US fee, or the peers' fee elsewhere); unknown when neither is available.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from shelfscope.seller.cases.facts import Evidence, Finding, LedgerFact, LedgerView, Selection
from shelfscope.seller.cases.policy import CaseKind
from shelfscope.seller.cases.rules import Rule
from shelfscope.seller.cases.rules.size_tiers import (
    Measured,
    implied_tier,
    tier_rank,
    us_standard_fee,
    uses_us_tiers,
)
from shelfscope.seller.ledger_rows import SourceKind

__all__ = ["RULE", "find"]

_FEE_COLUMNS = ("expected-fulfillment-fee-per-unit", "expected-domestic-fulfilment-fee-per-unit")
_TIER_COLUMNS = ("product-size-tier", "product-size-weight-band")


@dataclass(frozen=True, slots=True)
class _Sku:
    fact: LedgerFact
    unit: Measured
    implied: str
    reported: str
    charged: Decimal

    @property
    def mis_tiered(self) -> bool:
        market = self.fact.marketplace_id
        reported = tier_rank(self.reported, marketplace_id=market) if self.reported else None
        implied = tier_rank(self.implied, marketplace_id=market)
        return reported is not None and implied is not None and reported > implied


def _charged(fact: LedgerFact) -> Decimal | None:
    fee = fact.decimal(*_FEE_COLUMNS)
    if fee is not None:
        return fee
    pick_pack = fact.decimal("estimated-pick-pack-fee-per-unit")
    if pick_pack is None:
        return None
    return pick_pack + (fact.decimal("estimated-weight-handling-fee-per-unit") or Decimal(0))


def _read(fact: LedgerFact) -> _Sku | None:
    sides = [fact.decimal(name) for name in ("longest-side", "median-side", "shortest-side")]
    weight, charged = fact.decimal("item-package-weight"), _charged(fact)
    if weight is None or charged is None or any(side is None for side in sides):
        return None
    longest, median, shortest = (side or Decimal(0) for side in sides)
    unit = Measured(
        (longest, median, shortest), fact.text("unit-of-dimension"), weight, fact.text("unit-of-weight")
    )
    try:
        implied = implied_tier(unit, marketplace_id=fact.marketplace_id)
    except (KeyError, InvalidOperation):  # a unit of measure we do not know: no judgement
        return None
    return _Sku(fact, unit, implied, fact.text(*_TIER_COLUMNS), charged)


def _latest(ledger: LedgerView) -> list[_Sku]:
    newest: dict[tuple[str | None, str], LedgerFact] = {}
    for fact in ledger.source(SourceKind.FEE_PREVIEW):
        if fact.sku:
            newest[(fact.marketplace_id, fact.sku)] = fact  # oldest first, so the last one wins
    return [sku for fact in newest.values() if (sku := _read(fact)) is not None]


def _expected(sku: _Sku, skus: list[_Sku]) -> Decimal | None:
    if uses_us_tiers(sku.fact.marketplace_id):
        return us_standard_fee(sku.implied, sku.unit.pounds())
    peers = Counter(
        peer.charged
        for peer in skus
        if peer is not sku
        and peer.fact.marketplace_id == sku.fact.marketplace_id
        and peer.fact.currency == sku.fact.currency
        and peer.implied == sku.implied
        and not peer.mis_tiered
    )
    if not peers:
        return None
    top = max(peers.values())
    return min(fee for fee, count in peers.items() if count == top)


def find(ledger: LedgerView, now: datetime) -> Iterator[Finding]:
    skus = _latest(ledger)
    for sku in skus:
        fact = sku.fact
        expected = _expected(sku, skus)
        over = sku.charged - expected if expected is not None and sku.charged > expected else None
        if fact.event_time > now or not (sku.mis_tiered or (not sku.reported and over is not None)):
            continue
        tier = sku.reported or "a larger band"
        yield Finding(
            kind=CaseKind.FEE_OVERCHARGE,
            key=f"{fact.marketplace_id}:{fact.sku}",
            title=f"{fact.sku}: charged {sku.charged} {fact.currency} per unit as {tier}, "
            f"its dimensions make it {sku.implied}",
            occurred_at=fact.event_time,
            evidence=(Evidence(fact.id, "fee_preview"),),
            amount=over,
            currency=fact.currency if over is not None else None,
            marketplace_id=fact.marketplace_id,
            sku=fact.sku,
            fnsku=fact.fnsku,
            asin=fact.asin,
            details={
                "reported_tier": sku.reported,
                "tier_by_dimensions": sku.implied,
                "charged_fee": str(sku.charged),
                "expected_fee": "" if expected is None else str(expected),
                "per": "unit",
            },
        )


RULE = Rule(kind=CaseKind.FEE_OVERCHARGE, reads=(Selection(SourceKind.FEE_PREVIEW),), find=find)
