"""Ledger ingest: rows per second for a million-row inventory-ledger report, with peak memory.

A realistic GET_LEDGER_DETAIL_VIEW_DATA document (the spaced NA header, ``Date and Time``,
a catalogue of SKUs across US/CA/MX, every event type) is generated once, gzip-compressed as
Amazon serves it, into a temporary file. It is then ingested end to end exactly as a backfill
window does it: the compressed file is streamed through decompression, charset detection,
TSV parsing with header normalisation and row identity (hash + occurrence index), and bulk
insert-or-ignore in committed batches of 1,000 (``RETURNING`` the inserted ids). Nothing loads
the whole report: RSS is sampled at every tenth of the rows and must stay flat.

Each backend gets its own store: a SQLite file in a temporary directory, and a schema of its
own in PostgreSQL (``127.0.0.1:5432``, database ``test``), dropped afterwards.

    python bench/seller_ingest.py                 # 1,000,000 rows, SQLite and PostgreSQL
    python bench/seller_ingest.py --rows 100000   # quicker
    python bench/seller_ingest.py --backends sqlite --tracemalloc   # Python-heap peak too (slower)
    python bench/seller_ingest.py --reingest      # and a second pass: every row a duplicate
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from shelfscope.auth.users import create_user
from shelfscope.auth.workspaces import create_workspace
from shelfscope.db import Database
from shelfscope.db.engine import create_db_engine
from shelfscope.db.registry import load_all_models
from shelfscope.seller.ledger import IngestResult, batched, ingest_rows, ledger_count
from shelfscope.seller.models import SellerConnection
from shelfscope.seller.reports import ReportContext, parse_report_document

POSTGRES_URL = os.environ.get(
    "SHELFSCOPE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REPORT_TYPE = "GET_LEDGER_DETAIL_VIEW_DATA"
HEADER = (
    "Date\tFNSKU\tASIN\tMSKU\tTitle\tEvent Type\tReference ID\tQuantity\tFulfillment Center"
    "\tDisposition\tReason\tCountry\tReconciled Quantity\tUnreconciled Quantity\tDate and Time\n"
)
EVENTS = (
    ("Shipments", "SELLABLE", "", -1),
    ("Shipments", "SELLABLE", "", -2),
    ("Receipts", "SELLABLE", "", 24),
    ("CustomerReturns", "SELLABLE", "", 1),
    ("CustomerReturns", "CUSTOMER_DAMAGED", "", 1),
    ("Adjustments", "SELLABLE", "M", -1),
    ("Adjustments", "DEFECTIVE", "E", -1),
    ("Adjustments", "SELLABLE", "F", 1),
    ("WhseTransfers", "SELLABLE", "", -6),
    ("VendorReturns", "UNSELLABLE", "", -3),
)
CENTRES = ("PHX7", "ONT8", "BFI4", "YYZ4", "MEX1", "SDF8", "TPA1", "LGB8")
COUNTRIES = ("US", "US", "US", "CA", "MX")
TITLE = "Gartenstuhl \u00e9t\u00e9"  # non-ASCII, so charset detection runs as it does on real files
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_KB / 1024


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def ledger_lines(rows: int, *, seed: int = 7) -> Iterator[str]:
    """``rows`` ledger movements over 18 months, oldest first, in Amazon's spaced layout."""
    rng = random.Random(seed)
    skus = [
        (f"X00{rng.randrange(16**7):07X}", f"B0{rng.randrange(36**8):08d}"[:10], f"SKU-{i:05d}")
        for i in range(2000)
    ]
    start = datetime(2025, 5, 1, tzinfo=UTC)
    step = timedelta(days=548) / rows
    yield HEADER
    for index in range(rows):
        moment = start + step * index
        fnsku, asin, msku = skus[rng.randrange(len(skus))]
        event, disposition, reason, quantity = EVENTS[rng.randrange(len(EVENTS))]
        reference = (
            f"{rng.randrange(10**9, 10**10)}" if event != "Shipments" else f"11{rng.randrange(10**15):015d}"
        )
        yield (
            f"{moment:%m/%d/%Y}\t{fnsku}\t{asin}\t{msku}\t{TITLE} {msku}\t{event}\t{reference}"
            f"\t{quantity}\t{rng.choice(CENTRES)}\t{disposition}\t{reason}\t{rng.choice(COUNTRIES)}"
            f"\t{quantity if reason else 0}\t0\t{moment:%Y-%m-%dT%H:%M:%S}+00:00\n"
        )


def write_report(path: Path, rows: int) -> int:
    """The gzipped document, written line by line; returns its uncompressed size in bytes."""
    size = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6, newline="") as handle:
        for line in ledger_lines(rows):
            handle.write(line)
            size += len(line.encode("utf-8"))
    return size


def prepare(db: Database) -> tuple[int, int]:
    load_all_models().create_all(db.engine)
    with db.session() as session:
        owner = create_user(
            session, email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password="bench-pass-123"
        )
        workspace = create_workspace(session, owner_id=owner.id, name="Bench")
        connection = SellerConnection(
            workspace_id=workspace.id,
            region="NA",
            selling_partner_id="ABENCH",
            marketplace_ids=["ATVPDKIKX0DER"],
        )
        session.add(connection)
        session.flush()
        return workspace.id, connection.id


def ingest(
    db: Database, report: Path, *, rows: int, workspace_id: int, connection_id: int
) -> tuple[IngestResult, float, list[float]]:
    """Stream the report into the ledger in committed batches, sampling RSS every tenth."""
    context = ReportContext(report_type=REPORT_TYPE, marketplace_id="ATVPDKIKX0DER")
    result = IngestResult()
    samples: list[float] = []
    every = max(1, rows // 10)
    started = time.perf_counter()
    with report.open("rb") as document:
        parsed = parse_report_document(document, context=context, compression_algorithm="GZIP")
        for batch in batched(parsed):
            with db.session() as session:
                result.add(
                    ingest_rows(session, batch, workspace_id=workspace_id, connection_id=connection_id)
                )
            if result.rows_seen // every > len(samples) - 1:
                samples.append(rss_mb())
    return result, time.perf_counter() - started, samples


def run_backend(name: str, db: Database, report: Path, rows: int, *, reingest: bool) -> None:
    workspace_id, connection_id = prepare(db)
    before = rss_mb()
    result, seconds, samples = ingest(
        db, report, rows=rows, workspace_id=workspace_id, connection_id=connection_id
    )
    with db.session() as session:
        stored = ledger_count(session, connection_id=connection_id)
    assert result.rows_seen == rows and stored == result.rows_inserted == rows, (result, stored)
    print(
        f"{name:<10} {rows:>9,} rows in {seconds:7.1f} s = {rows / seconds:>7,.0f} rows/s"
        f" | RSS before {before:.0f} MB, at each tenth {' '.join(f'{s:.0f}' for s in samples)} MB"
        f" (growth after the first tenth {samples[-1] - samples[0]:+.1f} MB)"
    )
    if reingest:
        again, again_seconds, _ = ingest(
            db, report, rows=rows, workspace_id=workspace_id, connection_id=connection_id
        )
        assert again.rows_inserted == 0, again
        print(f"{name:<10} same report again: 0 new rows, {rows / again_seconds:,.0f} rows/s")


def sqlite_store(directory: Path) -> Database:
    return Database(create_db_engine(f"sqlite:///{directory / 'bench.db'}"))


def postgres_store(schema: str) -> tuple[Database, object]:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    return Database(engine), admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--reingest", action="store_true", help="ingest the report twice (all duplicates)")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also report the Python heap peak (slower)"
    )
    args = parser.parse_args()
    if args.tracemalloc:
        tracemalloc.start()
    with tempfile.TemporaryDirectory(prefix="shelfscope-bench-") as temp:
        directory = Path(temp)
        report = directory / "ledger.tsv.gz"
        started = time.perf_counter()
        size = write_report(report, args.rows)
        packed = report.stat().st_size
        print(
            f"report: {args.rows:,} rows, {size / 2**20:.0f} MB of TSV, {packed / 2**20:.0f} MB gzipped"
            f" (generated in {time.perf_counter() - started:.0f} s)"
        )
        for backend in args.backends.split(","):
            if backend == "sqlite":
                db = sqlite_store(directory)
                try:
                    run_backend("sqlite", db, report, args.rows, reingest=args.reingest)
                finally:
                    db.dispose()
            elif backend == "postgres":
                schema = f"bench_seller_{os.getpid()}"
                db, admin = postgres_store(schema)
                try:
                    run_backend("postgresql", db, report, args.rows, reingest=args.reingest)
                finally:
                    db.dispose()
                    with admin.connect() as conn:  # type: ignore[attr-defined]
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    admin.dispose()  # type: ignore[attr-defined]
            else:
                raise SystemExit(f"unknown backend {backend!r} (sqlite, postgres)")
    print(f"peak RSS of the process: {peak_rss_mb():.0f} MB (the TSV alone is {size / 2**20:.0f} MB)")
    if args.tracemalloc:
        _current, peak = tracemalloc.get_traced_memory()
        print(f"peak Python heap (tracemalloc): {peak / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
