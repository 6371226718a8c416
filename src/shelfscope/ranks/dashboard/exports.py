"""The job page's CSV export buttons, shown when the streaming export endpoint is mounted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.routing import Match

__all__ = ["EXPORT_PATH", "ExportLink", "export_links", "serves"]

EXPORT_PATH = "/api/v1/ranks/export.csv"
_KINDS = (
    ("combined", "Organic and sponsored"),
    ("organic", "Organic only"),
    ("sponsored", "Sponsored only"),
)


@dataclass(frozen=True, slots=True)
class ExportLink:
    kind: str
    label: str
    url: str


def serves(request: Request, path: str) -> bool:
    """Whether the app answers GET ``path``: optional features (exports, alert rules) show their
    buttons only when their routes are mounted."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)


def export_links(request: Request, *, job_id: int, since: datetime) -> list[ExportLink]:
    """One download per kind of rank, for the job's checks since ``since``; none when not served."""
    if not serves(request, EXPORT_PATH):
        return []
    links = []
    for kind, label in _KINDS:
        query = urlencode({"kind": kind, "job": job_id, "since": since.isoformat(timespec="seconds")})
        links.append(ExportLink(kind, label, f"{EXPORT_PATH}?{query}"))
    return links
