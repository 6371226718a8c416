"""The raw-page archive: content-addressed, compressed, atomic, and pruned by age."""

from __future__ import annotations

import gzip
import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shelfscope.archive import RawArchive
from shelfscope.errors import InvalidInput, NotFound
from shelfscope.settings import Settings

PAGE = b"<html><body>" + b"a result card " * 2000 + b"</body></html>"


def test_pages_are_stored_once_under_their_sha256_and_compressed(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    key = archive.put(PAGE)
    assert key == hashlib.sha256(PAGE).hexdigest()
    assert archive.put(PAGE) == key
    files = list(tmp_path.rglob("*.gz"))
    assert files == [tmp_path / key[:2] / key[2:4] / f"{key}.gz"]
    assert gzip.decompress(files[0].read_bytes()) == PAGE
    assert files[0].stat().st_size < len(PAGE) / 10
    assert archive.get(key) == PAGE
    assert archive.has(key)


def test_a_missing_page_is_not_found_and_keys_are_checked(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    with pytest.raises(NotFound, match="pruned"):
        archive.get("0" * 64)
    with pytest.raises(InvalidInput):
        archive.get("../../etc/passwd")


def _age(path: Path, days: float) -> None:
    stamp = (datetime.now(UTC) - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


def test_prune_deletes_pages_older_than_the_cutoff_and_storing_again_refreshes(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    old, kept, refreshed = (archive.put(PAGE + bytes([n])) for n in range(3))
    _age(archive.path_of(old), 100)
    _age(archive.path_of(refreshed), 100)
    archive.put(PAGE + bytes([2]))  # the same page fetched again today
    assert archive.prune(older_than=datetime.now(UTC) - timedelta(days=90)) == 1
    assert not archive.has(old)
    assert archive.has(kept)
    assert archive.has(refreshed)


def test_prune_if_due_runs_at_most_once_per_period(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    stale = archive.put(PAGE)
    _age(archive.path_of(stale), 100)
    now = datetime.now(UTC)
    assert archive.prune_if_due(now=now, retention=timedelta(days=90)) == 1
    again = archive.put(PAGE)
    _age(archive.path_of(again), 100)
    assert archive.prune_if_due(now=now + timedelta(hours=1), retention=timedelta(days=90)) is None
    assert archive.prune_if_due(now=now + timedelta(hours=7), retention=timedelta(days=90)) == 1


def test_each_feature_archives_under_its_own_namespace(settings: Settings) -> None:
    serp = RawArchive.from_settings(settings, "amazon-serp")
    reports = RawArchive.from_settings(settings, "spapi-reports")
    assert serp.root == settings.data_dir / "archive" / "amazon-serp"
    key = serp.put(PAGE)
    assert not reports.has(key)
    with pytest.raises(InvalidInput, match="namespace"):
        RawArchive.from_settings(settings, "../elsewhere")
