"""Download a finished report: archive the raw bytes first, then stream them into the ledger.

getReportDocument is called just before the download (its presigned URL lives five minutes).
The body is spooled to a temporary file while its sha256 is computed, so the download finishes
promptly whatever the ingest speed, and memory holds one chunk, not the report. The raw bytes,
exactly as Amazon sent them, go to the platform archive (namespace ``spapi-reports``) before
anything decodes them; the window keeps the archive key, so a document can be re-parsed when a
parser improves. The spooled copy is then decompressed, decoded, parsed and ingested in batches.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO

from shelfscope.archive import RawArchive
from shelfscope.seller.backfill.work import WindowWork
from shelfscope.seller.reports import ReportContext, parse_report_document
from shelfscope.seller.spapi import Report

__all__ = ["ARCHIVE_NAMESPACE", "archive_stream", "download_report"]

ARCHIVE_NAMESPACE = "spapi-reports"
_CHUNK = 1024 * 1024


def archive_stream(archive: RawArchive, body: IO[bytes], *, key: str) -> str:
    """Store the bytes of ``body`` (whose sha256 is ``key``) the way :meth:`RawArchive.put` does,
    without holding them in memory: gzip-compressed under ``<ab>/<cd>/<key>.gz``."""
    path = archive.path_of(key)
    if path.exists():
        os.utime(path)  # in use again: keep it past the retention
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".gz")
    try:
        with os.fdopen(fd, "wb") as handle, gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as packed:
            body.seek(0)
            shutil.copyfileobj(body, packed, _CHUNK)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return key


def download_report(work: WindowWork, report: Report) -> int:
    """Archive and ingest ``report``'s document; returns the rows read (0 without a document)."""
    if report.report_document_id is None:
        return 0
    document = work.client.get_report_document(report.report_document_id)
    work.save(document_id=document.report_document_id, generated_at=report.processing_end_time)
    archive = RawArchive.from_settings(work.runtime.platform.settings, ARCHIVE_NAMESPACE)
    context = ReportContext(
        report_type=report.report_type,
        marketplace_id=work.marketplace_id,
        data_start_time=report.data_start_time or work.window.window_start,
        data_end_time=report.data_end_time or work.window.window_end,
    )
    with tempfile.TemporaryFile(prefix="shelfscope-report-") as spool:
        digest = hashlib.sha256()
        with work.client.open_document(document) as (chunks, content_type):
            for chunk in chunks:
                digest.update(chunk)
                spool.write(chunk)
        work.archived(archive_stream(archive, spool, key=digest.hexdigest()))
        spool.seek(0)
        rows = parse_report_document(
            spool,
            context=context,
            compression_algorithm=document.compression_algorithm,
            content_type=content_type,
        )
        return work.ingest(rows).rows_seen
