"""Settlement periods: every 14 days each marketplace closes a period and Amazon pays out.

A period's report lists every money line posted in ``[start, end)``; Amazon generates the
report a few hours after the period closes and deposits the total about two days later. The
same period is a financial event group in the Finances API. Marketplaces are staggered by two
days, as real accounts are, so the region never settles everything at once.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta

from shelfscope.sandbox.spapi.history.draw import Draw
from shelfscope.sandbox.spapi.history.model import MoneyLine, SettlementPeriod

__all__ = ["SETTLEMENT_DAYS", "generate_settlements"]

SETTLEMENT_DAYS = 14
_GROUP_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _group_id(draw: Draw) -> str:
    # Event group ids are opaque 40-odd character strings, unrelated to the settlement id.
    return "".join(draw.rng.choice(_GROUP_ID_ALPHABET) for _ in range(43))


def generate_settlements(
    draw: Draw, lines: list[MoneyLine], *, code: str, offset_days: int, start: datetime, end: datetime
) -> list[SettlementPeriod]:
    """The periods of marketplace ``code`` from ``start`` (+ offset) to ``end``, with their lines."""
    own = sorted(
        (line for line in lines if line.marketplace == code),
        key=lambda line: (line.posted_at, line.event_key),
    )
    posted = [line.posted_at for line in own]
    if not own:
        return []
    periods = []
    period_start = start + timedelta(days=offset_days)
    while period_start < end:
        period_end = period_start + timedelta(days=SETTLEMENT_DAYS)
        chosen = own[bisect.bisect_left(posted, period_start) : bisect.bisect_left(posted, period_end)]
        created = draw.after(period_end, min_hours=2, max_hours=8)
        periods.append(
            SettlementPeriod(
                marketplace=code,
                marketplace_id=own[0].marketplace_id,
                currency=own[0].currency,
                settlement_id=draw.unique_digits(11),
                group_id=_group_id(draw),
                trace_id=draw.code("", 12),
                start=period_start,
                end=period_end,
                deposit_at=draw.after(period_end, min_hours=40, max_hours=60),
                report_created_at=created,
                lines=tuple(chosen),
            )
        )
        period_start = period_end
    return periods
