"""The judgement of rank alert rules: pure functions from two observations (and a history) to a
finding. No database, no clock: the evaluator feeds them, tests call them directly.

Ranks are organic ranks: 1 is best, so a *lower* number is an improvement. Only healthy
observations (found or not found) ever reach these functions; a failed check says nothing about
the rank and is filtered out before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ANOMALY_MIN_POINTS",
    "ANOMALY_SIGMAS",
    "Band",
    "Finding",
    "Point",
    "RuleParams",
    "anomaly_band",
    "judge",
    "moved_enough",
]

ANOMALY_SIGMAS = 3.0
ANOMALY_MIN_POINTS = 5
"""Fewer points than this in the window: no band (a mean of two checks is not a baseline)."""
SIGMA_FLOOR = 0.5
"""A steady history has a standard deviation of 0: the floor keeps a one-position wiggle normal."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """What one healthy check saw of the ASIN."""

    found: bool
    organic_rank: int | None
    organic_page: int | None
    sponsored_rank: int | None

    @property
    def on_page_one(self) -> bool:
        return self.organic_page == 1

    @property
    def in_top_ten(self) -> bool:
        return self.organic_rank is not None and self.organic_rank <= 10

    @property
    def sponsored(self) -> bool:
        return self.sponsored_rank is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleParams:
    kind: str
    positions: int | None = None
    percent: int | None = None
    direction: str = "any"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """Why a rule fires: ``what`` completes "<ASIN> for <keyword> …"."""

    kind: str
    what: str
    level: str = "warning"
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Band:
    mean: float
    sigma: float

    @property
    def low(self) -> float:
        return self.mean - ANOMALY_SIGMAS * self.sigma

    @property
    def high(self) -> float:
        return self.mean + ANOMALY_SIGMAS * self.sigma

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def moved_enough(previous: int, current: int, params: RuleParams) -> bool:
    """Did the rank move by ≥ positions or ≥ percent of ``previous``, in the rule's direction?"""
    delta = previous - current  # positive: improved
    if (
        delta == 0
        or (params.direction == "improved" and delta < 0)
        or (params.direction == "worsened" and delta > 0)
    ):
        return False
    by_positions = params.positions is not None and abs(delta) >= params.positions
    by_percent = params.percent is not None and abs(delta) * 100 >= params.percent * previous
    return by_positions or by_percent


def anomaly_band(history: Sequence[int]) -> Band | None:
    """Mean and (sample) standard deviation of the window, or None with too few points."""
    if len(history) < ANOMALY_MIN_POINTS:
        return None
    mean = sum(history) / len(history)
    variance = sum((value - mean) ** 2 for value in history) / (len(history) - 1)
    return Band(mean=mean, sigma=max(math.sqrt(variance), SIGMA_FLOOR))


def _rank(point: Point) -> str:
    return f"#{point.organic_rank}" if point.organic_rank is not None else "not ranked organically"


def _moved(previous: Point, current: Point, params: RuleParams) -> Finding | None:
    if previous.organic_rank is None or current.organic_rank is None:
        return None
    if not moved_enough(previous.organic_rank, current.organic_rank, params):
        return None
    delta = previous.organic_rank - current.organic_rank
    verb = "improved" if delta > 0 else "dropped"
    return Finding(
        kind="rank_moved",
        what=f"{verb} from #{previous.organic_rank} to #{current.organic_rank} ({abs(delta)} positions)",
        level="success" if delta > 0 else "warning",
        details={"previous_rank": previous.organic_rank, "rank": current.organic_rank, "delta": delta},
    )


def _crossed(kind: str, label: str, was: bool, now: bool, current: Point) -> Finding | None:
    if was == now:
        return None
    verb = "entered" if now else "left"
    return Finding(
        kind=kind,
        what=f"{verb} {label} (now {_rank(current)})",
        level="success" if now else "warning",
        details={"entered": now, "rank": current.organic_rank, "page": current.organic_page},
    )


def _sponsored(previous: Point, current: Point) -> Finding | None:
    if previous.sponsored == current.sponsored:
        return None
    if current.sponsored:
        what, level = f"regained a sponsored placement (#{current.sponsored_rank})", "success"
    else:
        what, level = f"lost its sponsored placement (was #{previous.sponsored_rank})", "warning"
    details = {"regained": current.sponsored, "sponsored_rank": current.sponsored_rank,
               "previous_sponsored_rank": previous.sponsored_rank}  # fmt: skip
    return Finding(kind="sponsored", what=what, level=level, details=details)


def _anomaly(current: Point, history: Sequence[int]) -> Finding | None:
    band = anomaly_band(history)
    if band is None or current.organic_rank is None or band.contains(current.organic_rank):
        return None
    return Finding(
        kind="anomaly",
        what=(
            f"is at #{current.organic_rank}, outside its 7-day range "
            f"({max(band.low, 1):.1f} to {band.high:.1f}, average {band.mean:.1f})"
        ),
        details={
            "rank": current.organic_rank,
            "mean": round(band.mean, 2),
            "sigma": round(band.sigma, 2),
            "points": len(history),
        },
    )


def _not_found(previous: Point | None, current: Point) -> Finding | None:
    if current.found or (previous is not None and not previous.found):
        return None
    details = {"previous_rank": previous.organic_rank if previous else None}
    what = "was not found in the pages searched (de-indexed?)"
    return Finding(kind="not_found", what=what, level="error", details=details)


_Compare = Callable[[Point, Point, RuleParams], "Finding | None"]
_COMPARISONS: dict[str, _Compare] = {
    "rank_moved": _moved,
    "page_one": lambda p, c, _: _crossed("page_one", "page 1", p.on_page_one, c.on_page_one, c),
    "top_ten": lambda p, c, _: _crossed("top_ten", "the top 10", p.in_top_ten, c.in_top_ten, c),
    "sponsored": lambda p, c, _: _sponsored(p, c),
}


def judge(
    params: RuleParams, previous: Point | None, current: Point, history: Sequence[int] = ()
) -> Finding | None:
    """The finding of one rule for one keyword, or None. ``previous`` is the last healthy check."""
    if params.kind == "not_found":
        return _not_found(previous, current)
    if params.kind == "anomaly":
        return _anomaly(current, history)
    compare = _COMPARISONS.get(params.kind)
    if compare is None:
        raise ValueError(f"unknown rule kind {params.kind!r}")
    return None if previous is None else compare(previous, current, params)
