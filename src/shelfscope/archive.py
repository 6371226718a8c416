"""The raw archive: fetched pages, report documents and payloads, gzip-compressed and content-addressed.

Raw bytes are kept so that a stored result can be re-derived when a parser improves
(``shelfscope ranks reparse``) and so that a "layout changed" failure can be looked at. Each
feature archives under its own namespace (``<archive dir>/<namespace>``), and a payload is
stored under the sha256 of its raw bytes, ``<namespace>/ab/cd/<sha256>.gz``: storing the same
bytes twice costs nothing, and a key in a row says exactly which bytes were read. Files older
than the retention (``archive.retention_days``) are pruned by their modification time; storing
a payload again refreshes it.

Writes go to a temporary file that is renamed into place, so a reader never sees half a page
and two workers storing the same page at once both succeed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from shelfscope.errors import InvalidInput, NotFound
from shelfscope.settings import Settings

__all__ = ["PRUNE_EVERY", "RawArchive"]

_KEY = re.compile(r"^[0-9a-f]{64}$")
_NAMESPACE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_SUFFIX = ".gz"
_PRUNE_MARKER = ".last-prune"
PRUNE_EVERY = timedelta(hours=6)


class RawArchive:
    """Content-addressed storage of raw payloads under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_settings(cls, settings: Settings, namespace: str) -> RawArchive:
        """The archive of one feature's payloads, e.g. ``amazon-serp`` or ``spapi-reports``."""
        if not _NAMESPACE.match(namespace):
            raise InvalidInput(f"{namespace!r} is not an archive namespace", field="namespace")
        return cls((settings.archive.dir or settings.data_dir / "archive") / namespace)

    @staticmethod
    def key_of(body: bytes) -> str:
        return hashlib.sha256(body).hexdigest()

    def path_of(self, key: str) -> Path:
        if not _KEY.match(key):
            raise InvalidInput(f"{key!r} is not an archive key (a sha256 in hex)", field="key")
        return self.root / key[:2] / key[2:4] / f"{key}{_SUFFIX}"

    def put(self, body: bytes) -> str:
        """Store ``body`` (once) and return its key."""
        key = self.key_of(body)
        path = self.path_of(key)
        if path.exists():
            os.utime(path)  # stored again: it is in use, keep it past the retention
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=_SUFFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(gzip.compress(body, compresslevel=6, mtime=0))
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str) -> bytes:
        """The raw bytes stored under ``key``; :class:`NotFound` once pruned (or never stored)."""
        path = self.path_of(key)
        try:
            return gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise NotFound(f"archived payload {key} is not in the archive (pruned?)") from None

    def has(self, key: str) -> bool:
        return self.path_of(key).exists()

    def _files(self) -> Iterator[Path]:
        if self.root.is_dir():
            yield from self.root.glob(f"??/??/*{_SUFFIX}")

    def prune(self, *, older_than: datetime) -> int:
        """Delete payloads last stored before ``older_than``; returns how many were deleted."""
        cutoff = older_than.timestamp()
        removed = 0
        for path in self._files():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # another process pruned it first
        return removed

    def prune_if_due(
        self, *, now: datetime, retention: timedelta, every: timedelta = PRUNE_EVERY
    ) -> int | None:
        """Prune payloads older than ``retention`` unless some process did so within ``every``.

        A marker file's modification time records the last prune, so every worker sharing the
        archive directory takes part without a schedule of its own. None when not due.
        """
        marker = self.root / _PRUNE_MARKER
        try:
            last = marker.stat().st_mtime
        except FileNotFoundError:
            last = None
        if last is not None and now.timestamp() - last < every.total_seconds():
            return None
        self.root.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os.utime(marker, (now.timestamp(), now.timestamp()))
        return self.prune(older_than=now - retention)
