"""Deterministic identities for ledger rows: the row hash and the occurrence index.

Most seller reports have no row id. A row's identity is therefore a digest of its *identity
columns* — chosen per report so that columns Amazon keeps updating (order status, reconciled
quantity, product title) are left out and a later download of the same row upserts in place.
The digest is taken over the NORMALISED row: canonical column names (so ``Event Type`` and
``EventType`` agree), sorted (so column order is irrelevant), with typed values written
canonically (``12.10`` and ``12.1`` agree; dates as UTC ISO strings). An absent column and an
empty cell are the same thing, so a layout that drops an always-empty column keeps its hashes.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from heapq import merge

from shelfscope.seller.ledger_rows import Value

__all__ = ["OccurrenceCounter", "canonical_text", "digest", "identity_hash", "natural_key"]

_DIGEST_BYTES = 16


def canonical_text(value: Value) -> str | None:
    """One spelling per value: the form hashed and joined into natural keys."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value.strip())
        return text or None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def digest(text: str) -> str:
    """A 32-hex-digit BLAKE2b digest: short enough for an index, wide enough never to collide."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_DIGEST_BYTES).hexdigest()


def identity_hash(source: str, identity: Mapping[str, Value]) -> str:
    """The row hash of ``identity`` (canonical column name → typed value) within ``source``."""
    canonical = {name: canonical_text(value) for name, value in identity.items()}
    present = {name: text for name, text in canonical.items() if text is not None}
    return digest(json.dumps([source, present], sort_keys=True, ensure_ascii=False, separators=(",", ":")))


def natural_key(values: tuple[Value, ...]) -> str | None:
    """A readable external id from key values (``2958761234|X00ABCDE12|SKU-RED-01``).

    ``None`` when every part is empty: such a row has no natural key and falls back to its hash.
    """
    parts = [canonical_text(value) or "" for value in values]
    if not any(parts):
        return None
    return "|".join(part.replace("|", "/") for part in parts)


class OccurrenceCounter:
    """Numbers identical keys within one document: 0 for the first, 1 for the second, ...

    A million-row report must not keep a million strings alive, so keys are remembered as
    64-bit integers taken from their BLAKE2b digest: deterministic, so two runs over the same
    document count identically even in the astronomically unlikely case of a collision. They
    are kept compactly, 8 bytes each: a small set of recent fingerprints, merged every
    :data:`MERGE_EVERY` into a sorted ``array('Q')`` searched by bisection. A Python set of a
    million ints would take about 60 MB; the array takes 8.
    """

    MERGE_EVERY = 65_536

    def __init__(self) -> None:
        self._sorted = array("Q")
        self._recent: set[int] = set()
        self._repeats: dict[int, int] = {}

    def next_index(self, key: str) -> int:
        fingerprint = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
        if not self._seen(fingerprint):
            self._recent.add(fingerprint)
            if len(self._recent) >= self.MERGE_EVERY:
                self._merge()
            return 0
        index = self._repeats.get(fingerprint, 0) + 1
        self._repeats[fingerprint] = index
        return index

    def _seen(self, fingerprint: int) -> bool:
        if fingerprint in self._recent:
            return True
        position = bisect_left(self._sorted, fingerprint)
        return position < len(self._sorted) and self._sorted[position] == fingerprint

    def _merge(self) -> None:
        # Streamed into the new array: no list of every fingerprint, even for a moment.
        self._sorted = array("Q", merge(self._sorted, sorted(self._recent)))
        self._recent = set()
