"""Reports the sandbox knows of, and the IN_QUEUE → IN_PROGRESS → DONE/FATAL/CANCELLED clock.

A report's schedule is fixed when it is created: it waits in its lane (reports of one type for
one seller run one at a time, "waiting for another IN_PROGRESS report"), then processes for a
type-dependent time. Its status is read off the sandbox clock, so a fast clock plays the whole
lifecycle out in seconds and a frozen one holds it still. What the report ends as is drawn at
creation too; the document itself is rendered when the report is first seen finished.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shelfscope.sandbox.spapi.history.model import SettlementPeriod

__all__ = ["ReportRecord", "ReportStore"]

IN_QUEUE, IN_PROGRESS, DONE, FATAL, CANCELLED = "IN_QUEUE", "IN_PROGRESS", "DONE", "FATAL", "CANCELLED"


@dataclass(kw_only=True)
class ReportRecord:
    report_id: str
    selling_partner_id: str
    region: str
    report_type: str
    marketplace_ids: tuple[str, ...]
    data_start: datetime
    data_end: datetime
    options: dict[str, str] = field(default_factory=dict)
    created_at: datetime
    processing_start_at: datetime
    processing_end_at: datetime
    planned: str = DONE
    """DONE, FATAL or CANCELLED: how the report ends unless it is cancelled while queued."""
    settlement: SettlementPeriod | None = None
    cancelled_at: datetime | None = None
    final: str | None = None
    """The end status once decided (a DONE report without rows becomes CANCELLED)."""
    document_id: str | None = None

    @property
    def request_key(self) -> tuple[object, ...]:
        """What makes two createReport requests identical."""
        options = tuple(sorted(self.options.items()))
        return (self.report_type, self.marketplace_ids, self.data_start, self.data_end, options)

    def stage_at(self, now: datetime) -> str:
        """IN_QUEUE, IN_PROGRESS, CANCELLED (explicitly), or ``"ENDED"`` once processing is over."""
        if self.cancelled_at is not None and self.cancelled_at <= now:
            return CANCELLED
        if now < self.processing_start_at:
            return IN_QUEUE
        if now < self.processing_end_at:
            return IN_PROGRESS
        return "ENDED"


class ReportStore:
    """Reports by (seller, region, id), processing lanes and the report id sequence."""

    def __init__(self, *, first_id: int) -> None:
        self.lock = threading.RLock()
        self._next_id = first_id
        self._reports: dict[tuple[str, str], dict[str, ReportRecord]] = {}
        self._lanes: dict[tuple[str, str, str], datetime] = {}
        self._settlements: set[tuple[str, str, str]] = set()

    def new_id(self) -> str:
        with self.lock:
            self._next_id += 1 + self._next_id % 7  # ids grow, but not one by one
            return str(self._next_id)

    def add(self, record: ReportRecord) -> None:
        with self.lock:
            self._reports.setdefault((record.selling_partner_id, record.region), {})[record.report_id] = (
                record
            )

    def get(self, selling_partner_id: str, region: str, report_id: str) -> ReportRecord | None:
        with self.lock:
            return self._reports.get((selling_partner_id, region), {}).get(report_id)

    def all(self, selling_partner_id: str, region: str) -> list[ReportRecord]:
        with self.lock:
            return list(self._reports.get((selling_partner_id, region), {}).values())

    def schedule(
        self, *, lane: tuple[str, str, str], ready_at: datetime, seconds: float
    ) -> tuple[datetime, datetime]:
        """(start, end) of processing in ``lane``: after ``ready_at`` and after the lane frees."""
        with self.lock:
            start = max(ready_at, self._lanes.get(lane, ready_at))
            end = start + timedelta(seconds=seconds)
            self._lanes[lane] = end
            return start, end

    def release(self, record: ReportRecord, *, now: datetime) -> None:
        """A report cancelled while queued frees its lane, if no later report is waiting behind it."""
        lane = (record.selling_partner_id, record.region, record.report_type)
        with self.lock:
            if self._lanes.get(lane) == record.processing_end_at:
                self._lanes[lane] = now

    def claim_settlement(self, selling_partner_id: str, region: str, settlement_id: str) -> bool:
        """True the first time a settlement is claimed: its report record is then created once."""
        key = (selling_partner_id, region, settlement_id)
        with self.lock:
            if key in self._settlements:
                return False
            self._settlements.add(key)
            return True
