"""Telling the user what a bulk keyword add did: added, skipped as duplicates, refused and why."""

from __future__ import annotations

from starlette.requests import Request

from shelfscope.ranks.keywords import BulkReport
from shelfscope.web import flash

__all__ = ["flash_bulk_report", "listing"]

_SHOWN = 8


def listing(items: list[str]) -> str:
    """``a, b, c and 4 more``: long pastes stay readable in a toast."""
    quoted = [f"“{item}”" for item in items[:_SHOWN]]
    more = len(items) - len(quoted)
    return ", ".join(quoted) + (f" and {more} more" if more > 0 else "")


def flash_bulk_report(request: Request, report: BulkReport) -> None:
    """One message per outcome, each naming its keywords (invalid ones with their line and reason)."""
    if report.added:
        noun = "keyword" if len(report.added) == 1 else "keywords"
        flash(request, "success", f"Added {len(report.added)} {noun}: {listing(report.added)}")
    if report.duplicates:
        noun = "duplicate" if len(report.duplicates) == 1 else "duplicates"
        flash(
            request,
            "warning",
            f"Skipped {len(report.duplicates)} {noun} already tracked: {listing(report.duplicates)}",
        )
    if report.invalid:
        lines = [f"line {line.line} “{line.text[:60]}”: {line.reason}" for line in report.invalid[:_SHOWN]]
        more = len(report.invalid) - len(lines)
        suffix = f"; and {more} more" if more > 0 else ""
        flash(request, "error", f"{len(report.invalid)} invalid: " + "; ".join(lines) + suffix)
    if not (report.added or report.duplicates or report.invalid):
        flash(request, "info", "No keywords found in that text")
