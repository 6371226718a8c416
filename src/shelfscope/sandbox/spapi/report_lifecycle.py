"""Creating reports, reading their status, and producing their documents when they finish.

The end of a report is decided in two steps. At creation: forced outcomes and the configured
FATAL/CANCELLED rates, a FATAL for a request identical to one still running (a duplicate within
Amazon's cooldown, selling-partner-api-docs#1645) and for a fee preview whose window starts less
than 72 hours ago ("specify the StartDate parameter for a minimum 72 hours prior to NOW"). When
it is first seen finished: a report without rows is CANCELLED, Amazon's "no data to return".
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from shelfscope.sandbox.spapi.document_store import StoredDocument
from shelfscope.sandbox.spapi.history.model import SettlementPeriod
from shelfscope.sandbox.spapi.render.documents import (
    RENDERABLE,
    SETTLEMENT_TYPE,
    RenderedDocument,
    ReportRequest,
    render_report,
    render_settlement,
    render_text,
)
from shelfscope.sandbox.spapi.report_requests import CreateSpec
from shelfscope.sandbox.spapi.report_store import CANCELLED, DONE, FATAL, IN_PROGRESS, IN_QUEUE, ReportRecord
from shelfscope.sandbox.spapi.report_types import ALL_ORDERS_RANGE_EXCEEDED, kind_of
from shelfscope.sandbox.spapi.timefmt import api_time
from shelfscope.sandbox.spapi.world import SpapiWorld

__all__ = ["create_report", "observe", "register_settlement", "report_json"]

FEE_PREVIEW = "GET_FBA_ESTIMATED_FBA_FEES_TXT_DATA"
_FEE_PREVIEW_LEAD = timedelta(hours=72)


def _planned(
    world: SpapiWorld, spec: CreateSpec, *, key: tuple[object, ...], owner: tuple[str, str], now: datetime
) -> str:
    planned = world.draw_outcome()
    running = any(
        record.request_key == key and record.stage_at(now) in (IN_QUEUE, IN_PROGRESS)
        for record in world.reports.all(*owner)
    )
    if running and world.knobs.duplicate_request_fatal:
        return FATAL
    if spec.report_type == FEE_PREVIEW and spec.start > now - _FEE_PREVIEW_LEAD:
        return FATAL
    return planned


def create_report(
    world: SpapiWorld, spec: CreateSpec, *, owner: tuple[str, str], now: datetime
) -> ReportRecord:
    """A new on-demand report of ``owner`` (seller, region), scheduled on its lane."""
    seller, region = owner
    kind = kind_of(spec.report_type)
    key = (spec.report_type, spec.marketplace_ids, spec.start, spec.end, tuple(sorted(spec.options.items())))
    with world.reports.lock:
        planned = _planned(world, spec, key=key, owner=owner, now=now)
        queued = world.draw_seconds(*kind.queue_seconds)
        processing = world.draw_seconds(*kind.processing_seconds)
        start, end = world.reports.schedule(
            lane=(seller, region, spec.report_type),
            ready_at=now + timedelta(seconds=queued),
            seconds=processing,
        )
        record = ReportRecord(
            report_id=world.reports.new_id(),
            selling_partner_id=seller,
            region=region,
            report_type=spec.report_type,
            marketplace_ids=spec.marketplace_ids,
            data_start=spec.start,
            data_end=spec.end,
            options=spec.options,
            created_at=now,
            processing_start_at=start,
            processing_end_at=end,
            planned=planned,
        )
        world.reports.add(record)
    return record


def register_settlement(
    world: SpapiWorld, period: SettlementPeriod, *, owner: tuple[str, str]
) -> ReportRecord:
    """The report record of a settlement Amazon generated when the period closed."""
    created = period.report_created_at
    record = ReportRecord(
        report_id=world.reports.new_id(),
        selling_partner_id=owner[0],
        region=owner[1],
        report_type=SETTLEMENT_TYPE,
        marketplace_ids=(period.marketplace_id,),
        data_start=period.start,
        data_end=period.end,
        created_at=created,
        processing_start_at=created + timedelta(seconds=20),
        processing_end_at=created + timedelta(seconds=95),
        settlement=period,
    )
    world.reports.add(record)
    return record


def _render(world: SpapiWorld, record: ReportRecord) -> RenderedDocument | None:
    history = world.history(record.region)
    if record.settlement is not None:
        return render_settlement(history, record.settlement)
    kind = kind_of(record.report_type)
    if record.report_type not in RENDERABLE:
        return None
    if kind.max_days is not None and record.data_end - record.data_start > timedelta(days=kind.max_days):
        return render_text(ALL_ORDERS_RANGE_EXCEEDED, region=record.region, report_type=record.report_type)
    request = ReportRequest(
        report_type=record.report_type,
        region=record.region,
        marketplace_ids=record.marketplace_ids,
        start=record.data_start,
        end=record.data_end,
        as_of=record.processing_end_at,
        options=record.options,
    )
    rendered = render_report(history, request)
    return rendered if rendered.rows else None


def _store(world: SpapiWorld, record: ReportRecord, rendered: RenderedDocument) -> str:
    region = record.region.lower()
    suffix = f"T{secrets.token_hex(7).upper()}.{secrets.randbelow(9000) + 1000}"
    document_id = f"amzn1.spdoc.1.4.{region}.{uuid.uuid4()}.{suffix}"
    retention = timedelta(days=kind_of(record.report_type).retention_days)
    world.documents.add(
        StoredDocument(
            document_id=document_id,
            key=f"tortuga-prod-{region}/{uuid.uuid4().hex}",
            selling_partner_id=record.selling_partner_id,
            region=record.region,
            body=rendered.body,
            charset=rendered.charset,
            expires_at=record.processing_end_at + retention,
        )
    )
    return document_id


def _finalize(world: SpapiWorld, record: ReportRecord) -> None:
    with world.reports.lock:
        if record.final is not None:
            return
        if record.planned != DONE:
            record.final = record.planned
            return
        rendered = _render(world, record)
        if rendered is None:
            record.final = CANCELLED
            return
        record.document_id = _store(world, record, rendered)
        record.final = DONE


def observe(world: SpapiWorld, record: ReportRecord, *, now: datetime) -> str:
    """The report's processingStatus at ``now``; a report seen finished gets its document."""
    stage = record.stage_at(now)
    if stage != "ENDED":
        return stage
    _finalize(world, record)
    assert record.final is not None
    return record.final


def report_json(record: ReportRecord, status: str) -> dict[str, Any]:
    """The ``Report`` object of getReport and getReports."""
    body: dict[str, Any] = {
        "reportType": record.report_type,
        "processingStatus": status,
        "marketplaceIds": list(record.marketplace_ids),
        "reportId": record.report_id,
        "dataStartTime": api_time(record.data_start),
        "dataEndTime": api_time(record.data_end),
        "createdTime": api_time(record.created_at),
    }
    cancelled_while_queued = (
        record.cancelled_at is not None and record.cancelled_at < record.processing_start_at
    )
    if status != IN_QUEUE and not cancelled_while_queued:
        body["processingStartTime"] = api_time(record.processing_start_at)
    if status in (DONE, FATAL, CANCELLED):
        body["processingEndTime"] = api_time(record.cancelled_at or record.processing_end_at)
    if status == DONE and record.document_id:
        body["reportDocumentId"] = record.document_id
    return body
