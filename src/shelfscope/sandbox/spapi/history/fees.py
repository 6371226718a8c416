"""FBA size tiers and per-unit fulfilment fees, as the sandbox's seller is charged them.

The US tiers follow Amazon's published size-tier thresholds (longest/median/shortest side in
inches, unit weight in pounds); the fees approximate the 2024 US non-peak schedule. Europe and
Japan use size-and-weight bands in centimetres and kilograms with one fee per band and currency.
These are the sandbox's own tables: a case finder judges "fee out of line" by comparing a SKU's
fee with what its dimensions imply, or with peers in the same tier, never by these exact values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Dimensions", "band_fee", "size_band", "us_fee", "us_size_tier"]

SMALL_STANDARD = "Small standard-size"
LARGE_STANDARD = "Large standard-size"
LARGE_BULKY = "Large bulky"
EXTRA_LARGE = "Extra-large"


@dataclass(frozen=True, slots=True)
class Dimensions:
    """Sides sorted longest first, and the unit weight."""

    longest: Decimal
    median: Decimal
    shortest: Decimal
    weight: Decimal


def us_size_tier(dims: Dimensions) -> str:
    """The US size tier of a unit measured in inches and pounds."""
    if dims.longest <= 15 and dims.median <= 12 and dims.shortest <= Decimal("0.75") and dims.weight <= 1:
        return SMALL_STANDARD
    if dims.longest <= 18 and dims.median <= 14 and dims.shortest <= 8 and dims.weight <= 20:
        return LARGE_STANDARD
    if dims.longest <= 59 and dims.median <= 33 and dims.shortest <= 33 and dims.weight <= 50:
        return LARGE_BULKY
    return EXTRA_LARGE


# (upper weight bound in pounds, fee) per tier; the last step grows per half pound or pound.
_US_STEPS = {
    SMALL_STANDARD: ((Decimal("0.25"), "3.06"), (Decimal("0.5"), "3.15"), (Decimal("0.75"), "3.24")),
    LARGE_STANDARD: (
        (Decimal("0.25"), "3.68"),
        (Decimal("0.5"), "3.90"),
        (Decimal("0.75"), "4.15"),
        (Decimal(1), "4.55"),
        (Decimal("1.5"), "4.99"),
        (Decimal(2), "5.37"),
        (Decimal("2.5"), "5.52"),
        (Decimal(3), "5.77"),
    ),
}
_US_TOP = {SMALL_STANDARD: "3.33", LARGE_STANDARD: "5.77", LARGE_BULKY: "9.61", EXTRA_LARGE: "26.33"}


def us_fee(tier: str, weight_lb: Decimal) -> Decimal:
    """Per-unit fulfilment fee (USD) for a unit of ``tier`` weighing ``weight_lb``."""
    for bound, fee in _US_STEPS.get(tier, ()):
        if weight_lb <= bound:
            return Decimal(fee)
    top = Decimal(_US_TOP[tier])
    if tier == LARGE_STANDARD:
        half_pounds = int(((weight_lb - 3) * 2).to_integral_value(rounding="ROUND_CEILING"))
        return top + Decimal("0.16") * half_pounds
    if tier in (LARGE_BULKY, EXTRA_LARGE):
        pounds = max(0, int((weight_lb - 1).to_integral_value(rounding="ROUND_CEILING")))
        return top + Decimal("0.38") * pounds
    return top


# (band, longest cm, median cm, shortest cm, grams) in ascending order.
_BANDS = (
    ("Small envelope", 20, 15, 1, 80),
    ("Standard envelope", 33, 23, Decimal("2.5"), 460),
    ("Large envelope", 33, 23, 4, 960),
    ("Extra-large envelope", 33, 23, 6, 960),
    ("Small parcel", 35, 25, 12, 3900),
    ("Standard parcel", 45, 34, 26, 11900),
)
SMALL_OVERSIZE = "Small oversize"

# Fee per band, in the order of _BANDS plus small oversize.
_BAND_FEES = {
    "GBP": ("1.83", "2.04", "2.36", "2.64", "2.75", "3.00", "6.39"),
    "EUR": ("2.70", "2.93", "3.34", "3.70", "3.93", "4.48", "7.50"),
    "CAD": ("3.95", "4.35", "4.80", "5.25", "5.65", "6.40", "11.50"),
    "JPY": ("288", "318", "360", "434", "514", "603", "1230"),
}


def size_band(dims: Dimensions) -> str:
    """The European/Japanese size band of a unit measured in centimetres and kilograms."""
    for band, longest, median, shortest, grams in _BANDS:
        if (
            dims.longest <= longest
            and dims.median <= median
            and dims.shortest <= shortest
            and dims.weight * 1000 <= grams
        ):
            return band
    return SMALL_OVERSIZE


def band_fee(band: str, currency: str) -> Decimal:
    """Per-unit fulfilment fee of ``band`` in ``currency``."""
    names = [name for name, *_ in _BANDS] + [SMALL_OVERSIZE]
    return Decimal(_BAND_FEES[currency][names.index(band)])
