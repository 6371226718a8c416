"""The one reader for every flat-file report: lines of text in, ledger rows out, streamed.

Amazon's report documents are tab-separated with a header line. Seller Central exports of the
same reports are comma-separated and quoted; the header line decides which. Values in TSV files
are not quoted by Amazon, and product names contain stray ``"`` characters (``12" Widget``), so
TSV is read without quote processing and a cell wrapped whole in quotes is unwrapped.

Per line the reader skips blanks and repeated header lines, types the declared columns (dates,
decimals, integers; an empty cell is ``None``), and hands the typed record to
:mod:`shelfscope.seller.reports.row_builder`. A bad value raises ``ParseError`` naming the line and
column: a report with one unreadable amount is not ingested half-way silently.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence

from shelfscope.errors import ParseError
from shelfscope.seller.ledger_rows import LedgerRow, Value
from shelfscope.seller.reports.headers import HeaderLayout, read_layout
from shelfscope.seller.reports.row_builder import RowBuilder
from shelfscope.seller.reports.spec import FlatFileSpec, ReportContext
from shelfscope.seller.values import parse_datetime, parse_decimal, parse_int

__all__ = ["read_flat_file", "read_header"]

Converter = Callable[[str], Value]


def read_flat_file(
    spec: FlatFileSpec, lines: Iterable[str], *, context: ReportContext
) -> Iterator[LedgerRow]:
    """Ledger rows of one report document, in file order.

    ``lines`` is any iterable of text lines (a :class:`~shelfscope.seller.decoding.ReportText`,
    a list, an open text file). Raises ``ContractChanged`` when a required column is missing
    and ``ParseError`` on an empty document or an unreadable value.
    """
    rows, layout = _open_rows(spec, lines)
    typed = _RecordTyping(spec, layout, context=context)
    builder = RowBuilder(spec, context=context)
    for line_number, cells in rows:
        if not any(cell.strip() for cell in cells) or layout.is_header_repeat(cells):
            continue
        record, raw = typed.record(cells, line_number=line_number)
        yield from builder.rows(record, raw=raw, line_number=line_number)


def read_header(spec: FlatFileSpec, lines: Iterable[str]) -> HeaderLayout:
    """The matched header of a document, without reading its rows (layout checks, diagnostics)."""
    _rows, layout = _open_rows(spec, lines)
    return layout


def _open_rows(
    spec: FlatFileSpec, lines: Iterable[str]
) -> tuple[Iterator[tuple[int, list[str]]], HeaderLayout]:
    iterator = iter(lines)
    first = next((line for line in iterator if line.strip()), None)
    if first is None:
        raise ParseError(f"{spec.report_type}: the report document is empty (no header line)")
    rows = _cells(itertools.chain([first], iterator), tab_separated="\t" in first)
    _number, header = next(rows)
    layout = read_layout(
        header, report_type=spec.report_type, required=spec.required, known=spec.known_columns
    )
    return rows, layout


def _cells(lines: Iterator[str], *, tab_separated: bool) -> Iterator[tuple[int, list[str]]]:
    if tab_separated:
        reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, strict=False)
        for cells in reader:
            yield reader.line_num, [_unquote(cell) for cell in cells]
    else:
        reader = csv.reader(lines, delimiter=",", quotechar='"', strict=False)
        for cells in reader:
            yield reader.line_num, cells


def _unquote(cell: str) -> str:
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


class _RecordTyping:
    """Cells of one line into the typed record (canonical names) and the raw row (as found)."""

    def __init__(self, spec: FlatFileSpec, layout: HeaderLayout, *, context: ReportContext) -> None:
        def as_date(text: str) -> Value:
            return parse_datetime(text, month_first=spec.month_first)

        def as_decimal(text: str) -> Value:
            return parse_decimal(text, decimal_comma=context.decimal_comma)

        kinds: dict[str, Converter] = dict.fromkeys(spec.dates, as_date)
        kinds |= dict.fromkeys(spec.decimals, as_decimal)
        kinds |= dict.fromkeys(spec.integers, parse_int)
        self._report_type = spec.report_type
        self._columns = [(name, kinds.get(name) if name else None) for name in layout.canonical]
        self._raw_keys = _unique(layout.original)

    def record(self, cells: list[str], *, line_number: int) -> tuple[dict[str, Value], dict[str, str]]:
        width = len(self._columns)
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            raise ParseError(
                f"{self._report_type}: line {line_number} has {len(cells)} fields, the header {width}"
            )
        cells = cells[:width] + [""] * (width - len(cells))
        record: dict[str, Value] = {}
        for (name, convert), cell in zip(self._columns, cells, strict=True):
            if name is None:
                continue
            text = cell.strip()
            if not text:
                record[name] = None
                continue
            try:
                record[name] = convert(text) if convert else text
            except ValueError as exc:
                raise ParseError(f"{self._report_type}: line {line_number}, column {name!r}: {exc}") from exc
        return record, dict(zip(self._raw_keys, cells, strict=True))


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if count == 0 else f"{name}#{count + 1}")
    return result
