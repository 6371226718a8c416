"""A createReport body checked the way the Reports API checks it, or the 400 it answers.

``CreateReportSpecification`` requires ``reportType`` and 1 to 25 ``marketplaceIds``;
``dataStartTime`` and ``dataEndTime`` default to now and "must be prior to or equal to the
current date and time". Settlement reports "cannot be requested or scheduled": Amazon refuses
them with the numeric type id (selling-partner-api-docs#1633). An empty ``eventType`` option on
the inventory ledger is refused too (selling-partner-api-models#4747).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shelfscope.sandbox.spapi.api_errors import ApiFailure
from shelfscope.sandbox.spapi.report_types import kind_of
from shelfscope.sandbox.spapi.timefmt import parse_time

__all__ = ["CreateSpec", "parse_create_report"]

_REPORT_TYPE = re.compile(r"^[A-Z][A-Z0-9_]{2,99}$")


@dataclass(frozen=True, kw_only=True)
class CreateSpec:
    report_type: str
    marketplace_ids: tuple[str, ...]
    start: datetime
    end: datetime
    options: dict[str, str] = field(default_factory=dict)


def _object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"null")
    except ValueError:
        raise ApiFailure.invalid_input("Invalid input", "The request body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise ApiFailure.invalid_input(
            "Invalid input", "The request body must be a CreateReportSpecification object."
        )
    return parsed


def _report_type(spec: dict[str, Any]) -> str:
    report_type = spec.get("reportType")
    if not isinstance(report_type, str) or not _REPORT_TYPE.match(report_type):
        raise ApiFailure.invalid_input(
            "Invalid input", "reportType is required and must be a report type value."
        )
    kind = kind_of(report_type)
    if not kind.requestable:
        raise ApiFailure.invalid_input(
            f"Request for report type {kind.refusal_id or report_type} is not allowed at this time"
        )
    return report_type


def _marketplaces(spec: dict[str, Any], participating: Collection[str]) -> tuple[str, ...]:
    ids = spec.get("marketplaceIds")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 25 or not all(isinstance(item, str) for item in ids):
        raise ApiFailure.invalid_input("Invalid input", "marketplaceIds must list 1 to 25 marketplace ids.")
    unknown = [item for item in ids if item not in participating]
    if unknown:
        raise ApiFailure.invalid_input("Invalid input", f"Invalid marketplaceIds: {', '.join(unknown)}")
    return tuple(dict.fromkeys(ids))


def _time(spec: dict[str, Any], name: str, *, now: datetime) -> datetime:
    value = spec.get(name)
    if value is None:
        return now
    try:
        moment = parse_time(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ApiFailure.invalid_input("Invalid input", f"{name} must be an ISO 8601 date-time.")
    if moment > now:
        raise ApiFailure.invalid_input(
            "Invalid input", f"{name} must be prior to or equal to the current date and time."
        )
    return moment


def _options(spec: dict[str, Any]) -> dict[str, str]:
    options = spec.get("reportOptions") or {}
    if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
        raise ApiFailure.invalid_input("Invalid input", "reportOptions must map names to strings.")
    for name, value in options.items():
        if value == "":
            raise ApiFailure.invalid_input(
                f"1 validation error detected: Value '' at 'reportOptions.{name}' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            )
    return dict(options)


def parse_create_report(body: bytes, *, now: datetime, participating: Collection[str]) -> CreateSpec:
    """The checked specification, or :class:`ApiFailure` with Amazon's 400."""
    spec = _object(body)
    report_type = _report_type(spec)
    marketplace_ids = _marketplaces(spec, participating)
    start, end = _time(spec, "dataStartTime", now=now), _time(spec, "dataEndTime", now=now)
    if start > end:
        raise ApiFailure.invalid_input("Invalid input", "dataStartTime must be before dataEndTime.")
    return CreateSpec(
        report_type=report_type, marketplace_ids=marketplace_ids, start=start, end=end, options=_options(spec)
    )
