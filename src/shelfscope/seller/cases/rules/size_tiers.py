"""Size tiers from a unit's dimensions, and the US fulfilment fees Amazon publishes per tier.

US marketplaces use Amazon's published US size tiers (inches and pounds); elsewhere the
European size bands (centimetres and kilograms) are used, which Amazon also applies, with its
own fees per band, in Canada and Japan as far as the case rules need: the rules compare a
SKU's tier or band with the one its dimensions imply, and only compare fees where they know
the fee of the implied tier (the US schedule below, or correctly tiered peers elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Measured", "implied_tier", "tier_rank", "us_standard_fee", "uses_us_tiers"]

US_MARKETPLACES = frozenset({"ATVPDKIKX0DER"})
SMALL_STANDARD = "Small standard-size"
LARGE_STANDARD = "Large standard-size"
_US_ORDER = (SMALL_STANDARD, LARGE_STANDARD, "Large bulky", "Extra-large")
# Older report spellings of the same tiers.
_US_ALIASES = {"small standard": 0, "large standard": 1, "small oversize": 2, "medium oversize": 2,
               "large bulky": 2, "large oversize": 3, "special oversize": 3, "extra-large": 3}  # fmt: skip
# (band, longest cm, median cm, shortest cm, grams), smallest first.
_BANDS = (
    ("Small envelope", 20, 15, 1, 80),
    ("Standard envelope", 33, 23, Decimal("2.5"), 460),
    ("Large envelope", 33, 23, 4, 960),
    ("Extra-large envelope", 33, 23, 6, 960),
    ("Small parcel", 35, 25, 12, 3900),
    ("Standard parcel", 45, 34, 26, 11900),
)
_BAND_ORDER = (*(band for band, *_ in _BANDS), "Small oversize", "Standard oversize", "Large oversize")
# Amazon's 2024 US FBA fulfilment fees (non-peak, non-apparel) up to 1 lb and 3 lb:
# (upper weight bound in pounds, fee in USD).
_US_FEES = {
    SMALL_STANDARD: (("0.25", "3.06"), ("0.5", "3.15"), ("0.75", "3.24"), ("1", "3.33")),
    LARGE_STANDARD: (("0.25", "3.68"), ("0.5", "3.90"), ("0.75", "4.15"), ("1", "4.55"),
                     ("1.5", "4.99"), ("2", "5.37"), ("2.5", "5.52"), ("3", "5.77")),
}  # fmt: skip
_TO_INCHES = {
    "inches": Decimal(1),
    "in": Decimal(1),
    "cm": 1 / Decimal("2.54"),
    "centimeters": 1 / Decimal("2.54"),
}
_TO_POUNDS = {"pounds": Decimal(1), "lb": Decimal(1), "kg": Decimal("2.20462"),
              "kilograms": Decimal("2.20462"), "ounces": 1 / Decimal(16), "oz": 1 / Decimal(16),
              "grams": Decimal("0.00220462")}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Measured:
    """Sides (any order) with their unit, and the weight with its unit, as the fee preview gives them."""

    sides: tuple[Decimal, Decimal, Decimal]
    dimension_unit: str
    weight: Decimal
    weight_unit: str

    def inches(self) -> tuple[Decimal, Decimal, Decimal]:
        factor = _TO_INCHES[self.dimension_unit.lower()]
        longest, median, shortest = sorted((side * factor for side in self.sides), reverse=True)
        return longest, median, shortest

    def pounds(self) -> Decimal:
        return self.weight * _TO_POUNDS[self.weight_unit.lower()]

    def centimetres(self) -> tuple[Decimal, Decimal, Decimal]:
        inches = self.inches()
        longest, median, shortest = (side * Decimal("2.54") for side in inches)
        return longest, median, shortest

    def grams(self) -> Decimal:
        return self.pounds() / Decimal("0.00220462")


def uses_us_tiers(marketplace_id: str | None) -> bool:
    return marketplace_id in US_MARKETPLACES


def _us_tier(unit: Measured) -> str:
    longest, median, shortest = unit.inches()
    weight = unit.pounds()
    if longest <= 15 and median <= 12 and shortest <= Decimal("0.75") and weight <= 1:
        return SMALL_STANDARD
    if longest <= 18 and median <= 14 and shortest <= 8 and weight <= 20:
        return LARGE_STANDARD
    if longest <= 59 and median <= 33 and shortest <= 33 and weight <= 50:
        return "Large bulky"
    return "Extra-large"


def _band(unit: Measured) -> str:
    # A hair of tolerance: sides printed in one unit and converted back are not exact.
    longest, median, shortest = (side - Decimal("0.01") for side in unit.centimetres())
    grams = unit.grams() - Decimal("0.5")
    for band, max_longest, max_median, max_shortest, max_grams in _BANDS:
        if (
            longest <= max_longest
            and median <= max_median
            and shortest <= max_shortest
            and grams <= max_grams
        ):
            return band
    return "Small oversize"


def implied_tier(unit: Measured, *, marketplace_id: str | None) -> str:
    """The tier (US) or band (elsewhere) the unit's own dimensions put it in."""
    return _us_tier(unit) if uses_us_tiers(marketplace_id) else _band(unit)


def tier_rank(tier: str, *, marketplace_id: str | None) -> int | None:
    """Position of ``tier`` from small to large, or None for a name we do not know."""
    name = tier.strip().lower()
    if uses_us_tiers(marketplace_id):
        for spelling, rank in _US_ALIASES.items():
            if name.startswith(spelling):
                return rank
        return None
    names = [band.lower() for band in _BAND_ORDER]
    return names.index(name) if name in names else None


def us_standard_fee(tier: str, weight_lb: Decimal) -> Decimal | None:
    """Amazon's published US fee of a standard-size unit, or None outside the table."""
    for bound, fee in _US_FEES.get(tier, ()):
        if weight_lb <= Decimal(bound):
            return Decimal(fee)
    return None
