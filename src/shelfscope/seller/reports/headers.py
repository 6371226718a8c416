"""Header lines matched to a spec's columns, whatever their spelling.

The same column is written ``EventType`` in Amazon's attribute pages, ``Event Type`` in real
downloads and Airbyte's schema, ``"Event Type"`` in Seller Central CSV exports, and may carry a
byte order mark or full-width characters in Japanese files. Amazon also adds columns without
notice ("Amazon periodically adds new fields … to reports"). So: normalise every name, map the
known ones, keep the unknown ones, and refuse only when a required column is gone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from shelfscope.errors import ContractChanged

__all__ = ["HeaderLayout", "normalise_header", "read_layout"]

_SEPARATORS = re.compile(r"[\s\-_.]+")


@lru_cache(maxsize=4096)  # every data line is checked against the header: keep that cheap
def normalise_header(name: str) -> str:
    """``"Event Type"``, ``event-type``, ``EVENT_TYPE`` and ``\\ufeffEventType`` → ``eventtype``."""
    text = unicodedata.normalize("NFKC", name).replace("\ufeff", "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return _SEPARATORS.sub("", text).casefold()


@dataclass(frozen=True)
class HeaderLayout:
    """A document's columns: canonical name (or ``None`` when unknown) by position."""

    report_type: str
    original: tuple[str, ...]
    canonical: tuple[str | None, ...]
    missing_optional: tuple[str, ...]

    @property
    def unknown(self) -> tuple[str, ...]:
        """Columns this spec does not know: kept in the raw row, never an error."""
        return tuple(name for name, known in zip(self.original, self.canonical, strict=True) if known is None)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(name for name in self.canonical if name is not None)

    def is_header_repeat(self, cells: Sequence[str]) -> bool:
        """A data line that is the header again (concatenated downloads, Airbyte's fixtures)."""
        return len(cells) == len(self.original) and all(
            normalise_header(cell) == normalise_header(name)
            for cell, name in zip(cells, self.original, strict=True)
        )


def read_layout(
    cells: Sequence[str], *, report_type: str, required: Sequence[str], known: Sequence[str]
) -> HeaderLayout:
    """Match header ``cells`` to ``known`` columns; ``ContractChanged`` names missing required ones."""
    by_normal = {normalise_header(name): name for name in known}
    original = tuple(_display_name(cell) for cell in cells)
    canonical: list[str | None] = []
    seen: set[str] = set()
    for cell in cells:
        name = by_normal.get(normalise_header(cell))
        if name is not None and name in seen:
            raise ContractChanged(f"{report_type}: column {name!r} appears twice in the header")
        if name is not None:
            seen.add(name)
        canonical.append(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise ContractChanged(
            f"{report_type}: required column(s) missing from the report header: {', '.join(missing)}"
        )
    missing_optional = tuple(name for name in known if name not in seen)
    return HeaderLayout(report_type, original, tuple(canonical), missing_optional)


def _display_name(cell: str) -> str:
    text = cell.replace("\ufeff", "").strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return text
