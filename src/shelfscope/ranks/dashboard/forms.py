"""Form input of the rank pages: choices for selects, and text fields read into service arguments.

Browsers post strings. Numbers that are not numbers and lists typed with commas or new lines
are turned into what the services take here, with the same error messages as the API, so a
bad value comes back to the form as a message and never as a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shelfscope.errors import InvalidInput
from shelfscope.marketplaces import AMAZON_MARKETPLACES
from shelfscope.ranks.models import (
    DEFAULT_DELAY_MAX_SECONDS,
    DEFAULT_DELAY_MIN_SECONDS,
    DEFAULT_DEPTH,
    MAX_DEPTH,
    Frequency,
    TrackingJob,
)

__all__ = [
    "FREQUENCY_LABELS",
    "JobFormValues",
    "depth_options",
    "frequency_options",
    "marketplace_options",
    "split_asins",
    "whole_number",
]

FREQUENCY_LABELS: dict[str, str] = {
    Frequency.HOURLY.value: "Every hour",
    Frequency.SIX_HOURS.value: "Every 6 hours",
    Frequency.DAILY.value: "Every day",
    Frequency.WEEKLY.value: "Every week",
}
_SEPARATORS = re.compile(r"[\s,;]+")


def frequency_options() -> list[tuple[str, str]]:
    return [(frequency.value, FREQUENCY_LABELS[frequency.value]) for frequency in Frequency]


def marketplace_options() -> list[tuple[str, str]]:
    """Every Amazon storefront, US, DE and UK first (where most sellers start)."""
    first = ("US", "DE", "UK")
    ordered = sorted(
        AMAZON_MARKETPLACES,
        key=lambda m: (m.code not in first, first.index(m.code) if m.code in first else 0, m.code),
    )
    return [(m.code, f"{m.code} · {m.domain}") for m in ordered]


def depth_options() -> list[tuple[str, str]]:
    return [(str(n), f"{n} page{'s' if n > 1 else ''}") for n in range(1, MAX_DEPTH + 1)]


def whole_number(value: str, *, field: str, label: str) -> int:
    """``value`` as an int, or InvalidInput naming the form field."""
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} must be a whole number, not {value.strip()!r}", field=field) from None


def split_asins(text: str) -> list[str]:
    """ASINs typed one per line or separated by commas or spaces (validated by the service)."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


@dataclass(frozen=True, slots=True)
class JobFormValues:
    """What the job form shows: a job's values, or the defaults, or what the user typed."""

    name: str = ""
    asin: str = ""
    marketplace: str = "US"
    frequency: str = Frequency.DAILY.value
    depth: str = str(DEFAULT_DEPTH)
    delay_min_seconds: str = str(DEFAULT_DELAY_MIN_SECONDS)
    delay_max_seconds: str = str(DEFAULT_DELAY_MAX_SECONDS)
    competitor_asins: str = ""
    keywords: str = ""

    @classmethod
    def of(cls, job: TrackingJob) -> JobFormValues:
        return cls(
            name=job.name,
            asin=job.asin,
            marketplace=job.marketplace,
            frequency=job.frequency,
            depth=str(job.depth),
            delay_min_seconds=str(job.delay_min_seconds),
            delay_max_seconds=str(job.delay_max_seconds),
            competitor_asins="\n".join(str(asin) for asin in job.competitor_asins),
        )
